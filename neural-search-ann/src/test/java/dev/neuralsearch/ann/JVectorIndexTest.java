package dev.neuralsearch.ann;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.neuralsearch.core.Document;
import dev.neuralsearch.core.Filter;
import dev.neuralsearch.core.IndexSchema;
import dev.neuralsearch.core.ScoredDocument;
import dev.neuralsearch.core.Similarity;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JVectorIndexTest {
    static final int DIM = 32;
    static final IndexSchema SCHEMA = new IndexSchema("test-model", DIM, Similarity.DOT_PRODUCT);

    @TempDir
    Path home;

    static List<Document> docs(String prefix, int n) {
        List<Document> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(Document.of(prefix + i, "text of " + prefix + i,
                    Map.of("group", i % 10, "lang", i % 2 == 0 ? "en" : "fr")));
        }
        return out;
    }

    static List<float[]> vectors(TestVectors tv, int n) {
        List<float[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(tv.next());
        }
        return out;
    }

    @Test
    @Tag("smoke")
    void addSearchCommitReopen() {
        TestVectors tv = new TestVectors(DIM, 1);
        List<Document> docs = docs("d", 300);
        List<float[]> vecs = vectors(tv, 300);
        try (JVectorIndex index = JVectorIndex.open(home, SCHEMA)) {
            index.add(docs, vecs);
            // visible before commit
            List<ScoredDocument> hits = index.search(vecs.get(7), 5, Filter.ALL);
            assertThat(hits).isNotEmpty();
            assertThat(hits.get(0).document().id()).isEqualTo("d7");
            assertThat(hits.get(0).score()).isCloseTo(1f, org.assertj.core.data.Offset.offset(1e-4f));
            assertThat(index.stats().uncommitted()).isEqualTo(300);
            index.commit();
            assertThat(index.stats().segments()).isEqualTo(1);
            assertThat(index.stats().uncommitted()).isZero();
            hits = index.search(vecs.get(7), 5, Filter.ALL);
            assertThat(hits.get(0).document()).isEqualTo(docs.get(7));
        }
        try (JVectorIndex index = JVectorIndex.open(home, SCHEMA)) {
            assertThat(index.stats().documents()).isEqualTo(300);
            for (int i = 0; i < 300; i += 37) {
                List<ScoredDocument> hits = index.search(vecs.get(i), 3, Filter.ALL);
                assertThat(hits.get(0).document()).isEqualTo(docs.get(i));
            }
            assertThat(index.get("d5")).contains(docs.get(5));
            assertThat(index.vector("d5")).hasValueSatisfying(v -> assertThat(v).containsExactly(vecs.get(5)));
            assertThat(index.get("nope")).isEmpty();
        }
    }

    @Test
    @Tag("smoke")
    void updateDeleteAndTombstonesSurviveReopen() {
        TestVectors tv = new TestVectors(DIM, 2);
        List<float[]> vecs = vectors(tv, 100);
        try (JVectorIndex index = JVectorIndex.open(home, SCHEMA)) {
            index.add(docs("d", 100), vecs);
            index.commit();
            // delete committed and update committed
            assertThat(index.delete(List.of("d1", "d2", "missing"))).isEqualTo(2);
            float[] moved = tv.next();
            index.add(Document.of("d3", "new text", Map.of("group", 99)), moved);
            assertThat(ids(index.search(vecs.get(1), 100, Filter.ALL))).doesNotContain("d1", "d2");
            assertThat(index.search(moved, 1, Filter.ALL).get(0).document().text()).isEqualTo("new text");
            assertThat(ids(index.search(vecs.get(3), 100, Filter.ALL))).containsOnlyOnce("d3");
            index.commit();
            assertThat(index.stats().tombstones()).isEqualTo(3);
            assertThat(index.stats().documents()).isEqualTo(98);
        }
        try (JVectorIndex index = JVectorIndex.open(home, SCHEMA)) {
            assertThat(index.stats().documents()).isEqualTo(98);
            List<ScoredDocument> all = index.search(vecs.get(1), 200, Filter.ALL);
            assertThat(ids(all)).doesNotContain("d1", "d2").containsOnlyOnce("d3").hasSize(98);
            assertThat(index.get("d3").orElseThrow().text()).isEqualTo("new text");
            assertThat(index.exactSearch(vecs.get(2), 200, Filter.ALL)).hasSize(98);
        }
    }

    @Test
    void uncommittedWorkIsLostOnCloseWithoutCommit() {
        TestVectors tv = new TestVectors(DIM, 3);
        try (JVectorIndex index = JVectorIndex.open(home, SCHEMA)) {
            index.add(docs("a", 10), vectors(tv, 10));
            index.commit();
            index.add(docs("b", 10), vectors(tv, 10));
            index.delete(List.of("a0"));
        }
        try (JVectorIndex index = JVectorIndex.open(home, SCHEMA)) {
            assertThat(index.stats().documents()).isEqualTo(10);
            assertThat(index.get("a0")).isPresent();
            assertThat(index.get("b0")).isEmpty();
        }
    }

    @Test
    void filtersInsideSearch() {
        TestVectors tv = new TestVectors(DIM, 4);
        List<float[]> vecs = vectors(tv, 3000);
        // force graph search with filter bits (no brute-force shortcut)
        JVectorIndexOptions o = JVectorIndexOptions.DEFAULT.withFilterBruteForceLimit(0).withPqThreshold(1000);
        try (JVectorIndex index = JVectorIndex.open(home, SCHEMA, o)) {
            index.add(docs("d", 3000), vecs);
            index.commit();
            Filter rare = Filter.eq("group", 3); // 10%
            for (int q = 0; q < 20; q++) {
                float[] query = vecs.get(q * 17);
                List<ScoredDocument> hits = index.search(query, 10, rare);
                assertThat(hits).hasSize(10);
                assertThat(hits).allSatisfy(h -> assertThat(h.document().metadata().get("group")).isEqualTo(3L));
                List<ScoredDocument> exact = index.exactSearch(query, 10, rare);
                assertThat(TestVectors.recall(hits, exact)).isGreaterThanOrEqualTo(0.8);
            }
            Filter combo = Filter.and(Filter.eq("lang", "en"), Filter.in("group", 2, 4), Filter.not(Filter.eq("group", 4)));
            List<ScoredDocument> hits = index.search(vecs.get(0), 10, combo);
            assertThat(hits).hasSize(10).allSatisfy(h -> assertThat(h.document().metadata().get("group")).isEqualTo(2L));
            assertThat(index.search(vecs.get(0), 10, Filter.eq("group", 12345))).isEmpty();
            // very selective: 3 matches, returned by brute force path of default options too
            index.add(List.of(Document.of("x1", "x", Map.of("tag", "rare")), Document.of("x2", "x", Map.of("tag", "rare")),
                    Document.of("x3", "x", Map.of("tag", "rare"))), vectors(tv, 3));
            index.commit();
            assertThat(ids(index.search(vecs.get(0), 10, Filter.eq("tag", "rare")))).containsExactlyInAnyOrder("x1", "x2", "x3");
        }
    }

    @Test
    void badInputIsRejectedAndIndexStaysUsable() {
        TestVectors tv = new TestVectors(DIM, 5);
        try (JVectorIndex index = JVectorIndex.open(home, SCHEMA)) {
            index.add(docs("d", 5), vectors(tv, 5));
            index.commit();
            assertThatThrownBy(() -> index.add(List.of(new Document("z", "t")), List.of(new float[DIM + 1])))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dimension 33");
            float[] nan = tv.next();
            nan[3] = Float.NaN;
            assertThatThrownBy(() -> index.add(List.of(new Document("z", "t")), List.of(nan)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("non-finite");
            assertThatThrownBy(() -> index.add(List.of(new Document("z", "t"), new Document("z", "u")),
                    vectors(tv, 2))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("duplicate id 'z'");
            assertThatThrownBy(() -> index.add(List.of(new Document("y", "t"), new Document("z", "u")),
                    vectors(tv, 1))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2 documents but 1");
            assertThatThrownBy(() -> new Document("", "t")).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> new Document("x".repeat(600), "t")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("limit is 512");
            assertThatThrownBy(() -> index.search(new float[3], 5, Filter.ALL)).isInstanceOf(IllegalArgumentException.class);
            // nothing of the failed batches went in
            assertThat(index.get("z")).isEmpty();
            assertThat(index.get("y")).isEmpty();
            index.add(List.of(new Document("z", "t")), vectors(tv, 1));
            index.commit();
            assertThat(index.stats().documents()).isEqualTo(6);
        }
    }

    @Test
    void schemaMismatchIsAClearError() {
        try (JVectorIndex index = JVectorIndex.open(home, SCHEMA)) {
            index.commit();
        }
        assertThatThrownBy(() -> JVectorIndex.open(home, new IndexSchema("other-model", DIM, Similarity.DOT_PRODUCT)))
                .isInstanceOf(IncompatibleIndexException.class).hasMessageContaining("test-model").hasMessageContaining("other-model");
        assertThatThrownBy(() -> JVectorIndex.open(home, new IndexSchema("test-model", 64, Similarity.DOT_PRODUCT)))
                .isInstanceOf(IncompatibleIndexException.class).hasMessageContaining("dimension 32");
        // and the home still opens with the right schema (lock released after failures)
        JVectorIndex.open(home, SCHEMA).close();
    }

    @Test
    @Tag("smoke")
    void secondWriterIsRefused() {
        try (JVectorIndex index = JVectorIndex.open(home, SCHEMA)) {
            assertThatThrownBy(() -> JVectorIndex.open(home, SCHEMA)).isInstanceOf(IndexLockedException.class)
                    .hasMessageContaining("write.lock");
            assertThat(index.stats().documents()).isZero();
        }
        JVectorIndex.open(home, SCHEMA).close();
    }

    @Test
    void factoryForTheSearchBuilder() {
        var factory = JVectorIndex.at(home).maxDegree(16).overquery(5);
        try (var index = factory.open(SCHEMA)) {
            assertThat(index.schema()).isEqualTo(SCHEMA);
            assertThat(index.options().maxDegree()).isEqualTo(16);
        }
    }

    @Test
    void euclideanAndCosine() {
        TestVectors tv = new TestVectors(DIM, 6);
        for (Similarity sim : List.of(Similarity.EUCLIDEAN, Similarity.COSINE)) {
            Path h = home.resolve(sim.name());
            IndexSchema schema = new IndexSchema("m", DIM, sim);
            List<float[]> vecs = vectors(tv, 50);
            try (JVectorIndex index = JVectorIndex.open(h, schema)) {
                index.add(docs("d", 50), vecs);
                index.commit();
                List<ScoredDocument> hits = index.search(vecs.get(4), 3, Filter.ALL);
                assertThat(hits.get(0).document().id()).isEqualTo("d4");
                assertThat(hits.get(0).score()).isCloseTo(1f, org.assertj.core.data.Offset.offset(1e-4f));
                if (sim == Similarity.COSINE) {
                    assertThatThrownBy(() -> index.add(new Document("zero", "t"), new float[DIM]))
                            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("zeros");
                }
            }
        }
    }

    @Test
    void largeBuffersAreFlushedToUncommittedSegments() throws Exception {
        TestVectors tv = new TestVectors(DIM, 8);
        JVectorIndexOptions o = JVectorIndexOptions.DEFAULT.withMaxBufferedDocs(100);
        List<float[]> vecs = vectors(tv, 250);
        try (JVectorIndex index = JVectorIndex.open(home, SCHEMA, o)) {
            index.add(docs("a", 10), vecs.subList(0, 10));
            index.commit();
            for (int b = 0; b < 4; b++) {
                index.add(docs("b" + b + "-", 60), vecs.subList(10 + b * 60, 70 + b * 60));
            }
            // 240 uncommitted: two flushed segments of 120 and a buffer of 0 (flush at >= 100)
            assertThat(index.stats().uncommitted()).isEqualTo(240);
            // flushed segments keep no heap copies of their vectors (a bulk load flushes many); the committed one does
            assertThat(index.heapVectorBytesInUse()).isEqualTo(10L * DIM * Float.BYTES);
            assertThat(index.stats().segments()).isEqualTo(1); // committed ones
            try (var files = java.nio.file.Files.list(home)) {
                assertThat(files.filter(p -> p.toString().endsWith(".graph"))).hasSize(3);
            }
            assertThat(index.search(vecs.get(100), 1, Filter.ALL).get(0).document().id()).isEqualTo("b1-30");
            index.delete(List.of("b0-0"));
            index.add(Document.of("b0-1", "updated", Map.of()), vecs.get(11));
        }
        // closed without commit: flushed segments are dropped, their files deleted
        try (JVectorIndex index = JVectorIndex.open(home, SCHEMA, o)) {
            assertThat(index.stats().documents()).isEqualTo(10);
            try (var files = java.nio.file.Files.list(home)) {
                assertThat(files.filter(p -> p.toString().endsWith(".graph"))).hasSize(1);
            }
            for (int b = 0; b < 4; b++) {
                index.add(docs("b" + b + "-", 60), vecs.subList(10 + b * 60, 70 + b * 60));
            }
            index.delete(List.of("b0-0"));
            index.add(Document.of("b0-1", "updated", Map.of()), vecs.get(11));
            index.commit();
            // the two flushed segments and the commit's own (the buffered update) are merged into one, without
            // the dead entries: the committed "a" segment and the merged one remain
            assertThat(index.stats().segments()).isEqualTo(2);
            assertThat(index.stats().tombstones()).isZero();
        }
        try (JVectorIndex index = JVectorIndex.open(home, SCHEMA, o)) {
            assertThat(index.stats().segments()).isEqualTo(2);
            try (var files = java.nio.file.Files.list(home)) {
                assertThat(files.filter(p -> p.toString().endsWith(".graph"))).hasSize(2);
            }
            assertThat(index.stats().documents()).isEqualTo(249);
            assertThat(index.stats().uncommitted()).isZero();
            assertThat(index.get("b0-0")).isEmpty();
            assertThat(index.get("b0-1").orElseThrow().text()).isEqualTo("updated");
            assertThat(ids(index.exactSearch(vecs.get(11), 300, Filter.ALL))).hasSize(249).doesNotHaveDuplicates();
        }
    }

    @Test
    void flushedSegmentsStaySeparateWhenMergeOnCommitIsOff() {
        TestVectors tv = new TestVectors(DIM, 9);
        JVectorIndexOptions o = JVectorIndexOptions.DEFAULT.withMaxBufferedDocs(100).withMergeFlushedOnCommit(false);
        List<float[]> vecs = vectors(tv, 250);
        try (JVectorIndex index = JVectorIndex.open(home, SCHEMA, o)) {
            for (int b = 0; b < 5; b++) {
                index.add(docs("p" + b + "-", 50), vecs.subList(b * 50, b * 50 + 50));
            }
            index.commit();
            // flushes at 100 and 200, the last 50 written by the commit: three segments, as asked
            assertThat(index.stats().segments()).isEqualTo(3);
            assertThat(index.stats().documents()).isEqualTo(250);
            assertThat(index.search(vecs.get(222), 1, Filter.ALL).get(0).document().id()).isEqualTo("p4-22");
        }
        try (JVectorIndex index = JVectorIndex.open(home, SCHEMA, o.withMergeFlushedOnCommit(true))) {
            index.add(docs("q", 1), vecs.subList(0, 1));
            index.commit();
            // only segments written since the previous commit are merged: just the new one here
            assertThat(index.stats().segments()).isEqualTo(4);
            assertThat(index.stats().documents()).isEqualTo(251);
        }
    }

    @Test
    void heapCopiesOfSmallSegmentsScoreExactlyLikeTheMappedFile() {
        TestVectors tv = new TestVectors(DIM, 10);
        List<float[]> vecs = vectors(tv, 400);
        List<float[]> queries = vectors(tv, 20);
        try (JVectorIndex index = JVectorIndex.open(home, SCHEMA)) {
            index.add(docs("h", 300), vecs.subList(0, 300));
            index.commit();
            index.add(docs("g", 100), vecs.subList(300, 400));
            index.delete(List.of("h7"));
            index.commit();
        }
        // the same files searched with heap copies of both segments (the default budget: 400 x 32 floats is far
        // below 32 MiB), of the first only (a budget that fits 300 vectors), and without
        long perVector = DIM * Float.BYTES;
        List<List<List<ScoredDocument>>> runs = new ArrayList<>();
        long[] budgets = {JVectorIndexOptions.DEFAULT.heapVectorBytes(), 300 * perVector, 0};
        long[] expectedInUse = {400 * perVector, 300 * perVector, 0};
        for (int b = 0; b < budgets.length; b++) {
            List<List<ScoredDocument>> hits = new ArrayList<>();
            try (JVectorIndex index = JVectorIndex.open(home, SCHEMA, JVectorIndexOptions.DEFAULT.withHeapVectorBytes(budgets[b]))) {
                assertThat(index.heapVectorBytesInUse()).isEqualTo(expectedInUse[b]);
                for (float[] q : queries) {
                    hits.add(index.search(q, 10, Filter.ALL));
                    hits.add(index.exactSearch(q, 10, Filter.ALL));
                }
            }
            runs.add(hits);
        }
        // the same documents in the same order; the scores equal up to the order of the last float additions (the
        // Vector API's lane sum may differ between interpreted and compiled code)
        for (int b = 0; b < 2; b++) {
            for (int q = 0; q < runs.get(2).size(); q++) {
                List<ScoredDocument> got = runs.get(b).get(q);
                List<ScoredDocument> want = runs.get(2).get(q);
                assertThat(got.stream().map(ScoredDocument::document).toList())
                        .as("budget %d, search %d", b, q).isEqualTo(want.stream().map(ScoredDocument::document).toList());
                for (int i = 0; i < want.size(); i++) {
                    assertThat(got.get(i).score()).isCloseTo(want.get(i).score(), within(1e-6f));
                }
            }
        }
        List<List<ScoredDocument>> heap = runs.get(0);
        assertThat(heap.get(0)).hasSize(10).noneMatch(h -> h.document().id().equals("h7"));
        try (JVectorIndex index = JVectorIndex.open(home, SCHEMA)) {
            index.compact(); // reads the live vectors from the heap copies
            assertThat(index.stats().segments()).isEqualTo(1);
            assertThat(index.stats().documents()).isEqualTo(399);
            for (int i = 0; i < 400; i += 37) {
                String id = i < 300 ? "h" + i : "g" + (i - 300);
                assertThat(index.vector(id).orElseThrow()).containsExactly(vecs.get(i));
            }
        }
    }

    static List<String> ids(List<ScoredDocument> hits) {
        return hits.stream().map(h -> h.document().id()).toList();
    }
}
