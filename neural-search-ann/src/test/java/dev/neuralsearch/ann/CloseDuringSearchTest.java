package dev.neuralsearch.ann;

import static dev.neuralsearch.ann.JVectorIndexTest.SCHEMA;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.neuralsearch.core.Document;
import dev.neuralsearch.core.Filter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link JVectorIndex#close()} while threads search: searches in flight finish with their results (none sees the
 * document store or the Lucene index closed under it), and searches that start once closing began get the clear
 * {@code IllegalStateException("index is closed")}.
 */
class CloseDuringSearchTest {
    @TempDir
    Path home;

    private static final String[] WORDS = {"apple", "banana", "cherry", "delta", "echo", "falcon"};

    @Test
    void closeWaitsForSearchesInFlightAndRefusesNewOnes() throws Exception {
        TestVectors tv = new TestVectors(JVectorIndexTest.DIM, 5);
        try (JVectorIndex index = JVectorIndex.open(home, SCHEMA)) {
            List<Document> docs = new ArrayList<>();
            List<float[]> vecs = new ArrayList<>();
            for (int i = 0; i < 3000; i++) {
                docs.add(Document.of("d" + i, "common " + WORDS[i % WORDS.length] + " " + WORDS[(i / 6) % 6]
                        + " word" + i, Map.of("lang", i % 2 == 0 ? "en" : "fr", "n", (long) i)));
                vecs.add(tv.next());
            }
            index.add(docs.subList(0, 2000), vecs.subList(0, 2000));
            index.commit();
            index.add(docs.subList(2000, 3000), vecs.subList(2000, 3000));
            index.commit(); // two segments
        }
        AtomicLong finished = new AtomicLong();
        AtomicLong refused = new AtomicLong();
        for (int round = 0; round < 15; round++) {
            JVectorIndex index = JVectorIndex.open(home, SCHEMA);
            ConcurrentLinkedQueue<Throwable> wrong = new ConcurrentLinkedQueue<>();
            CountDownLatch running = new CountDownLatch(4);
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int kind = t;
                TestVectors qv = new TestVectors(JVectorIndexTest.DIM, 100 + round * 10 + t);
                Thread th = new Thread(() -> {
                    running.countDown();
                    while (true) {
                        try {
                            switch (kind) {
                                case 0 -> assertThat(index.search(qv.next(), 50, Filter.eq("lang", "en"))).hasSize(50);
                                case 1 -> assertThat(index.lexicalSearch("common apple word7", 100, Filter.ALL))
                                        .hasSize(100);
                                case 2 -> assertThat(index.exactSearch(qv.next(), 20, Filter.ALL)).hasSize(20);
                                default -> {
                                    assertThat(index.get("d" + (finished.get() % 2000))).isPresent();
                                    index.stats();
                                }
                            }
                            finished.incrementAndGet();
                        } catch (IllegalStateException e) {
                            if ("index is closed".equals(e.getMessage())) {
                                refused.incrementAndGet();
                            } else {
                                wrong.add(e); // a store or Lucene index closed under a running search
                            }
                            return;
                        } catch (Throwable e) {
                            wrong.add(e);
                            return;
                        }
                    }
                });
                th.start();
                threads.add(th);
            }
            running.await();
            Thread.sleep(20 + round * 3L);
            index.close();
            assertThatThrownBy(() -> index.search(tv.next(), 5, Filter.ALL)).isInstanceOf(IllegalStateException.class)
                    .hasMessage("index is closed");
            assertThatThrownBy(() -> index.lexicalSearch("apple", 5, Filter.ALL))
                    .isInstanceOf(IllegalStateException.class).hasMessage("index is closed");
            assertThatThrownBy(() -> index.get("d1")).isInstanceOf(IllegalStateException.class)
                    .hasMessage("index is closed");
            for (Thread th : threads) {
                th.join(60_000);
                assertThat(th.isAlive()).isFalse();
            }
            assertThat(wrong).as("round %d: searches that failed other than with 'index is closed': %s", round,
                    wrong.stream().map(Throwable::toString).distinct().toList()).isEmpty();
        }
        assertThat(refused.get()).isEqualTo(15 * 4); // every thread ended on the clear error
        assertThat(finished.get()).isPositive();
    }
}
