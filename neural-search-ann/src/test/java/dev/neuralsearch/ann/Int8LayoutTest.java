package dev.neuralsearch.ann;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.neuralsearch.core.Document;
import dev.neuralsearch.core.Filter;
import dev.neuralsearch.core.IndexSchema;
import dev.neuralsearch.core.ScoredDocument;
import dev.neuralsearch.core.SearchOptions;
import dev.neuralsearch.core.Similarity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static dev.neuralsearch.ann.LayoutTestSupport.assertLiveExactly;
import static dev.neuralsearch.ann.LayoutTestSupport.deleteEveryEighth;
import static dev.neuralsearch.ann.LayoutTestSupport.docs;
import static dev.neuralsearch.ann.LayoutTestSupport.flip;
import static dev.neuralsearch.ann.LayoutTestSupport.recall;
import static dev.neuralsearch.ann.LayoutTestSupport.vectors;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * The {@link PqLayout#INT8} segment layout (int8 codes in memory score the traversal, full vectors in the segment's
 * vector file rerank it) with real files and real JVector graphs: the files and manifest format on disk, recall and
 * exact scores for every similarity, reopen, filters, delete + compaction, an index that mixes it with PQ segments,
 * and damaged, missing or mis-described code files.
 */
class Int8LayoutTest {
    private static final JVectorIndexOptions INT8 = JVectorIndexOptions.DEFAULT.withPqThreshold(1000)
            .withPqLayout(PqLayout.INT8);

    @TempDir
    Path home;

    private JsonNode manifest() throws IOException {
        return LayoutTestSupport.manifest(home);
    }


    private void rewriteManifest(Consumer<ObjectNode> edit) throws IOException {
        LayoutTestSupport.rewriteManifest(home, edit);
    }

    /** Hits carry the exact scores: those of an exact search of the same ids. */
    private static void assertExactScores(JVectorIndex index, float[] q, List<ScoredDocument> hits) {
        Map<String, Float> exact = new java.util.HashMap<>();
        for (ScoredDocument d : index.exactSearch(q, 200, Filter.ALL)) {
            exact.put(d.document().id(), d.score());
        }
        for (ScoredDocument d : hits) {
            if (exact.containsKey(d.document().id())) {
                assertThat(d.score()).isCloseTo(exact.get(d.document().id()), within(1e-5f));
            }
        }
    }

    @Test
    void int8LayoutOnDiskRecallReopenAndFilters() throws IOException {
        int n = 2000;
        int dim = 384;
        SpectralVectors sv = new SpectralVectors(dim, 1.0, 0.4, 21);
        IndexSchema schema = new IndexSchema("synthetic", dim, Similarity.DOT_PRODUCT);
        List<float[]> vecs = vectors(sv, n);
        List<float[]> queries = vectors(sv, 60);
        List<List<ScoredDocument>> before = new ArrayList<>();
        try (JVectorIndex index = JVectorIndex.open(home, schema, INT8)) {
            index.add(docs("d", 0, n), vecs);
            index.commit();

            JsonNode m = manifest();
            assertThat(m.get("formatVersion").asInt()).isEqualTo(4);
            JsonNode seg = m.get("segments").get(0);
            assertThat(seg.get("layout").asText()).isEqualTo("INT8_VECTOR_FILE");
            assertThat(seg.get("pq").asBoolean()).isTrue();
            assertThat(seg.get("pqFile").asText()).isEqualTo("seg-00000001.i8");
            // header, ranges, norms, then one byte per dimension
            long codeBytes = 64 + 8L * dim + 4L * n + (long) n * dim;
            assertThat(Files.size(home.resolve("seg-00000001.i8"))).isEqualTo(codeBytes);
            assertThat(seg.get("pqBytes").asLong()).isEqualTo(codeBytes);
            assertThat(home.resolve("seg-00000001.pq")).doesNotExist(); // no PQ trained
            assertThat(home.resolve("seg-00000001.vec")).exists();

            double atDefault = recall(index, queries, SearchOptions.DEFAULT, Filter.ALL);
            double atTwo = recall(index, queries, new SearchOptions(2), Filter.ALL);
            // a beam of 100 with only the best 20 by int8 score rescored: the int8 order is close to the exact one
            double rescoreTwo = recall(index, queries, new SearchOptions(10, 2), Filter.ALL);
            System.out.printf("int8 recall@10: rerank k 100 %.4f, 20 %.4f; beam 100, 20 rescored %.4f%n", atDefault,
                    atTwo, rescoreTwo);
            assertThat(atDefault).isGreaterThanOrEqualTo(0.99);
            assertThat(atTwo).isGreaterThanOrEqualTo(0.93);
            assertThat(rescoreTwo).isGreaterThanOrEqualTo(atDefault - 0.01);
            for (float[] q : queries.subList(0, 10)) {
                assertExactScores(index, q, index.search(q, 10, Filter.ALL, new SearchOptions(10, 1)));
            }
            for (float[] q : queries) {
                List<ScoredDocument> hits = index.search(q, 10, Filter.ALL);
                assertThat(hits).hasSize(10);
                assertExactScores(index, q, hits); // reranked from the vector file
                before.add(hits);
            }
            assertThat(index.vector("d17").orElseThrow()).containsExactly(vecs.get(17));

            LayoutTestSupport.assertFilteredSearch(index, queries);
        }
        try (JVectorIndex index = JVectorIndex.open(home, schema, INT8)) {
            for (int i = 0; i < queries.size(); i++) {
                List<ScoredDocument> hits = index.search(queries.get(i), 10, Filter.ALL);
                assertThat(hits).extracting(h -> h.document().id())
                        .containsExactlyElementsOf(before.get(i).stream().map(h -> h.document().id()).toList());
            }
        }
    }

