package dev.neuralsearch.onnx.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnxruntime.OnnxTensor;
import dev.neuralsearch.onnx.OnnxEnvironment;
import dev.neuralsearch.onnx.SessionConfig;
import dev.neuralsearch.rerank.fixtures.TinyCrossEncoder;
import dev.neuralsearch.rerank.fixtures.TinyCrossEncoder.Variant;
import dev.neuralsearch.tokenize.TextTokenizer;
import dev.neuralsearch.tokenize.TokenizedText;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shared ONNX runner on real ONNX Runtime sessions of the tiny cross-encoder graph, whose logits are a
 * known function of the fed ids, types and mask (see {@link TinyCrossEncoder}). It lives in the rerank
 * module, next to that fixture.
 */
class OnnxModelRunnerTest {
    /** Three classes with W the identity: the logits are (real type-0 tokens, type-1 tokens, Σ id mod 7). */
    private static final int CLASSES = 3;

    private static final OnnxModelRunner.OutputReader<float[][]> LOGITS = (out, batch) -> {
        float[] flat = new float[batch.rows() * CLASSES];
        ((OnnxTensor) out).getFloatBuffer().get(flat);
        float[][] rows = new float[batch.rows()][];
        for (int r = 0; r < rows.length; r++) {
            rows[r] = Arrays.copyOfRange(flat, r * CLASSES, (r + 1) * CLASSES);
        }
        return rows;
    };

    @TempDir
    Path tmp;

    private OnnxModelRunner.Builder runner(String name, boolean tokenTypes, Variant variant) {
        Path dir = TinyCrossEncoder.write(tmp.resolve(name), CLASSES, tokenTypes, variant);
        Path model = dir.resolve("model.onnx");
        return OnnxModelRunner.builder("runner " + name, model.toString(),
                TextTokenizer.fromFile(dir.resolve("tokenizer.json"), 512),
                () -> OnnxEnvironment.createSession(model, SessionConfig.DEFAULT));
    }

    private static TokenizedText text(long... ids) {
        long[] ones = new long[ids.length];
        Arrays.fill(ones, 1);
        return new TokenizedText(ids, ones, new long[ids.length], false);
    }

    @Test
    void padsInputIdsWithThePadId() {
        // The graph of this variant ignores the attention mask, so the pad ids reach the logits: each pad adds
        // 1 to the token count and (padId mod 7) to the id sum.
        TokenizedText longer = text(101, 2054, 2003, 2017, 102);
        TokenizedText shorter = text(101, 102);
        for (long padId : new long[] {0, 100}) {
            try (OnnxModelRunner r = runner("leaky-" + padId, false, Variant.PADDING_LEAKS).padId(padId).build()) {
                AtomicReference<PaddedBatch> seen = new AtomicReference<>();
                float[][] logits = r.run(List.of(longer, shorter), (out, batch) -> {
                    seen.set(batch);
                    return LOGITS.read(out, batch);
                });
                long[] padded = {101, 102, padId, padId, padId};
                assertThat(seen.get().width()).isEqualTo(5);
                assertThat(seen.get().id(1, 4)).isEqualTo(padId);
                assertThat(seen.get().isToken(1, 1)).isTrue();
                assertThat(seen.get().isToken(1, 2)).isFalse();
                assertThat(logits[1]).as("pad id %d", padId)
                        .containsExactly(TinyCrossEncoder.logits(padded, new long[5], CLASSES, false));
                assertThat(logits[0]).containsExactly(TinyCrossEncoder.logits(longer.ids(), longer.typeIds(), CLASSES, false));
            }
        }
    }

    @Test
    void feedsInt32InputsToAModelThatTakesThem() {
        TokenizedText pair = new TokenizedText(new long[] {101, 7592, 102, 2088, 102}, new long[] {1, 1, 1, 1, 1},
                new long[] {0, 0, 0, 1, 1}, false);
        TokenizedText shorter = text(101, 102);
        for (Variant variant : new Variant[] {Variant.INT32_INPUTS, Variant.NORMAL}) {
            try (OnnxModelRunner r = runner(variant.name(), true, variant).padId(7).build()) {
                assertThat(r.usesTokenTypeIds()).isTrue();
                float[][] logits = r.run(List.of(pair, shorter), LOGITS);
                assertThat(logits[0]).as("%s", variant)
                        .containsExactly(TinyCrossEncoder.logits(pair.ids(), pair.typeIds(), CLASSES, true));
                assertThat(logits[1]).as("%s, padding masked out", variant)
                        .containsExactly(TinyCrossEncoder.logits(shorter.ids(), shorter.typeIds(), CLASSES, true));
            }
        }
    }

