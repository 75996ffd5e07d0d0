package dev.neuralsearch.ann;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neuralsearch.core.Document;
import dev.neuralsearch.core.Filter;
import dev.neuralsearch.core.IndexSchema;
import dev.neuralsearch.core.ScoredDocument;
import dev.neuralsearch.core.Similarity;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Filtered searches above the brute-force limit choose between the graph (with filter {@code Bits}) and an exact
 * scan of the matches by cost; a graph search that exceeds the scan's cost is abandoned and the scan answers.
 * Whatever the path, the result must be k matching documents, and for a selective filter (where the scan wins)
 * exactly the exact top-k.
 */
class FilteredSearchTest {
    @TempDir
    Path home;

    @Test
    void selectiveAndBroadFiltersReturnKMatchingHits() {
        int n = 10_000;
        int dim = 64;
        TestVectors tv = new TestVectors(dim, 32, 0.08f, 11);
        IndexSchema schema = new IndexSchema("synthetic", dim, Similarity.DOT_PRODUCT);
        // no brute-force floor: every filtered search goes through the cost decision
        JVectorIndexOptions o = JVectorIndexOptions.DEFAULT.withFilterBruteForceLimit(0).withBuildThreads(2);
        try (JVectorIndex index = JVectorIndex.open(home, schema, o)) {
            List<Document> docs = new ArrayList<>(n);
            List<float[]> vecs = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                docs.add(Document.of("v" + i, "", Map.of("bucket", i % 20, "half", i % 2)));
                vecs.add(tv.next());
            }
            index.add(docs, vecs);
            index.commit();
            index.delete(List.of("v3", "v23", "v43")); // tombstones inside the selective filter
            Filter selective = Filter.eq("bucket", 3); // 5 %: 500 matches, fewer than the graph would score
            Filter broad = Filter.eq("half", 1);       // 50 %: the graph is cheaper
            double broadRecall = 0;
            int queries = 50;
            for (int q = 0; q < queries; q++) {
                float[] query = tv.next();
                List<ScoredDocument> hits = index.search(query, 10, selective);
                assertThat(hits).hasSize(10);
                assertThat(hits).allSatisfy(h -> assertThat(h.document().metadata().get("bucket")).isEqualTo(3L));
                assertThat(ids(hits)).doesNotContain("v3", "v23", "v43");
                assertThat(ids(hits)).isEqualTo(ids(index.exactSearch(query, 10, selective)));

                List<ScoredDocument> broadHits = index.search(query, 10, broad);
                assertThat(broadHits).hasSize(10);
                assertThat(broadHits).allSatisfy(h -> assertThat(h.document().metadata().get("half")).isEqualTo(1L));
                broadRecall += TestVectors.recall(broadHits, index.exactSearch(query, 10, broad));
            }
            assertThat(broadRecall / queries).isGreaterThanOrEqualTo(0.95);
        }
    }

    private static List<String> ids(List<ScoredDocument> hits) {
        return hits.stream().map(h -> h.document().id()).toList();
    }
}
