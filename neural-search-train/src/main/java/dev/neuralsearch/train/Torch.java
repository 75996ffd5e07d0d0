package dev.neuralsearch.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/**
 * The DJL PyTorch engine, started offline: the native libraries come from the {@code pytorch-native-cpu} and
 * {@code pytorch-jni} jars on the class path and are unpacked once under DJL's engine cache directory (system
 * property or environment variable {@code ENGINE_CACHE_DIR}, else {@code DJL_CACHE_DIR}, else
 * {@code ~/.djl.ai}). Nothing is downloaded: {@code ai.djl.offline} is set to {@code true} unless the
 * application has set it, and DJL then fails instead of reaching the network.
 */
public final class Torch {
    private Torch() {
    }

    private static final String ENGINE = "PyTorch";

    static {
        setIfAbsent("ai.djl.offline", "true");
        setIfAbsent("OPT_OUT_TRACKING", "true");
    }

    /** The PyTorch engine (loads the native library on first use). */
    public static Engine engine() {
        return Engine.getEngine(ENGINE);
    }

    /**
     * Seeds PyTorch's random generator, which drives dropout: the same seed and the same inputs give the same
     * dropout masks.
     */
    public static void seed(int seed) {
        engine().setRandomSeed(seed);
    }

    /**
     * The seed of one training step: a function of the run's seed and the step number only, so a run resumed at
     * step n draws the same dropout masks (and samples) as an uninterrupted one.
     */
    public static int stepSeed(long seed, long step) {
        long h = seed * 0x9E3779B97F4A7C15L + step * 0xBF58476D1CE4E5B9L;
        h ^= h >>> 31;
        return (int) (h ^ (h >>> 32)) & 0x7FFFFFFF;
    }

    /**
     * A scalar constant of {@code like}'s data type in {@code like}'s manager, in memory PyTorch owns: use it
     * instead of DJL's {@code NDArray.mul(Number)}, {@code div(Number)}, {@code maximum(Number)} on anything a
     * backward pass goes through.
     *
     * <p>Why: DJL's PyTorch engine makes a number operand into a tensor over a Java direct buffer
     * ({@code torch::from_blob}, no copy) and closes it as soon as the operation returns. Autograd keeps that tensor
     * for the backward pass (the gradient of {@code x * c} is {@code c}), but nothing on the Java side keeps the
     * buffer: once a garbage collection frees it and the memory is reused, backward reads whatever is there. That
     * was the cause of the sporadic NaN losses and skipped steps of the training runs (see docs/train.md,
     * "Non-finite steps"); {@code NativeMemoryLifetimeTest} shows it.
     */
    public static NDArray scalar(NDArray like, float value) {
        return like.getManager().full(new Shape(), value, like.getDataType());
    }

    /**
     * A copy of {@code a} in memory PyTorch owns (closing {@code a}): for arrays made from Java data
     * ({@code NDManager.create(long[] ...)}, which wraps a direct buffer without copying) that autograd may keep
     * after their handle is closed, token ids for the embedding lookup among them.
     */
    public static NDArray owned(NDArray a) {
        NDManager manager = a.getManager();
        NDArray copy = a.duplicate();
        copy.attach(manager);
        a.close();
        return copy;
    }

    /**
     * Sets a parameter's gradient to zero with PyTorch's {@code zero_()} (nothing to do before its first backward
     * pass). Unlike DJL's {@code grad.subi(grad)} this also clears a NaN or an infinity, so one bad step does not
     * poison every later one.
     */
    public static void zeroGradient(NDArray parameter) {
        if (parameter.hasGradient()) {
            JniUtils.zeroGrad((PtNDArray) parameter);
        }
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
