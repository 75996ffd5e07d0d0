package dev.neuralsearch.ann;

/** A stream of synthetic unit vectors for tests and benchmarks. */
public interface VectorSource {
    float[] next();
}
