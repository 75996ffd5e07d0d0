package dev.neuralsearch.encoder;

import dev.neuralsearch.onnx.SessionConfig;
import java.util.Objects;

/**
 * How a {@link BiEncoder} runs.
 *
 * @param sessions       parallel ONNX sessions (and worker threads) for bulk encoding; each holds its own
 *                       copy of the weights. Default: the number of cores.
 * @param maxBatchSize   most texts in one model run (default 16)
 * @param maxBatchTokens most padded tokens (texts x longest) in one model run (default 512). On CPU a
 *                       long text runs as fast or faster alone than in a batch (attention memory grows with
 *                       texts x length², and big batches fall out of cache), while short texts gain from
 *                       batching: 512 batches 16 queries but only one or two abstracts (2026-12-04: 6-8 %
 *                       more documents/s than 1024, queries unchanged). Measured in docs/encoders.md.
 * @param deterministic  when true (default), every text's vector is the one it gets when encoded alone,
 *                       whatever else is in the call. Float models are batch-invariant anyway (batched vs
 *                       alone: cosine &gt;= 0.99999), so they are batched as usual. For models whose outputs
 *                       depend on their batch companions — int8 models with dynamic activation quantization,
 *                       whose scale spans the whole padded batch (cosine 0.990-0.996 otherwise) — it means
 *                       one text per run. This is detected when the model loads. {@code false} batches
 *                       them too: a text's vector then varies slightly with its companions (and on CPU
 *                       it was measured no faster).
 * @param session        per-session ONNX Runtime settings (intra-op threads 1 by default: measured fastest
 *                       with one session per core)
 */
public record EncoderOptions(int sessions, int maxBatchSize, int maxBatchTokens, boolean deterministic,
                             SessionConfig session) {

    public EncoderOptions {
        if (sessions < 1) {
            throw new IllegalArgumentException("sessions must be >= 1, got " + sessions);
        }
        if (maxBatchSize < 1) {
            throw new IllegalArgumentException("maxBatchSize must be >= 1, got " + maxBatchSize);
        }
        if (maxBatchTokens < 2) {
            throw new IllegalArgumentException("maxBatchTokens must be >= 2, got " + maxBatchTokens);
        }
        Objects.requireNonNull(session, "session");
    }

    /** Sessions = cores, 16 texts / 512 tokens per batch, deterministic, CPU with one thread per session. */
    public static EncoderOptions defaults() {
        return new EncoderOptions(Runtime.getRuntime().availableProcessors(), 16, 512, true, SessionConfig.DEFAULT);
    }

    public EncoderOptions withSessions(int n) {
        return new EncoderOptions(n, maxBatchSize, maxBatchTokens, deterministic, session);
    }

    public EncoderOptions withBatching(int texts, int tokens) {
        return new EncoderOptions(sessions, texts, tokens, deterministic, session);
    }

    public EncoderOptions withDeterministic(boolean d) {
        return new EncoderOptions(sessions, maxBatchSize, maxBatchTokens, d, session);
    }

    public EncoderOptions withSession(SessionConfig config) {
        return new EncoderOptions(sessions, maxBatchSize, maxBatchTokens, deterministic, config);
    }
}
