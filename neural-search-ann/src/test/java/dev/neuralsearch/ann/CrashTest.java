package dev.neuralsearch.ann;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neuralsearch.core.Document;
import dev.neuralsearch.core.Filter;
import dev.neuralsearch.core.ScoredDocument;
import dev.neuralsearch.core.SearchOptions;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a writing JVM with SIGKILL at random moments and checks, after each kill, that the index opens as is and
 * holds exactly the state of the last acknowledged commit (or of the one after it, when the kill landed between
 * the manifest swap and the acknowledgement), and that the lexical (Lucene) route holds exactly the same documents.
 */
class CrashTest {
    @TempDir
    Path home;

    @Test
    void survivesSigkillDuringIngest() throws Exception {
        runKills(Integer.getInteger("crash.kills", 20), 42);
    }

    @Test
    @Tag("heavy")
    void survivesManySigkills() throws Exception {
        runKills(60, 7);
    }

    private void runKills(int kills, long seed) throws Exception {
        Random random = new Random(seed);
        int lastAck = 0;
        int maxSeen = 0;
        for (int k = 0; k < kills; k++) {
            Process p = start();
            AtomicInteger ack = new AtomicInteger(-1);
            AtomicInteger opened = new AtomicInteger(-1);
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        if (line.startsWith("committed ")) {
                            ack.set(Integer.parseInt(line.substring(10).trim()));
                        } else if (line.startsWith("opened ")) {
                            opened.set(Integer.parseInt(line.substring(7).trim()));
                        }
                    }
                } catch (Exception ignored) {
                    // the process died
                }
            });
            reader.start();
            // generous: a worker JVM on 2 cores shared with other builds took over 60 s to open at load 40+;
            // this bounds a hang, it does not measure speed
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Long.getLong("crash.openSeconds", 300));
            while (opened.get() < 0 && p.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(opened.get()).as("worker opened the index (kill %d; alive %s; stderr in %s)", k, p.isAlive(),
                    home.resolve("worker-stderr.log")).isGreaterThanOrEqualTo(0);
            assertThat(opened.get()).as("worker resumed from the last acknowledged commit").isGreaterThanOrEqualTo(lastAck);
            if (k % 2 == 1) {
                // every other kill waits for one acknowledged commit first, so that the run makes progress however
                // slow a loaded machine makes the workers (the other kills land anywhere, opening included)
                long commitDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                while (ack.get() <= opened.get() && p.isAlive() && System.nanoTime() < commitDeadline) {
                    Thread.sleep(10);
                }
            }
            Thread.sleep(50 + random.nextInt(900));
            p.destroyForcibly();
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            reader.join(5000);
            // durable state never goes back (floor) and is at most one commit past what the worker acknowledged
            int floor = Math.max(lastAck, ack.get());
            int ceiling = Math.max(ack.get(), opened.get()) + 1;
            int n = verify(floor, ceiling);
            lastAck = n;
            maxSeen = Math.max(maxSeen, n);
        }
        assertThat(maxSeen).as("the workers made progress").isGreaterThanOrEqualTo(3);
        System.out.printf("%d kills, last commit %d%n", kills, maxSeen);
    }

    private Process start() throws Exception {
        return ForkedJvm.likeThisJvm(List.of("-Xmx256m", "-XX:TieredStopAtLevel=1"), CrashWorker.class, home.toString())
                .redirectError(ProcessBuilder.Redirect.appendTo(home.resolve("worker-stderr.log").toFile()))
                .start();
    }

    /** Opens the index after a kill and checks it; returns its commit number. */
    private int verify(int floor, int ceiling) {
        try (JVectorIndex index = JVectorIndex.open(home, CrashWorker.SCHEMA, CrashWorker.OPTIONS)) {
            int n = Integer.parseInt(index.userData().getOrDefault("n", "0"));
            assertThat(n).as("committed generation vs last acknowledged").isBetween(floor, ceiling);
            Map<String, Object[]> expected = CrashWorker.expected(n);
            assertThat(index.stats().documents()).isEqualTo(expected.size());
            assertThat(index.stats().uncommitted()).isZero();
            // every document present with its latest text; none duplicated
            List<ScoredDocument> all = index.exactSearch(CrashWorker.vector(1, 1, 1), expected.size() + 10, Filter.ALL);
            Set<String> ids = new HashSet<>();
            for (ScoredDocument d : all) {
                assertThat(ids.add(d.document().id())).as("duplicate %s", d.document().id()).isTrue();
            }
            assertThat(ids).isEqualTo(expected.keySet());
            // the lexical route holds exactly the same documents, with their latest text
            assertThat(index.lexicalIds()).as("lexical route after kill at commit %d", n).isEqualTo(expected.keySet());
            for (int m = Math.max(1, n - 3); m < n; m++) {
                String updated = CrashWorker.id(m, 0);
                assertThat(index.lexicalSearch("v" + (m + 1), 5, Filter.ALL)).extracting(h -> h.document().id())
                        .as("updated text of %s found lexically", updated).contains(updated);
            }
            if (n > 2) {
                assertThat(index.lexicalSearch("t" + (n - 2) + "-1", 5, Filter.ALL))
                        .extracting(h -> h.document().id()).doesNotContain(CrashWorker.id(n - 2, 1));
            }
            // searchable by ANN: a sample of documents finds itself first. With a beam of 100 (overquery 100 for
            // top 1): the default beam of 10 for top 1 is approximate search and missed a document now and then
            // (1 run in 7 on 2026-12-05, before and after that day's scoring change), which said nothing about the
            // crash; a document the graph cannot reach at all would still fail here.
            Random r = new Random(n);
            List<String> keys = new ArrayList<>(expected.keySet());
            keys.sort(null);
            for (int s = 0; s < Math.min(30, keys.size()); s++) {
                String id = keys.get(r.nextInt(keys.size()));
                Object[] e = expected.get(id);
                int commit = Integer.parseInt(id.substring(1, id.indexOf('-')));
                int i = Integer.parseInt(id.substring(id.indexOf('-') + 1));
                float[] v = CrashWorker.vector(commit, i, (Integer) e[1]);
                Document top = index.search(v, 1, Filter.ALL, new SearchOptions(100f)).get(0).document();
                assertThat(top.id()).isEqualTo(id);
                assertThat(top.text()).isEqualTo(e[0]);
            }
            return n;
        }
    }
}
