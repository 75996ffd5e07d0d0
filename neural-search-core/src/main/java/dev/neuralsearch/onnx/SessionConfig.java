package dev.neuralsearch.onnx;

import java.util.Objects;

/**
 * How an ONNX Runtime session is created.
 *
 * @param intraOpThreads threads one inference may use (1 = run on the calling thread only). Parallelism
 *                       across texts comes from several sessions; on a small machine one thread per
 *                       session and one session per core was measured to be fastest.
 * @param optimization   graph optimization level
 * @param provider       CPU (default) or CUDA
 * @param deviceId       the CUDA device, when {@code provider == CUDA}
 */
public record SessionConfig(int intraOpThreads, Optimization optimization, ExecutionProvider provider, int deviceId) {

    /** Graph optimization levels (mirrors ONNX Runtime's {@code OptLevel}). */
    public enum Optimization { NONE, BASIC, EXTENDED, ALL }

    /** CPU, one intra-op thread, all optimizations. */
    public static final SessionConfig DEFAULT = new SessionConfig(1, Optimization.ALL, ExecutionProvider.CPU, 0);

    public SessionConfig {
        if (intraOpThreads < 1) {
            throw new IllegalArgumentException("intraOpThreads must be >= 1, got " + intraOpThreads);
        }
        Objects.requireNonNull(optimization, "optimization");
        Objects.requireNonNull(provider, "provider");
        if (deviceId < 0) {
            throw new IllegalArgumentException("deviceId must be >= 0, got " + deviceId);
        }
    }

    public SessionConfig withIntraOpThreads(int threads) {
        return new SessionConfig(threads, optimization, provider, deviceId);
    }

    public SessionConfig withOptimization(Optimization level) {
        return new SessionConfig(intraOpThreads, level, provider, deviceId);
    }

    public SessionConfig withProvider(ExecutionProvider p) {
        return new SessionConfig(intraOpThreads, optimization, p, deviceId);
    }

    /** CUDA on the given device. */
    public SessionConfig withCuda(int device) {
        return new SessionConfig(intraOpThreads, optimization, ExecutionProvider.CUDA, device);
    }
}
