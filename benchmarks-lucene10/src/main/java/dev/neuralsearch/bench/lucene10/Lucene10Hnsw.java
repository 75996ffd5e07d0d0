package dev.neuralsearch.bench.lucene10;

import java.io.IOException;
import java.nio.file.Path;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene104.Lucene104Codec;
import org.apache.lucene.codecs.lucene104.Lucene104HnswScalarQuantizedVectorsFormat;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.RescoreTopNQuery;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.MMapDirectory;
import org.apache.lucene.util.quantization.QuantizedByteVectorValues.ScalarEncoding;

/**
 * Lucene 10 HNSW with its defaults (the codec's default vectors format: HNSW, M 16, beam width 100, float32
 * vectors, no quantization), one segment after {@code forceMerge(1)}, in an {@link MMapDirectory} on disk. A query
 * is a {@link KnnFloatVectorQuery} for {@code ef} hits (Lucene's candidate count) of which the first {@code k} are
 * kept; the stored id of each is read, as an application would.
 *
 * <p>Or, by {@code variant}, Lucene 10.6's quantized HNSW, {@link Lucene104HnswScalarQuantizedVectorsFormat} (the
 * format Elasticsearch's int8 / int4 / BBQ index types map to; same M 16 and beam width 100), set for the field
 * through a {@link Lucene104Codec} subclass. Its float vectors are kept beside the codes (flat format):
 * <ul>
 *   <li>{@code sq8} ({@link ScalarEncoding#UNSIGNED_BYTE}) and {@code sq4} ({@link ScalarEncoding#PACKED_NIBBLE}):
 *       the graph is searched with the quantized codes and those scores are final, as in Lucene's default use;</li>
 *   <li>{@code bq1} ({@link ScalarEncoding#SINGLE_BIT_QUERY_NIBBLE}, 1-bit codes, 4-bit query): the graph search
 *       keeps {@code ef} candidates (the oversampled count, oversampling = ef / k), which Lucene's own
 *       {@link RescoreTopNQuery#createFullPrecisionRescorerQuery} rescores exactly from the float vectors before
 *       the best {@code k} are kept.</li>
 * </ul>
 *
 * <p>Its API uses JDK types only: the benchmarks call it through method handles from another class loader
 * ({@code dev.neuralsearch.bench.Lucene10Loader}), where Lucene 10 replaces the Lucene 9 of the library.
 */
public final class Lucene10Hnsw implements AutoCloseable {
    static final String FIELD = "v";
    private MMapDirectory dir;
    private DirectoryReader reader;
    private IndexSearcher searcher;
    private final String variant;

    /** Float HNSW, the default codec's. */
    public Lucene10Hnsw() {
        this("float");
    }

    /** {@code float}, {@code sq8}, {@code sq4} or {@code bq1} (see the class comment). */
    public Lucene10Hnsw(String variant) {
        encoding(variant); // fails early on an unknown name
        this.variant = variant;
    }

    /** The quantization of {@code variant}, or null for float. */
    private static ScalarEncoding encoding(String variant) {
        return switch (variant) {
            case "float" -> null;
            case "sq8" -> ScalarEncoding.UNSIGNED_BYTE;
            case "sq4" -> ScalarEncoding.PACKED_NIBBLE;
            case "bq1" -> ScalarEncoding.SINGLE_BIT_QUERY_NIBBLE;
            default -> throw new IllegalArgumentException("variant is float, sq8, sq4 or bq1, was " + variant);
        };
    }

    /** Creates the index under {@code home} from {@code vectors} (document id = ordinal), one segment. */
    public void build(Path home, float[][] vectors) throws IOException {
        try (MMapDirectory d = new MMapDirectory(home)) {
            IndexWriterConfig config = new IndexWriterConfig()
                    .setOpenMode(IndexWriterConfig.OpenMode.CREATE)
                    .setRAMBufferSizeMB(2048)
                    .setUseCompoundFile(false);
            ScalarEncoding encoding = encoding(variant);
            if (encoding != null) {
                // M 16 and beam width 100: the defaults of the float format, so only the vectors' coding differs
                KnnVectorsFormat format = new Lucene104HnswScalarQuantizedVectorsFormat(encoding, 16, 100);
                config.setCodec(new Lucene104Codec() {
                    @Override
                    public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
                        return format;
                    }
                });
            }
            try (IndexWriter w = new IndexWriter(d, config)) {
                for (int i = 0; i < vectors.length; i++) {
                    Document doc = new Document();
                    doc.add(new StoredField("id", Integer.toString(i)));
                    doc.add(new KnnFloatVectorField(FIELD, vectors[i], VectorSimilarityFunction.DOT_PRODUCT));
                    w.addDocument(doc);
                }
                w.forceMerge(1);
                w.commit();
            }
        }
    }

    public void open(Path home) throws IOException {
        dir = new MMapDirectory(home);
        reader = DirectoryReader.open(dir);
        if (reader.leaves().size() != 1) {
            throw new IllegalStateException("expected one segment, found " + reader.leaves().size());
        }
        searcher = new IndexSearcher(reader);
        searcher.setQueryCache(null);
    }

    public int[] search(float[] query, int k, int ef) throws IOException {
        int candidates = Math.max(k, ef);
        Query q = new KnnFloatVectorQuery(FIELD, query, candidates);
        if (variant.equals("bq1")) {
            q = RescoreTopNQuery.createFullPrecisionRescorerQuery(q, query, FIELD, candidates);
        }
        TopDocs top = searcher.search(q, k);
        StoredFields stored = searcher.storedFields();
        ScoreDoc[] hits = top.scoreDocs;
        int[] out = new int[hits.length];
        for (int i = 0; i < hits.length; i++) {
            out[i] = Integer.parseInt(stored.document(hits[i].doc).get("id"));
        }
        return out;
    }

    @Override
    public void close() throws IOException {
        if (reader != null) {
            reader.close();
            dir.close();
            reader = null;
        }
    }
}