    @Test
    void everySimilarityReachesRecallWithExactScores() {
        int dim = 64;
        for (Similarity sim : Similarity.values()) {
            Path h = home.resolve(sim.name());
            TestVectors tv = new TestVectors(dim, 8, 0.3f, 17);
            List<float[]> vecs = new ArrayList<>();
            for (int i = 0; i < 1500; i++) {
                float[] v = tv.next();
                if (sim != Similarity.DOT_PRODUCT) {
                    float scale = 0.5f + (i % 7) / 4f; // not unit length: norms matter to cosine and Euclidean
                    for (int j = 0; j < dim; j++) {
                        v[j] *= scale;
                    }
                }
                vecs.add(v);
            }
            List<float[]> queries = vectors(tv, 30);
            try (JVectorIndex index = JVectorIndex.open(h, new IndexSchema("synthetic", dim, sim), INT8)) {
                index.add(docs("d", 0, vecs.size()), vecs);
                index.commit();
                assertThat(index.stats().segments()).isEqualTo(1);
                double r = recall(index, queries, SearchOptions.DEFAULT, Filter.ALL);
                assertThat(r).as(sim.name()).isGreaterThanOrEqualTo(0.98);
                for (float[] q : queries.subList(0, 5)) {
                    assertExactScores(index, q, index.search(q, 10, Filter.ALL));
                }
            }
        }
    }

    @Test
    void deleteUpdateCompactionAndAMixWithPqSegments() throws IOException {
        int dim = 128;
        SpectralVectors sv = new SpectralVectors(dim, 1.0, 0.4, 33);
        IndexSchema schema = new IndexSchema("synthetic", dim, Similarity.DOT_PRODUCT);
        JVectorIndexOptions pq = JVectorIndexOptions.DEFAULT.withPqThreshold(1000).withMaxSegments(0)
                .withPqLayout(PqLayout.IN_MEMORY);
        JVectorIndexOptions int8 = INT8.withMaxSegments(0);
        List<float[]> queries = vectors(sv, 30);
        Set<String> deleted = new HashSet<>();
        float[] updated;
        try (JVectorIndex index = JVectorIndex.open(home, schema, pq)) { // a PQ segment first
            index.add(docs("a", 0, 1200), vectors(sv, 1200));
            index.commit();
        }
        assertThat(manifest().get("formatVersion").asInt()).isEqualTo(3);
        try (JVectorIndex index = JVectorIndex.open(home, schema, int8)) {
            index.add(docs("b", 0, 1200), vectors(sv, 1200));
            index.commit();
            JsonNode segs = manifest().get("segments");
            assertThat(manifest().get("formatVersion").asInt()).isEqualTo(4);
            assertThat(segs.get(0).get("layout").asText()).isEqualTo("PQ_VECTOR_FILE");
            assertThat(segs.get(1).get("layout").asText()).isEqualTo("INT8_VECTOR_FILE");
            Set<String> prefixes = new HashSet<>();
            for (float[] q : queries) {
                List<ScoredDocument> hits = index.search(q, 10, Filter.ALL);
                hits.forEach(x -> prefixes.add(x.document().id().substring(0, 1)));
                assertExactScores(index, q, hits);
            }
            assertThat(prefixes).containsExactlyInAnyOrder("a", "b"); // both layouts searched together
            assertThat(recall(index, queries, SearchOptions.DEFAULT, Filter.ALL)).isGreaterThanOrEqualTo(0.95);

            deleted.addAll(deleteEveryEighth(index));
            updated = sv.next();
            index.add(List.of(Document.of("b1", "new text", Map.of("bucket", 1))), List.of(updated));
            index.commit();
            for (float[] q : queries) {
                assertThat(index.search(q, 10, Filter.ALL)).noneMatch(x -> deleted.contains(x.document().id()));
            }
            assertThat(index.search(updated, 1, Filter.ALL).get(0).document().text()).isEqualTo("new text");

            index.compact(); // rewrites both in the layout of the options: int8
            segs = manifest().get("segments");
            assertThat(segs).hasSize(1);
            assertThat(segs.get(0).get("layout").asText()).isEqualTo("INT8_VECTOR_FILE");
            try (Stream<Path> files = Files.list(home)) {
                assertThat(files.map(p -> p.getFileName().toString())
                        .filter(s -> s.endsWith(".pq") || s.endsWith(".i8") || s.endsWith(".vec")))
                        .containsExactlyInAnyOrder(segs.get(0).get("pqFile").asText(),
                                segs.get(0).get("vectorsFile").asText()); // the merged segments' files are gone
            }
            assertThat(index.stats().documents()).isEqualTo(2400 - deleted.size());
            assertThat(recall(index, queries, SearchOptions.DEFAULT, Filter.ALL)).isGreaterThanOrEqualTo(0.95);
        }
        try (JVectorIndex index = JVectorIndex.open(home, schema, int8)) {
            assertLiveExactly(index, deleted);
            assertThat(index.vector("b1").orElseThrow()).containsExactly(updated);
        }
    }

