package dev.neuralsearch.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the contract leaves open: the in-memory index's own lexical scoring and its exact-only search. */
class InMemoryVectorIndexTest {

    private static final IndexSchema SCHEMA = new IndexSchema("t", 2, Similarity.DOT_PRODUCT);

    private static List<String> ids(List<ScoredDocument> hits) {
        return hits.stream().map(sd -> sd.document().id()).toList();
    }

    @Test
    void lexicalScoresRiseWithTermFrequencyAndFallWithLengthAndCommonness() {
        try (InMemoryVectorIndex index = new InMemoryVectorIndex(SCHEMA)) {
            List<Document> docs = List.of(
                    new Document("d3", "zebra zebra crossing"),
                    new Document("d4", "Zebra, ZEBRA; zebra!"),
                    new Document("d5", "a zebra seen far away in the wide open savanna at dusk"),
                    new Document("d6", "the savanna at dawn"),
                    new Document("d7", "apple"));
            index.add(docs, docs.stream().map(d -> new float[] {1, 0}).toList());
            // BM25, by hand: more occurrences first, then the shorter document
            assertThat(ids(index.lexicalSearch("zebra", 10, Filter.ALL))).containsExactly("d4", "d3", "d5");
            // the rarer term weighs more: "dusk" (1 document) beats "savanna" (2) for a document with one of each
            List<ScoredDocument> hits = index.lexicalSearch("savanna dusk", 10, Filter.ALL);
            assertThat(ids(hits)).containsExactly("d5", "d6");
            assertThat(index.lexicalSearch("?!", 10, Filter.ALL)).isEmpty();
            assertThat(index.lexicalSearch("giraffe", 10, Filter.ALL)).isEmpty();
        }
    }

    @Test
    void approximateSearchIsTheExactOneAndTiesRankById() {
        try (InMemoryVectorIndex index = new InMemoryVectorIndex(SCHEMA)) {
            index.add(List.of(new Document("b", "b"), new Document("a", "a"), new Document("c", "c", Map.of("k", 1))),
                    List.of(new float[] {1, 0}, new float[] {1, 0}, new float[] {0, 1}));
            float[] q = {1, 0.5f};
            assertThat(index.search(q, 3, Filter.ALL, new SearchOptions(1f))).isEqualTo(index.exactSearch(q, 3, Filter.ALL));
            assertThat(ids(index.exactSearch(q, 3, Filter.ALL))).containsExactly("a", "b", "c");
            assertThat(index.stats()).isEqualTo(new IndexStats(3, 0, 0, 0, 3));
            index.commit();
            assertThat(index.stats().uncommitted()).isZero();
        }
    }
}
