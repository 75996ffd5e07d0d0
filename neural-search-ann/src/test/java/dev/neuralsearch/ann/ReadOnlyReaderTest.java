package dev.neuralsearch.ann;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.neuralsearch.core.Document;
import dev.neuralsearch.core.Filter;
import dev.neuralsearch.core.ScoredDocument;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One writer, many read-only readers ({@link JVectorIndex#openReadOnly}, {@link JVectorIndex#refresh()}). */
class ReadOnlyReaderTest {

    @TempDir
    Path home;

    private static void commitBatch(JVectorIndex writer, int n) {
        List<Document> docs = new ArrayList<>();
        List<float[]> vecs = new ArrayList<>();
        for (int i = 0; i < CrashWorker.PER_COMMIT; i++) {
            docs.add(Document.of(CrashWorker.id(n, i), "t" + n + "-" + i, Map.of("n", n)));
            vecs.add(CrashWorker.vector(n, i, n));
        }
        writer.add(docs, vecs);
        writer.commit(Map.of("n", String.valueOf(n)));
    }

    @Test
    void readerSeesTheCommitItOpenedUntilItRefreshes() {
        try (JVectorIndex writer = JVectorIndex.open(home, CrashWorker.SCHEMA, CrashWorker.OPTIONS)) {
            commitBatch(writer, 1);
            try (JVectorIndex reader = JVectorIndex.openReadOnly(home)) {
                assertThat(reader.readOnly()).isTrue();
                assertThat(reader.schema()).isEqualTo(CrashWorker.SCHEMA);
                assertThat(reader.stats().documents()).isEqualTo(20);
                commitBatch(writer, 2);
                writer.add(Document.of("uncommitted", "t9", Map.of()), CrashWorker.vector(9, 9, 9));
                assertThat(reader.stats().documents()).as("before refresh").isEqualTo(20);
                assertThat(reader.refresh()).isTrue();
                assertThat(reader.refresh()).as("nothing newer").isFalse();
                assertThat(reader.stats().documents()).as("the new commit, not the uncommitted add").isEqualTo(40);
                assertThat(reader.get("uncommitted")).isEmpty();
                assertThat(reader.userData()).containsEntry("n", "2");
                assertThat(reader.get("c2-5").orElseThrow().text()).isEqualTo("t2-5");
                List<ScoredDocument> hits = reader.search(CrashWorker.vector(2, 5, 2), 1, Filter.ALL, null);
                assertThat(hits.get(0).document().id()).isEqualTo("c2-5");
                assertThat(reader.lexicalSearch("t2-5", 1, Filter.eq("n", 2)).get(0).document().id()).isEqualTo("c2-5");
            }
        }
    }

    @Test
    void readersRefuseWritesAndWriteNothing() throws IOException {
        try (JVectorIndex writer = JVectorIndex.open(home, CrashWorker.SCHEMA, CrashWorker.OPTIONS)) {
            commitBatch(writer, 1);
            Map<String, FileTime> before = files(home);
            try (JVectorIndex reader = JVectorIndex.openReadOnly(home, CrashWorker.SCHEMA, CrashWorker.OPTIONS)) {
                assertThatThrownBy(() -> reader.add(Document.of("x", "y", Map.of()), CrashWorker.vector(1, 1, 1)))
                        .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("read-only");
                assertThatThrownBy(() -> reader.delete(List.of("c1-1"))).isInstanceOf(UnsupportedOperationException.class);
                assertThatThrownBy(reader::commit).isInstanceOf(UnsupportedOperationException.class);
                assertThatThrownBy(reader::compact).isInstanceOf(UnsupportedOperationException.class);
                reader.search(CrashWorker.vector(1, 1, 1), 5, Filter.ALL, null);
                reader.lexicalSearch("t1-1", 5, Filter.ALL);
            }
            assertThat(files(home)).as("files and times after a reader came and went").isEqualTo(before);
            commitBatch(writer, 2); // the writer is unaffected (its lock and store are intact)
            assertThat(writer.stats().documents()).isEqualTo(40);
        }
    }

    @Test
    void aReaderOfAnOldCommitStillAnswersAfterACompactionDeletedItsFiles() {
        try (JVectorIndex writer = JVectorIndex.open(home, CrashWorker.SCHEMA, CrashWorker.OPTIONS)) {
            for (int n = 1; n <= 3; n++) {
                commitBatch(writer, n);
            }
            try (JVectorIndex reader = JVectorIndex.openReadOnly(home)) {
                List<String> oldFiles = segmentFiles(home);
                writer.delete(List.of("c1-0", "c2-0"));
                writer.compact();
                assertThat(segmentFiles(home)).as("the compaction removed the old segments' files")
                        .doesNotContainAnyElementsOf(oldFiles);
                // the reader still answers from its commit: every route, and the documents' text
                assertThat(reader.stats().documents()).isEqualTo(60);
                assertThat(reader.get("c1-0").orElseThrow().text()).isEqualTo("t1-0");
                assertThat(reader.search(CrashWorker.vector(1, 0, 1), 1, Filter.ALL, null).get(0).document().text())
                        .isEqualTo("t1-0");
                assertThat(reader.exactSearch(CrashWorker.vector(2, 7, 2), 60, Filter.ALL)).hasSize(60);
                assertThat(reader.lexicalSearch("t2-0", 1, Filter.ALL).get(0).document().id()).isEqualTo("c2-0");
                assertThat(reader.refresh()).isTrue();
                assertThat(reader.stats().documents()).isEqualTo(58);
                assertThat(reader.get("c1-0")).isEmpty();
                assertThat(reader.lexicalSearch("t2-0", 1, Filter.ALL)).extracting(d -> d.document().id())
                        .doesNotContain("c2-0");
            }
        }
    }

    @Test
    void openingReadOnlyNeedsAHome() {
        assertThatThrownBy(() -> JVectorIndex.openReadOnly(home.resolve("missing")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no index at");
        assertThat(home.resolve("missing")).doesNotExist();
    }

    /**
     * The scenario: a writer process commits in a loop while two reader processes refresh and search; the
     * writer is SIGKILLed. No reader fails, no reader sees its commit number go back, each sees exactly the documents
     * of the commit it shows, and after the kill each finds every document of the last acknowledged commit.
     */
    @Test
    void readersInOtherProcessesFollowAWriterThatIsKilled() throws Exception {
        Process writer = start(CrashWorker.class, home.toString());
        List<Process> readers = List.of(start(ReaderWorker.class, home.toString(), "r1"),
                start(ReaderWorker.class, home.toString(), "r2"));
        List<List<String>> readerOut = List.of(new CopyOnWriteArrayList<>(), new CopyOnWriteArrayList<>());
        for (int i = 0; i < readers.size(); i++) {
            drain(readers.get(i), readerOut.get(i));
        }
        AtomicInteger acknowledged = new AtomicInteger();
        try (BufferedReader out = new BufferedReader(
                new InputStreamReader(writer.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while ((line = out.readLine()) != null && System.nanoTime() < deadline) {
                if (line.startsWith("committed ")) {
                    acknowledged.set(Integer.parseInt(line.substring(10)));
                    if (acknowledged.get() >= 40) {
                        break;
                    }
                }
            }
            writer.destroyForcibly(); // SIGKILL, mid-commit or not
            writer.waitFor(30, TimeUnit.SECONDS);
        }
        // the writer may have made more commits between the break and the kill; the readers must see at least the
        // last one the test saw acknowledged
        Files.writeString(home.resolve("stop"), Integer.toString(acknowledged.get()));
        for (int i = 0; i < readers.size(); i++) {
            Process r = readers.get(i);
            assertThat(r.waitFor(120, TimeUnit.SECONDS)).as("reader %d finished", i + 1).isTrue();
            assertThat(readerOut.get(i)).as("reader %d output", i + 1).noneMatch(l -> l.startsWith("ERROR"));
            assertThat(r.exitValue()).as("reader %d exit; output %s", i + 1, readerOut.get(i)).isZero();
            assertThat(readerOut.get(i)).anyMatch(l -> l.startsWith("final "));
            assertThat(readerOut.get(i).stream().filter(l -> l.contains(" sees ")).count())
                    .as("reader %d followed several commits", i + 1).isGreaterThan(3);
        }
        assertThat(acknowledged.get()).isGreaterThanOrEqualTo(10);
        // nothing the readers did stands in the writer's way
        try (JVectorIndex reopened = JVectorIndex.open(home, CrashWorker.SCHEMA, CrashWorker.OPTIONS)) {
            assertThat(Integer.parseInt(reopened.userData().get("n"))).isGreaterThanOrEqualTo(acknowledged.get());
        }
    }

    private static Process start(Class<?> main, String... args) throws IOException {
        ProcessBuilder pb = ForkedJvm.likeThisJvm(List.of("-Xmx256m", "-XX:TieredStopAtLevel=1"), main, args);
        if (main == CrashWorker.class) {
            pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        } else {
            pb.redirectErrorStream(true);
        }
        return pb.start();
    }

    private static void drain(Process p, List<String> lines) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // the process ended
            }
        });
        t.setDaemon(true);
        t.start();
    }

    private static Map<String, FileTime> files(Path dir) throws IOException {
        Map<String, FileTime> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                out.put(dir.relativize(p).toString(), Files.getLastModifiedTime(p));
            }
        }
        return out;
    }

    private static List<String> segmentFiles(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("seg-")).toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