    /** The default layout writes int8 codes exactly where this JVM scores them with the Vector API, else PQ codes. */
    @Test
    void theDefaultLayoutFollowsTheJvm() throws IOException {
        assertThat(JVectorIndexOptions.DEFAULT.pqLayout()).isEqualTo(PqLayout.AUTO);
        boolean vectorApi = dev.neuralsearch.ann.vector.Vectorization.get().name().equals("panama");
        TestVectors tv = new TestVectors(JVectorIndexTest.SCHEMA.dimension(), 5);
        try (JVectorIndex index = JVectorIndex.open(home, JVectorIndexTest.SCHEMA,
                JVectorIndexOptions.DEFAULT.withPqThreshold(256))) {
            index.add(JVectorIndexTest.docs("d", 300), JVectorIndexTest.vectors(tv, 300));
            index.commit();
            assertThat(index.search(tv.next(), 5, Filter.ALL)).hasSize(5);
        }
        JsonNode seg = manifest().get("segments").get(0);
        assertThat(seg.get("layout").asText()).isEqualTo(vectorApi ? "INT8_VECTOR_FILE" : "PQ_VECTOR_FILE");
        assertThat(seg.get("pqFile").asText()).isEqualTo(vectorApi ? "seg-00000001.i8" : "seg-00000001.pq");
        assertThat(manifest().get("formatVersion").asInt()).isEqualTo(vectorApi ? 4 : 3);
    }

    @Test
    void damagedMissingOrMisdescribedCodeFilesAreRefused() throws IOException {
        IndexSchema schema = JVectorIndexTest.SCHEMA;
        JVectorIndexOptions o = INT8.withPqThreshold(256);
        TestVectors tv = new TestVectors(schema.dimension(), 3);
        try (JVectorIndex index = JVectorIndex.open(home, schema, o)) {
            index.add(JVectorIndexTest.docs("d", 400), JVectorIndexTest.vectors(tv, 400));
            index.commit();
        }
        Path codes = home.resolve("seg-00000001.i8");
        byte[] bytes = Files.readAllBytes(codes);

        Files.write(codes, Arrays.copyOf(bytes, bytes.length - 7));
        assertOpenRefused(schema, o, "truncated");
        flip(codes, bytes, bytes.length - 20); // a code byte
        assertOpenRefused(schema, o, "CRC32");
        flip(codes, bytes, 2); // the magic, with checksums off: the reader itself refuses it
        assertOpenRefused(schema, o.withVerifyChecksums(false), "not an int8 code file");
        Files.delete(codes);
        assertOpenRefused(schema, o, "missing");
        Files.write(codes, bytes);

        byte[] manifest = Files.readAllBytes(home.resolve("manifest.json"));
        rewriteManifest(m -> m.put("formatVersion", 3)); // format 3 cannot hold this layout
        assertThatThrownBy(() -> JVectorIndex.open(home, schema, o)).isInstanceOf(CorruptIndexException.class)
                .hasMessageContaining("INT8_VECTOR_FILE");
        Files.write(home.resolve("manifest.json"), manifest);
        rewriteManifest(m -> m.withArray("segments").forEach(s -> ((ObjectNode) s).putNull("pqFile")));
        assertThatThrownBy(() -> JVectorIndex.open(home, schema, o)).isInstanceOf(CorruptIndexException.class)
                .hasMessageContaining("lacks its code file entry");
        Files.write(home.resolve("manifest.json"), manifest);

        try (JVectorIndex index = JVectorIndex.open(home, schema, o)) { // all restored: usable again
            assertThat(index.search(tv.next(), 5, Filter.ALL)).hasSize(5);
        }
    }

    private void assertOpenRefused(IndexSchema schema, JVectorIndexOptions o, String what) {
        assertThatThrownBy(() -> JVectorIndex.open(home, schema, o)).isInstanceOf(CorruptIndexException.class)
                .hasMessageContaining("seg-00000001.i8").hasMessageContaining(what);
    }

}