    @Test
    void runAllReturnsEveryTextsResultInPlaceOnPooledAndSharedSessions() {
        List<TokenizedText> texts = new ArrayList<>();
        for (int i = 0; i < 57; i++) {
            long[] ids = new long[2 + (i * 7) % 23];
            for (int t = 0; t < ids.length; t++) {
                ids[t] = 100 + i * 31L + t;
            }
            texts.add(text(ids));
        }
        for (boolean pooled : new boolean[] {true, false}) {
            OnnxModelRunner.Builder b = runner("bulk-" + pooled, false, Variant.NORMAL).parallelism(3, "test-runner");
            try (OnnxModelRunner r = (pooled ? b.pooledSessions(3) : b.sharedSession()).build()) {
                float[][] results = new float[texts.size()][];
                AtomicLong lastDone = new AtomicLong();
                r.runAll(texts, 4, 40, LOGITS, (rows, logits) -> {
                    for (int k = 0; k < rows.length; k++) {
                        assertThat(results[rows[k]]).isNull();
                        results[rows[k]] = logits[k];
                    }
                }, (done, total) -> {
                    assertThat(total).isEqualTo(texts.size());
                    lastDone.accumulateAndGet(done, Math::max);
                });
                for (int i = 0; i < texts.size(); i++) {
                    TokenizedText t = texts.get(i);
                    assertThat(results[i]).as("pooled %s, text %d", pooled, i)
                            .containsExactly(TinyCrossEncoder.logits(t.ids(), t.typeIds(), CLASSES, false));
                }
                assertThat(lastDone.get()).isEqualTo(texts.size());
                assertThat(r.sessionCount()).isEqualTo(pooled ? 3 : 1);
            }
        }
    }

    @Test
    void runAllThrowsTheFirstFailure() {
        List<TokenizedText> texts = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            texts.add(text(101, 200 + i, 102));
        }
        try (OnnxModelRunner r = runner("failing", false, Variant.NORMAL).parallelism(2, "test-runner").build()) {
            IllegalStateException boom = new IllegalStateException("reader failed");
            assertThatThrownBy(() -> r.runAll(texts, 2, 100, (out, batch) -> {
                throw boom;
            }, (rows, result) -> { }, (done, total) -> { })).isSameAs(boom);
            // the runner still works after a failed call
            assertThat(r.run(List.of(texts.get(0)), LOGITS)).hasNumberOfRows(1);
        }
    }

    @Test
    void closeWaitsForARunningCallAndLaterCallsFail() throws Exception {
        OnnxModelRunner r = runner("closing", false, Variant.NORMAL).build();
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicReference<Object> result = new AtomicReference<>();
        Thread call = new Thread(() -> {
            try {
                result.set(r.run(List.of(text(101, 102)), (out, batch) -> {
                    entered.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                    return LOGITS.read(out, batch); // reads the output of a session close() must not have closed
                }));
            } catch (Throwable e) {
                result.set(e);
            }
        });
        call.start();
        assertThat(entered.await(30, TimeUnit.SECONDS)).isTrue();
        Thread closer = new Thread(r::close);
        closer.start();
        closer.join(500);
        assertThat(closer.isAlive()).as("close() returned while a call was running").isTrue();
        release.countDown();
        call.join(30_000);
        closer.join(30_000);
        assertThat(closer.isAlive()).isFalse();
        assertThat(result.get()).isInstanceOf(float[][].class);
        assertThat(((float[][]) result.get())[0]).containsExactly(
                TinyCrossEncoder.logits(new long[] {101, 102}, new long[2], CLASSES, false));
        assertThatThrownBy(() -> r.run(List.of(text(101, 102)), LOGITS)).isInstanceOf(IllegalStateException.class)
                .hasMessage("runner closing is closed");
        r.close(); // twice is fine
    }

    @Test
    void aTokenizerLargerThanTheEmbeddingTableFailsTheVocabularyProbe() {
        try (OnnxModelRunner r = runner("small-vocab", false, Variant.SMALL_VOCABULARY).build()) {
            assertThatThrownBy(() -> r.probeVocabulary(LOGITS))
                    .isInstanceOf(dev.neuralsearch.encoder.ModelMismatchException.class)
                    .hasMessageContaining("does not match model").hasMessageContaining("30522 tokens");
        }
        try (OnnxModelRunner r = runner("full-vocab", false, Variant.NORMAL).build()) {
            assertThat(r.probeVocabulary(LOGITS)[0]).containsExactly(
                    TinyCrossEncoder.logits(new long[] {30521}, new long[1], CLASSES, false));
        }
    }
}
