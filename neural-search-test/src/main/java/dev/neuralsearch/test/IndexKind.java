package dev.neuralsearch.test;

/** Which index a fixture gives a test. */
public enum IndexKind {
    /** {@link dev.neuralsearch.core.InMemoryVectorIndex}: exact, nothing on disk, the fastest to make. */
    IN_MEMORY,
    /** {@link dev.neuralsearch.ann.JVectorIndex} in a fresh temporary directory, deleted after the test. */
    ON_DISK
}
