package dev.neuralsearch.train;

import ai.djl.engine.Engine;

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

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
