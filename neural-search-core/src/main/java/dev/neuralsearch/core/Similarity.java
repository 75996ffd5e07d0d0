package dev.neuralsearch.core;

/** How two vectors are compared. Scores are always "higher is more similar". */
public enum Similarity {
    /** Cosine of the angle; for unit vectors the same order as {@link #DOT_PRODUCT}. */
    COSINE,
    /** Inner product; the natural choice for L2-normalised encoder outputs. */
    DOT_PRODUCT,
    /** Euclidean distance, reported as a similarity (1 / (1 + squared distance), as JVector does). */
    EUCLIDEAN
}
