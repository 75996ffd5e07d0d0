package dev.neuralsearch.ann;

import dev.neuralsearch.ann.store.ChronicleDocumentStore;
import dev.neuralsearch.ann.store.DocumentStore;
import dev.neuralsearch.core.Document;
import dev.neuralsearch.core.Filter;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static dev.neuralsearch.ann.JVectorIndexTest.SCHEMA;
import static dev.neuralsearch.ann.JVectorIndexTest.docs;
import static dev.neuralsearch.ann.JVectorIndexTest.ids;
import static dev.neuralsearch.ann.JVectorIndexTest.vectors;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Corrupted, truncated and missing files; compaction; store ghosts and rolling. */
class DurabilityTest {
    @TempDir
    Path home;

    private List<float[]> build(int segments, int perSegment) {
        TestVectors tv = new TestVectors(JVectorIndexTest.DIM, 11);
        List<float[]> all = new ArrayList<>();
        try (JVectorIndex index = JVectorIndex.open(home, SCHEMA, JVectorIndexOptions.DEFAULT.withMaxSegments(0))) {
            for (int s = 0; s < segments; s++) {
                List<float[]> v = vectors(tv, perSegment);
                index.add(docs("s" + s + "-", perSegment), v);
                index.commit();
                all.addAll(v);
            }
        }
        return all;
    }

    private Path file(String suffix) throws IOException {
        try (Stream<Path> s = Files.list(home)) {
            return s.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().findFirst().orElseThrow();
        }
    }

    @Test
    void corruptedSegmentFailsChecksum() throws IOException {
        build(2, 50);
        Path graph = file(".graph");
        try (RandomAccessFile raf = new RandomAccessFile(graph.toFile(), "rw")) {
            raf.seek(raf.length() / 2);
            int b = raf.read();
            raf.seek(raf.length() / 2);
            raf.write(b ^ 0x5A);
        }
        assertThatThrownBy(() -> JVectorIndex.open(home, SCHEMA)).isInstanceOf(CorruptIndexException.class)
                .hasMessageContaining(graph.getFileName().toString()).hasMessageContaining("CRC32");
    }

    @Test
    void truncatedSegmentAndMissingFileAreReported() throws IOException {
        build(2, 50);
        Path docs = file(".docs");
        byte[] bytes = Files.readAllBytes(docs);
        Files.write(docs, java.util.Arrays.copyOf(bytes, bytes.length - 10));
        assertThatThrownBy(() -> JVectorIndex.open(home, SCHEMA)).isInstanceOf(CorruptIndexException.class)
                .hasMessageContaining("truncated");
        Files.write(docs, bytes);
        JVectorIndex.open(home, SCHEMA).close(); // restored: opens again
        Files.delete(file(".graph"));
        assertThatThrownBy(() -> JVectorIndex.open(home, SCHEMA)).isInstanceOf(CorruptIndexException.class)
                .hasMessageContaining("missing");
    }

