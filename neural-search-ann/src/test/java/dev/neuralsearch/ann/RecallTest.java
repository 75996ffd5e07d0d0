package dev.neuralsearch.ann;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neuralsearch.core.Document;
import dev.neuralsearch.core.Filter;
import dev.neuralsearch.core.IndexSchema;
import dev.neuralsearch.core.Similarity;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ANN vs exact on 20k x 384 Gaussian-clustered vectors, default settings (FusedPQ + exact rerank). */
class RecallTest {
    @TempDir
    Path home;

    @Test
    void recallAt10OnClusteredData() {
        int n = 20_000;
        int dim = 384;
        TestVectors tv = new TestVectors(dim, 64, 0.06f, 7);
        IndexSchema schema = new IndexSchema("synthetic", dim, Similarity.DOT_PRODUCT);
        try (JVectorIndex index = JVectorIndex.open(home, schema)) {
            List<Document> docs = new ArrayList<>(n);
            List<float[]> vecs = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                docs.add(Document.of("v" + i, "", Map.of("shard", i % 4)));
                vecs.add(tv.next());
            }
            index.add(docs, vecs);
            long t0 = System.nanoTime();
            index.commit();
            System.out.printf("commit (graph + PQ + write) of %d x %d: %.1f s%n", n, dim, (System.nanoTime() - t0) / 1e9);
            double sum = 0;
            double sumFiltered = 0;
            int queries = 100;
            for (int q = 0; q < queries; q++) {
                float[] query = tv.next();
                sum += TestVectors.recall(index.search(query, 10, Filter.ALL), index.exactSearch(query, 10, Filter.ALL));
                Filter f = Filter.eq("shard", 1);
                sumFiltered += TestVectors.recall(index.search(query, 10, f), index.exactSearch(query, 10, f));
            }
            System.out.printf("recall@10 %.4f, filtered (25%%) recall@10 %.4f%n", sum / queries, sumFiltered / queries);
            assertThat(sum / queries).isGreaterThanOrEqualTo(0.98);
            assertThat(sumFiltered / queries).isGreaterThanOrEqualTo(0.95);
        }
    }

    /** The FusedPQ path (approximate traversal + exact rerank) on 5k vectors: guards it against regressions. */
    @Test
    void recallWithFusedPq() {
        int n = 5_000;
        int dim = 384;
        TestVectors tv = new TestVectors(dim, 64, 0.06f, 9);
        IndexSchema schema = new IndexSchema("synthetic", dim, Similarity.DOT_PRODUCT);
        JVectorIndexOptions o = JVectorIndexOptions.DEFAULT.withPqThreshold(1000).withOverquery(20);
        try (JVectorIndex index = JVectorIndex.open(home, schema, o)) {
            List<Document> docs = new ArrayList<>(n);
            List<float[]> vecs = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                docs.add(new Document("v" + i, ""));
                vecs.add(tv.next());
            }
            index.add(docs, vecs);
            index.commit();
            double sum = 0;
            int queries = 100;
            for (int q = 0; q < queries; q++) {
                float[] query = tv.next();
                sum += TestVectors.recall(index.search(query, 10, Filter.ALL), index.exactSearch(query, 10, Filter.ALL));
            }
            System.out.printf("FusedPQ (48 B) rerank k 200 recall@10 %.4f%n", sum / queries);
            assertThat(sum / queries).isGreaterThanOrEqualTo(0.95);
        }
    }
}
