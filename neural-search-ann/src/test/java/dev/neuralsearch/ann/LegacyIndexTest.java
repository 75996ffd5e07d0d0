package dev.neuralsearch.ann;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.neuralsearch.core.Document;
import dev.neuralsearch.core.Filter;
import dev.neuralsearch.core.IndexSchema;
import dev.neuralsearch.core.ScoredDocument;
import dev.neuralsearch.core.Similarity;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An index written by the previous release (manifest format 2, checked in under
 * {@code src/test/resources/legacy-indexes/format2-inline-and-pq-in-memory}: a 200-vector segment with inline
 * vectors and a 300-vector segment in the PQ-in-memory layout with separated vectors, one tombstone in each,
 * 16 dimensions, written with pqThreshold 256) opens, searches with exact scores, takes new segments in the current
 * layout beside its own, and is rewritten in the current layout (vector files) by a compaction.
 */
class LegacyIndexTest {
    private static final IndexSchema SCHEMA = new IndexSchema("synthetic", 16, Similarity.DOT_PRODUCT);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path home;

    /** The vectors the fixture was written with: deterministic unit vectors of 16 dimensions. */
    static List<float[]> vectors(long seed, int n) {
        Random r = new Random(seed);
        List<float[]> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            float[] v = new float[16];
            double norm = 0;
            for (int j = 0; j < v.length; j++) {
                v[j] = (float) r.nextGaussian();
                norm += v[j] * v[j];
            }
            for (int j = 0; j < v.length; j++) {
                v[j] /= (float) Math.sqrt(norm);
            }
            out.add(v);
        }
        return out;
    }

    private void copyFixture() throws IOException, URISyntaxException {
        Path src = Path.of(getClass().getResource("/legacy-indexes/format2-inline-and-pq-in-memory").toURI());
        try (Stream<Path> files = Files.walk(src)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path dst = home.resolve(src.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(dst);
                } else {
                    Files.copy(p, dst, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private JsonNode manifest() throws IOException {
        return JSON.readTree(Files.readAllBytes(home.resolve("manifest.json"))).get("manifest");
    }

    private static float dot(float[] a, float[] b) {
        float s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    /** Each live stored vector is its own nearest neighbour, with its exact score, and reads back unchanged. */
    private static void assertFindsItself(JVectorIndex index, String prefix, List<float[]> vs) {
        for (int i = 0; i < vs.size(); i++) {
            String id = prefix + i;
            if (i == 7) {
                assertThat(index.get(id)).as(id).isEmpty(); // deleted before the fixture was committed
                continue;
            }
            float[] v = vs.get(i);
            assertThat(index.vector(id).orElseThrow()).as(id).containsExactly(v);
            List<ScoredDocument> hits = index.search(v, 3, Filter.ALL);
            assertThat(hits.get(0).document().id()).as(id).isEqualTo(id);
            for (ScoredDocument h : hits) {
                assertThat(h.score()).isCloseTo(dot(v, index.vector(h.document().id()).orElseThrow()),
                        within(1e-5f));
            }
        }
    }

    @Test
    void formatTwoIndexOpensSearchesAndIsRewrittenByCompaction() throws Exception {
        copyFixture();
        List<float[]> inline = vectors(1, 200);
        List<float[]> pq = vectors(2, 300);
        JsonNode before = manifest();
        assertThat(before.get("formatVersion").asInt()).isEqualTo(2);
        assertThat(before.get("segments").get(0).get("layout").asText()).isEqualTo("INLINE");
        assertThat(before.get("segments").get(1).get("layout").asText()).isEqualTo("PQ_IN_MEMORY");

        // read through the mapped graph (no heap copies), then with heap copies of the inline segment
        for (long heap : new long[] {0, JVectorIndexOptions.DEFAULT.heapVectorBytes()}) {
            JVectorIndexOptions o = JVectorIndexOptions.DEFAULT.withPqThreshold(256).withMaxSegments(0)
                    .withHeapVectorBytes(heap);
            try (JVectorIndex index = JVectorIndex.open(home, SCHEMA, o)) {
                assertThat(index.heapVectorBytesInUse()).isEqualTo(heap == 0 ? 0 : 200L * 16 * Float.BYTES);
                assertThat(index.stats().documents()).isEqualTo(498);
                assertThat(index.get("i8").orElseThrow().text()).isEqualTo("text i8");
                assertFindsItself(index, "i", inline);
                assertFindsItself(index, "p", pq);
                List<ScoredDocument> filtered = index.search(pq.get(3), 10, Filter.eq("bucket", 3));
                assertThat(filtered).hasSize(10)
                        .allMatch(h -> ((Number) h.document().metadata().get("bucket")).intValue() == 3);
            }
        }

        JVectorIndexOptions o = JVectorIndexOptions.DEFAULT.withPqThreshold(256).withMaxSegments(0);
        List<float[]> added = vectors(3, 100);
        try (JVectorIndex index = JVectorIndex.open(home, SCHEMA, o)) {
            List<Document> docs = new ArrayList<>();
            for (int i = 0; i < added.size(); i++) {
                docs.add(Document.of("n" + i, "text n" + i, Map.of("bucket", i % 5)));
            }
            index.add(docs, added);
            index.commit();
            JsonNode m = manifest();
            assertThat(m.get("formatVersion").asInt()).isEqualTo(3);
            assertThat(m.get("segments")).extracting(s -> s.get("layout").asText())
                    .containsExactly("INLINE", "PQ_IN_MEMORY", "VECTOR_FILE");
            assertFindsItself(index, "i", inline);
            assertFindsItself(index, "p", pq);
            assertThat(index.search(added.get(5), 1, Filter.ALL).get(0).document().id()).isEqualTo("n5");

            index.compact();
            JsonNode segs = manifest().get("segments");
            assertThat(segs).hasSize(1);
            // the default layout (AUTO): int8 codes where this JVM scores them with the Vector API, else PQ
            assertThat(segs.get(0).get("layout").asText()).isEqualTo(
                    dev.neuralsearch.ann.vector.Vectorization.get().name().equals("panama") ? "INT8_VECTOR_FILE"
                            : "PQ_VECTOR_FILE");
            assertThat(segs.get(0).get("count").asInt()).isEqualTo(598);
            try (Stream<Path> files = Files.list(home)) {
                assertThat(files.map(p -> p.getFileName().toString()).filter(s -> s.startsWith("seg-")))
                        .containsExactlyInAnyOrder(segs.get(0).get("graphFile").asText(),
                                segs.get(0).get("docsFile").asText(), segs.get(0).get("pqFile").asText(),
                                segs.get(0).get("vectorsFile").asText());
            }
        }
        try (JVectorIndex index = JVectorIndex.open(home, SCHEMA, o)) {
            assertThat(index.stats().documents()).isEqualTo(598);
            assertFindsItself(index, "i", inline);
            assertFindsItself(index, "p", pq);
            assertThat(index.get("n99").orElseThrow().text()).isEqualTo("text n99");
        }
    }
}
