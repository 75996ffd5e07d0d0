package dev.neuralsearch.cassandra;

import dev.neuralsearch.core.Similarity;

/**
 * Exact scores on the scale {@code JVectorIndex} reports, so the two indexes rank and score alike: the dot product,
 * the cosine, or {@code 1 / (1 + squared distance)} for Euclidean.
 */
final class Scoring {
    private Scoring() {
    }

    static float score(Similarity similarity, float[] a, float[] b) {
        return switch (similarity) {
            case DOT_PRODUCT -> (float) dot(a, b);
            case COSINE -> {
                double d = Math.sqrt(dot(a, a) * dot(b, b));
                yield d == 0 ? 0f : (float) (dot(a, b) / d);
            }
            case EUCLIDEAN -> {
                double s = 0;
                for (int i = 0; i < a.length; i++) {
                    double x = a[i] - b[i];
                    s += x * x;
                }
                yield (float) (1 / (1 + s));
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

    /** The name SAI's vector index takes in {@code WITH OPTIONS = {'similarity_function': ...}}. */
    static String saiFunction(Similarity similarity) {
        return switch (similarity) {
            case DOT_PRODUCT -> "dot_product";
            case COSINE -> "cosine";
            case EUCLIDEAN -> "euclidean";
        };
    }
}
