package dev.neuralsearch.core;

/** How two vectors are compared. Scores are always "higher is more similar". */
public enum Similarity {
    /** Cosine of the angle; for unit vectors the same order as {@link #DOT_PRODUCT}. */
    COSINE,
    /** Inner product; the natural choice for L2-normalised encoder outputs. */
    DOT_PRODUCT,
    /** Euclidean distance, reported as a similarity (1 / (1 + squared distance), as JVector does). */
    EUCLIDEAN;

    /**
     * The exact score of two vectors of the same dimension on the scale every index reports (sums in double): the
     * dot product, the cosine (0 when either vector is all zeros), or {@code 1 / (1 + squared distance)}.
     */
    public float score(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("dimensions differ: " + a.length + " and " + b.length);
        }
        return switch (this) {
            case DOT_PRODUCT -> (float) dot(a, b);
            case COSINE -> {
                double denominator = Math.sqrt(dot(a, a) * dot(b, b));
                yield denominator == 0 ? 0f : (float) (dot(a, b) / denominator);
            }
            case EUCLIDEAN -> {
                double d2 = 0;
                for (int i = 0; i < a.length; i++) {
                    double diff = (double) a[i] - b[i];
                    d2 += diff * diff;
                }
                yield (float) (1.0 / (1.0 + d2));
            }
        };
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * b[i];
        }
        return s;
    }
}
