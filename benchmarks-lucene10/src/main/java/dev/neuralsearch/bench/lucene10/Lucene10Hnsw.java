package dev.neuralsearch.bench.lucene10;

import java.io.IOException;
import java.nio.file.Path;
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
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.MMapDirectory;

/**
 * Lucene 10 HNSW with its defaults (the codec's default vectors format: HNSW, M 16, beam width 100, float32
 * vectors, no quantization), one segment after {@code forceMerge(1)}, in an {@link MMapDirectory} on disk. A query
 * is a {@link KnnFloatVectorQuery} for {@code ef} hits (Lucene's candidate count) of which the first {@code k} are
 * kept; the stored id of each is read, as an application would.
 *
 * <p>Its API uses JDK types only: the benchmarks call it through method handles from another class loader
 * ({@code dev.neuralsearch.bench.Lucene10Loader}), where Lucene 10 replaces the Lucene 9 of the library.
 */
public final class Lucene10Hnsw implements AutoCloseable {
    static final String FIELD = "v";
    private MMapDirectory dir;
    private DirectoryReader reader;
    private IndexSearcher searcher;

    /** Creates the index under {@code home} from {@code vectors} (document id = ordinal), one segment. */
    public void build(Path home, float[][] vectors) throws IOException {
        try (MMapDirectory d = new MMapDirectory(home)) {
            IndexWriterConfig config = new IndexWriterConfig()
                    .setOpenMode(IndexWriterConfig.OpenMode.CREATE)
                    .setRAMBufferSizeMB(2048)
                    .setUseCompoundFile(false);
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
        TopDocs top = searcher.search(new KnnFloatVectorQuery(FIELD, query, Math.max(k, ef)), k);
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