    @Test
    void corruptedOrTruncatedManifestIsReported() throws IOException {
        build(1, 20);
        Path manifest = home.resolve("manifest.json");
        byte[] bytes = Files.readAllBytes(manifest);
        String text = new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
        Files.writeString(manifest, text.replace("\"count\":20", "\"count\":21"));
        assertThatThrownBy(() -> JVectorIndex.open(home, SCHEMA)).isInstanceOf(CorruptIndexException.class)
                .hasMessageContaining("checksum");
        Files.write(manifest, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        assertThatThrownBy(() -> JVectorIndex.open(home, SCHEMA)).isInstanceOf(CorruptIndexException.class)
                .hasMessageContaining("truncated");
        Files.delete(manifest);
        assertThatThrownBy(() -> JVectorIndex.open(home, SCHEMA)).isInstanceOf(CorruptIndexException.class)
                .hasMessageContaining("manifest is missing");
        Files.write(manifest, bytes);
        try (JVectorIndex index = JVectorIndex.open(home, SCHEMA)) {
            assertThat(index.stats().documents()).isEqualTo(20);
        }
    }

    @Test
    void compactionMergesSegmentsAndDropsDeadEntries() throws IOException {
        List<float[]> vecs = build(4, 100);
        try (JVectorIndex index = JVectorIndex.open(home, SCHEMA, JVectorIndexOptions.DEFAULT.withMaxSegments(0))) {
            assertThat(index.stats().segments()).isEqualTo(4);
            List<String> dead = new ArrayList<>();
            for (int i = 0; i < 100; i += 2) {
                dead.add("s1-" + i);
            }
            index.delete(dead);
            index.add(Document.of("s2-5", "updated", Map.of()), vecs.get(205));
            index.compact();
            assertThat(index.stats().segments()).isEqualTo(1);
            assertThat(index.stats().tombstones()).isZero();
            assertThat(index.stats().documents()).isEqualTo(350);
            assertThat(index.get("s2-5").orElseThrow().text()).isEqualTo("updated");
            assertThat(ids(index.search(vecs.get(102), 400, Filter.ALL))).doesNotContain("s1-2").hasSize(350)
                    .doesNotHaveDuplicates();
        }
        try (JVectorIndex index = JVectorIndex.open(home, SCHEMA)) {
            assertThat(index.stats().segments()).isEqualTo(1);
            assertThat(index.stats().documents()).isEqualTo(350);
            assertThat(index.search(vecs.get(301), 1, Filter.ALL).get(0).document().id()).isEqualTo("s3-1");
            try (Stream<Path> files = Files.list(home)) {
                assertThat(files.filter(p -> p.toString().endsWith(".graph"))).hasSize(1);
            }
        }
    }

    @Test
    void policyCompactsWhenTooManySegments() {
        TestVectors tv = new TestVectors(JVectorIndexTest.DIM, 12);
        try (JVectorIndex index = JVectorIndex.open(home, SCHEMA, JVectorIndexOptions.DEFAULT.withMaxSegments(3))) {
            for (int s = 0; s < 4; s++) {
                index.add(docs("p" + s + "-", 20), vectors(tv, 20));
                index.commit();
            }
            // 4 segments > 3: the 3 smallest are merged
            assertThat(index.stats().segments()).isEqualTo(2);
            assertThat(index.stats().documents()).isEqualTo(80);
        }
    }

    @Test
    void storeGhostsOfUncommittedSegmentsAreRemoved() {
        build(1, 30);
        // simulate a crash after the store was written but before the manifest swap: put entries of segment 77
        try (ChronicleDocumentStore store = new ChronicleDocumentStore(home.resolve("store"), 1000, 256)) {
            store.put(DocumentStore.key(77, 0), new Document("ghost", "boo"));
            assertThat(store.size()).isEqualTo(31);
        }
        try (JVectorIndex index = JVectorIndex.open(home, SCHEMA)) {
            assertThat(index.get("ghost")).isEmpty();
            assertThat(index.stats().documents()).isEqualTo(30);
        }
        try (ChronicleDocumentStore store = new ChronicleDocumentStore(home.resolve("store"), 1000, 256)) {
            assertThat(store.size()).isEqualTo(30);
            assertThat(store.get(DocumentStore.key(77, 0))).isNull();
        }
    }

    @Test
    void storeRollsToANewMapWhenFull() {
        try (ChronicleDocumentStore store = new ChronicleDocumentStore(home.resolve("store"), 1024, 64)) {
            String text = "x".repeat(200);
            for (int i = 0; i < 20_000; i++) {
                store.put(DocumentStore.key(1, i), new Document("id" + i, text));
            }
            assertThat(store.mapCount()).isGreaterThan(1);
            assertThat(store.size()).isEqualTo(20_000);
            assertThat(store.get(DocumentStore.key(1, 7)).id()).isEqualTo("id7");
            assertThat(store.get(DocumentStore.key(1, 19_999)).id()).isEqualTo("id19999");
        }
        try (ChronicleDocumentStore store = new ChronicleDocumentStore(home.resolve("store"), 1024, 64)) {
            assertThat(store.size()).isEqualTo(20_000);
            assertThat(store.get(DocumentStore.key(1, 12_345)).id()).isEqualTo("id12345");
        }
    }

    @Test
    void storeTakesDocumentsFarLargerThanTheAverage() {
        try (ChronicleDocumentStore store = new ChronicleDocumentStore(home.resolve("store"), 1024, 256)) {
            String big = "y".repeat(1_000_000);
            store.put(DocumentStore.key(1, 0), new Document("big", big));
            store.put(DocumentStore.key(1, 1), new Document("small", "s"));
            assertThat(store.get(DocumentStore.key(1, 0))).isNull(); // not kept: read from the segment file
            assertThat(store.get(DocumentStore.key(1, 1)).text()).isEqualTo("s");
            assertThat(store.size()).isEqualTo(2);
        }
        TestVectors tv = new TestVectors(JVectorIndexTest.DIM, 13);
        Path h = home.resolve("index");
        float[] v = tv.next();
        try (JVectorIndex index = JVectorIndex.open(h, SCHEMA)) {
            index.add(new Document("big", "z".repeat(2_000_000)), v);
            index.add(new Document("small", "s"), tv.next());
            index.commit();
            assertThat(index.get("big").orElseThrow().text()).hasSize(2_000_000);
            assertThat(index.search(v, 1, Filter.ALL).get(0).document().text()).hasSize(2_000_000);
        }
    }

    @Test
    void lostStoreIsRebuiltFromSegmentFiles() throws IOException {
        build(2, 40);
        try (Stream<Path> s = Files.list(home.resolve("store"))) {
            for (Path p : s.toList()) {
                Files.delete(p);
            }
        }
        try (JVectorIndex index = JVectorIndex.open(home, SCHEMA)) {
            assertThat(index.get("s1-3").orElseThrow().text()).isEqualTo("text of s1-3");
            assertThat(index.stats().documents()).isEqualTo(80);
        }
    }
}
