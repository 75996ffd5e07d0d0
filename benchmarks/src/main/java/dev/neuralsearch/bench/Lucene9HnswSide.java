package dev.neuralsearch.bench;

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
 * Lucene 9.12.3 HNSW, the Lucene on the library's class path (side {@code lucene9}; the peer the issue names is
 * Lucene 10, {@link Lucene10HnswSide}). On JDK 23+ 9.12 computes distances without the Vector API. Its defaults
 * (Lucene99HnswVectorsFormat, M 16, beam width 100, float32 vectors, no quantization), one segment after
 * {@code forceMerge(1)}, in an {@link MMapDirectory} on disk.
 * A query is a {@link KnnFloatVectorQuery} for {@code ef} hits (Lucene's candidate count) of which the first
 * {@code k} are kept; the stored id of each is read, as an application would.
 */
public final class Lucene9HnswSide implements SearchSide {
    static final String FIELD = "v";
    private DirectoryReader reader;
    private IndexSearcher searcher;
    private MMapDirectory dir;

    @Override
    public String name() {
        return "lucene9";
    }

    @Override
    public void build(Path home, float[][] vectors) throws Exception {
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

    @Override
    public void open(Path home) throws Exception {
        dir = new MMapDirectory(home);
        reader = DirectoryReader.open(dir);
        if (reader.leaves().size() != 1) {
            throw new IllegalStateException("expected one segment, found " + reader.leaves().size());
        }
        searcher = new IndexSearcher(reader);
        searcher.setQueryCache(null);
    }

    @Override
    public int[] search(float[] query, int k, int ef) throws Exception {
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
    public void close() {
        try {
            if (reader != null) {
                reader.close();
                dir.close();
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

}
