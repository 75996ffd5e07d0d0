package dev.neuralsearch.cassandra;

import dev.neuralsearch.core.Similarity;

/** How the schema's similarity is named to SAI (exact scores: {@link Similarity#score}, as every index). */
final class Scoring {
    private Scoring() {
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
