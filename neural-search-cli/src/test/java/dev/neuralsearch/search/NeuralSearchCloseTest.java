package dev.neuralsearch.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.neuralsearch.ann.JVectorIndex;
import dev.neuralsearch.core.Document;
import dev.neuralsearch.core.Hit;
import dev.neuralsearch.core.NeuralSearch;
import dev.neuralsearch.encoder.BiEncoder;
import dev.neuralsearch.encoder.Presets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Closing under load: the engine owns a real encoder and reranker (ONNX sessions), so closing them under a
 * running query would crash the JVM; every query must instead return or fail with IllegalStateException.
 */
class NeuralSearchCloseTest {

    private static List<Document> documents(int n) {
        String[] topics = {"astronomy", "cooking", "finance", "medicine", "music"};
        List<Document> docs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String topic = topics[i % topics.length];
            docs.add(new Document("d" + i, "Document " + i + " is a short note about " + topic
                    + ", written to exercise the engine while it closes.", Map.of("topic", topic, "n", i)));
        }
        return docs;
    }

    @Test
    void queriesInFlightFinishOrFailCleanly(@TempDir Path tmp) throws Exception {
        NeuralSearch search = NeuralSearch.builder()
                .encoder(BiEncoder.load(Presets.ALL_MINILM_L6_V2_Q))
                .index(JVectorIndex.at(tmp.resolve("home")))
                .reranker(Fixtures.tinyReranker(tmp.resolve("ce")))
                .build();
        search.add(documents(60));
        search.commit();

        int threads = 4;
        AtomicInteger answered = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        List<Throwable> unexpected = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch warm = new CountDownLatch(threads * 2);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        for (int t = 0; t < threads; t++) {
            int thread = t;
            pool.submit(() -> {
                for (int i = 0; ; i++) {
                    try {
                        List<Hit> hits = search.query("a note about music number " + thread + "-" + i)
                                .recall(30).rerank(10).limit(5).execute();
                        assertThat(hits).hasSize(5);
                        answered.incrementAndGet();
                        warm.countDown();
                    } catch (IllegalStateException e) {
                        if (String.valueOf(e.getMessage()).contains("closed")) {
                            refused.incrementAndGet();
                        } else {
                            unexpected.add(e);
                        }
                        return;
                    } catch (Throwable e) {
                        unexpected.add(e);
                        return;
                    }
                }
            });
        }
        assertThat(warm.await(60, TimeUnit.SECONDS)).as("queries running").isTrue();
        search.close();
        pool.shutdown();
        assertThat(pool.awaitTermination(60, TimeUnit.SECONDS)).isTrue();

        assertThat(unexpected).isEmpty();
        assertThat(refused.get()).isEqualTo(threads);
        assertThat(answered.get()).isGreaterThanOrEqualTo(threads * 2);
        assertThatThrownBy(() -> search.query("x")).isInstanceOf(IllegalStateException.class);
        search.close(); // idempotent
    }

    @Test
    void closeStopsABulkAddAtAChunkBoundary(@TempDir Path tmp) throws Exception {
        NeuralSearch search = NeuralSearch.builder()
                .encoder(BiEncoder.load(Presets.ALL_MINILM_L6_V2_Q))
                .index(JVectorIndex.at(tmp.resolve("home")))
                .addChunk(8)
                .build();
        CountDownLatch firstChunk = new CountDownLatch(1);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        Future<Integer> add = pool.submit(() -> search.add(documents(400), (done, total) -> {
            if (done >= 8) {
                firstChunk.countDown();
            }
        }));
        assertThat(firstChunk.await(60, TimeUnit.SECONDS)).isTrue();
        search.close();
        assertThatThrownBy(add::get).hasCauseInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed during add");
        pool.shutdown();
    }

    @Test
    void closeFromInsideAnOperationIsRefused(@TempDir Path tmp) {
        try (NeuralSearch search = NeuralSearch.builder()
                .encoder(BiEncoder.load(Presets.ALL_MINILM_L6_V2_Q))
                .index(JVectorIndex.at(tmp.resolve("home")))
                .build()) {
            List<Throwable> seen = Collections.synchronizedList(new ArrayList<>());
            search.add(documents(2), (done, total) -> {
                try {
                    search.close();
                } catch (IllegalStateException e) {
                    seen.add(e);
                }
            });
            assertThat(seen).isNotEmpty().allSatisfy(e -> assertThat(e).hasMessageContaining("inside an operation"));
            assertThat(search.stats().documents()).isEqualTo(2);
        }
    }
}
