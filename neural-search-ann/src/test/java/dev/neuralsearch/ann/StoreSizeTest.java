package dev.neuralsearch.ann;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neuralsearch.core.Document;
import dev.neuralsearch.core.Filter;
import dev.neuralsearch.core.IndexSchema;
import dev.neuralsearch.core.Similarity;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Small homes stay small, and the store's recovery after a killed process does not grow it. Sizes are the sum of
 * {@link Files#size}: Chronicle reserves every byte of its files with {@code posix_fallocate} (no holes), so the
 * logical size is what the disk holds; {@code du} (allocated blocks) is checked beside it where it exists.
 */
class StoreSizeTest {
    private static final long TEN_MB = 10L << 20;

    @TempDir
    Path tmp;

    @Test
    void aHomeOfThreeDocumentsIsWellUnderTenMegabytesWithEitherStore() throws Exception {
        for (DocumentStoreKind kind : List.of(DocumentStoreKind.CHRONICLE, DocumentStoreKind.SEGMENT_FILES)) {
            Path home = tmp.resolve(kind.name());
            IndexSchema schema = new IndexSchema("readme", 384, Similarity.DOT_PRODUCT);
            TestVectors tv = new TestVectors(384, 3);
            try (JVectorIndex index = JVectorIndex.open(home, schema, JVectorIndexOptions.DEFAULT.withDocumentStore(kind))) {
                index.add(List.of(
                        Document.of("1", "A black hole forms when a massive star collapses.", Map.of("year", 2019)),
                        Document.of("2", "Yeast makes bread rise by releasing carbon dioxide.", Map.of("year", 2021)),
                        Document.of("3", "Neutron stars are the remnants of supernovae.", Map.of("year", 2009))),
                        List.of(tv.next(), tv.next(), tv.next()));
                index.commit();
                assertThat(index.documentStoreKind()).isEqualTo(kind);
            }
            long bytes = totalBytes(home);
            assertThat(bytes).as(kind.name()).isLessThan(TEN_MB / 4);
            long du = allocatedBytes(home);
            if (du >= 0) {
                assertThat(du).as(kind.name()).isLessThan(TEN_MB / 4);
            }
        }
    }

    @Test
    void recoveryAfterKilledProcessesRebuildsTheStoreWithoutGrowingIt() throws Exception {
        Path home = tmp.resolve("home");
        TestVectors tv = new TestVectors(CrashWorker.DIM, 5);
        // sized for exactly what it will hold, as a bulk load of known size does (the 1M benchmark index did)
        JVectorIndexOptions options = CrashWorker.OPTIONS.withExpectedDocuments(5_000).withMaxBufferedDocs(10_000);
        try (JVectorIndex index = JVectorIndex.open(home, CrashWorker.SCHEMA, options)) {
            List<Document> docs = new ArrayList<>();
            List<float[]> vectors = new ArrayList<>();
            for (int i = 0; i < 5_000; i++) {
                docs.add(Document.of("d" + i, "document number " + i + " with a little text", Map.of("i", i)));
                vectors.add(tv.next());
            }
            index.add(docs, vectors);
            index.commit();
            assertThat(index.documentStoreKind()).isEqualTo(DocumentStoreKind.CHRONICLE);
        }
        long clean = totalBytes(home.resolve("store"));
        List<Long> after = new ArrayList<>();
        for (int kill = 0; kill < 3; kill++) {
            killWhileOpen(home);
            assertThat(home.resolve("store").resolve("OPEN")).exists(); // the next open sees an unclean shutdown
            try (JVectorIndex index = JVectorIndex.open(home, CrashWorker.SCHEMA, options)) {
                assertThat(index.get("d4321").orElseThrow().text()).isEqualTo("document number 4321 with a little text");
                assertThat(index.search(tv.next(), 5, Filter.ALL)).hasSize(5);
                assertThat(index.storeMapCount()).isEqualTo(1); // rebuilt as one map sized for the entries
            }
            after.add(totalBytes(home.resolve("store")));
        }
        assertThat(after).as("store bytes: clean %d, after each kill and reopen %s", clean, after)
                .allSatisfy(b -> assertThat(b).isLessThanOrEqualTo(clean + clean / 10));
        assertThat(after.get(2)).isEqualTo(after.get(0));
    }

    /** A child JVM (with this JVM's module flags, so it uses Chronicle too) opens the home and is SIGKILLed. */
    private static void killWhileOpen(Path home) throws Exception {
        List<String> flags = new ArrayList<>();
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("--add-") || a.startsWith("--enable-native-access") || a.startsWith("--sun-misc")
                    || a.startsWith("-Dchronicle")) {
                flags.add(a);
            }
        }
        flags.add("-Xmx256m");
        Process p = ForkedJvm.start(ForkedJvm.currentJdk(), flags, HoldIndexOpen.class, home.toString());
        try {
            BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            assertThat(r.readLine()).startsWith("opened");
        } finally {
            p.destroyForcibly(); // SIGKILL: no close, the OPEN marker stays
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
    }

    static long totalBytes(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    return 0L;
                }
            }).sum();
        }
    }

    /** {@code du -sk} in bytes, or -1 where there is no {@code du}. */
    static long allocatedBytes(Path dir) {
        try {
            Process p = new ProcessBuilder("du", "-sk", dir.toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (p.waitFor() != 0) {
                return -1;
            }
            return Long.parseLong(out.split("\\s+")[0]) * 1024;
        } catch (IOException | InterruptedException | NumberFormatException e) {
            return -1;
        }
    }
}
