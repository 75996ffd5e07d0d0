package dev.neuralsearch.ann;

import static dev.neuralsearch.ann.JVectorIndexTest.SCHEMA;
import static org.assertj.core.api.Assertions.assertThat;

import dev.neuralsearch.core.Document;
import dev.neuralsearch.core.Filter;
import dev.neuralsearch.core.ScoredDocument;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Many searching threads while one writer adds, deletes, commits and compacts. */
class ConcurrencyTest {
    @TempDir
    Path home;

    @Test
    void searchesDuringIngestCommitAndCompaction() throws Exception {
        TestVectors tv = new TestVectors(JVectorIndexTest.DIM, 21);
        JVectorIndexOptions o = JVectorIndexOptions.DEFAULT.withMaxSegments(4).withPqThreshold(256);
        try (JVectorIndex index = JVectorIndex.open(home, SCHEMA, o)) {
            AtomicBoolean stop = new AtomicBoolean();
            ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
            AtomicLong queries = new AtomicLong();
            // ids "dead-*" are deleted in the same writer step that adds them in the next batch; never visible after
            Set<String> deletedForever = java.util.concurrent.ConcurrentHashMap.newKeySet();
            List<Thread> readers = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                TestVectors qv = new TestVectors(JVectorIndexTest.DIM, 100 + t);
                Thread th = new Thread(() -> {
                    try {
                        while (!stop.get()) {
                            float[] q = qv.next();
                            Filter f = queries.get() % 3 == 0 ? Filter.eq("lang", "en") : Filter.ALL;
                            List<ScoredDocument> hits = index.search(q, 10, f);
                            Set<String> seen = new HashSet<>();
                            float prev = Float.POSITIVE_INFINITY;
                            for (ScoredDocument h : hits) {
                                assertThat(seen.add(h.document().id())).as("duplicate %s", h.document().id()).isTrue();
                                assertThat(h.score()).isLessThanOrEqualTo(prev);
                                prev = h.score();
                                if (f != Filter.ALL) {
                                    assertThat(h.document().metadata().get("lang")).isEqualTo("en");
                                }
                            }
                            index.get("b0-0");
                            index.stats();
                            queries.incrementAndGet();
                        }
                    } catch (Throwable e) {
                        errors.add(e);
                    }
                });
                th.start();
                readers.add(th);
            }
            int batches = 30;
            for (int b = 0; b < batches; b++) {
                List<Document> docs = new ArrayList<>();
                List<float[]> vecs = new ArrayList<>();
                for (int i = 0; i < 100; i++) {
                    docs.add(Document.of("b" + b + "-" + i, "t", Map.of("lang", i % 2 == 0 ? "en" : "fr")));
                    vecs.add(tv.next());
                }
                index.add(docs, vecs);
                if (b > 0) {
                    List<String> del = new ArrayList<>();
                    for (int i = 0; i < 100; i += 10) {
                        del.add("b" + (b - 1) + "-" + i);
                    }
                    index.delete(del);
                    deletedForever.addAll(del);
                }
                if (b % 3 == 2) {
                    index.commit();
                }
            }
            index.commit();
            long before = queries.get();
            // a few more searches after the final commit to check invariants on the final state
            while (queries.get() < before + 50 && errors.isEmpty()) {
                Thread.sleep(5);
            }
            stop.set(true);
            for (Thread th : readers) {
                th.join();
            }
            assertThat(errors).isEmpty();
            assertThat(queries.get()).isGreaterThan(100);
            assertThat(index.stats().documents()).isEqualTo(30 * 100 - 29 * 10);
            List<ScoredDocument> all = index.exactSearch(tv.next(), 5000, Filter.ALL);
            assertThat(all).hasSize(30 * 100 - 29 * 10);
            assertThat(all.stream().map(h -> h.document().id())).doesNotContainAnyElementsOf(deletedForever);
        }
    }

    @Test
    void aDocumentBeingUpdatedIsAlwaysFoundById() throws Exception {
        // an update appends the new copy where only the newest snapshot sees it and tombstones the old copy in place,
        // so a lookup can miss both; get() must retry instead of answering "absent" for a document that exists
        TestVectors tv = new TestVectors(JVectorIndexTest.DIM, 31);
        JVectorIndexOptions o = JVectorIndexOptions.DEFAULT.withMaxBufferedDocs(60).withMaxSegments(3);
        try (JVectorIndex index = JVectorIndex.open(home, SCHEMA, o)) {
            index.add(Document.of("x", "v0", Map.of()), tv.next());
            index.commit();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong lookups = new AtomicLong();
            ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
            List<Thread> readers = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                Thread th = new Thread(() -> {
                    try {
                        while (!stop.get()) {
                            assertThat(index.get("x")).as("x exists at every moment").isPresent();
                            assertThat(index.vector("x")).isPresent();
                            lookups.incrementAndGet();
                        }
                    } catch (Throwable e) {
                        errors.add(e);
                    }
                });
                th.start();
                readers.add(th);
            }
            // updates within the buffer, from a segment into the buffer, across flushes (every 30 updates), commits
            // and compactions
            int updates = 3000;
            for (int v = 1; v <= updates && errors.isEmpty(); v++) {
                index.add(Document.of("x", "v" + v, Map.of()), tv.next());
                index.add(Document.of("filler-" + v % 200, "f", Map.of()), tv.next());
                if (v % 100 == 0) {
                    index.commit();
                }
            }
            stop.set(true);
            for (Thread th : readers) {
                th.join();
            }
            assertThat(errors).isEmpty();
            assertThat(lookups.get()).isGreaterThan(100);
            assertThat(index.get("x").orElseThrow().text()).isEqualTo("v" + updates);
            assertThat(index.stats().documents()).isEqualTo(201);
        }
    }
}
