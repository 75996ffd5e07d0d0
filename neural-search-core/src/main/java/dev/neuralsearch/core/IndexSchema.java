package dev.neuralsearch.core;

import java.util.Objects;

/**
 * What every vector in an index shares: the model that made it, its dimension and how vectors compare.
 * An index records its schema when it is created and refuses to open under another one.
 */
public record IndexSchema(String modelId, int dimension, Similarity similarity) {
    public IndexSchema {
        if (modelId == null || modelId.isBlank()) {
            throw new IllegalArgumentException("model id is empty");
        }
        if (dimension <= 0) {
            throw new IllegalArgumentException("dimension must be positive, was " + dimension);
        }
        Objects.requireNonNull(similarity, "similarity");
    }

    /**
     * Checks that {@code vector} fits this schema, the same way in every {@link VectorIndex} (the contract suite
     * holds them to it): not null, this dimension, finite components, and not all zeros under cosine.
     *
     * @param what names the vector in the message, e.g. "vector of document 'x'" or "query vector"
     * @return {@code vector} itself
     * @throws IllegalArgumentException saying what is wrong
     */
    public float[] checkVector(float[] vector, String what) {
        if (vector == null) {
            throw new IllegalArgumentException(what + " is null");
        }
        if (vector.length != dimension) {
            throw new IllegalArgumentException(what + " has dimension " + vector.length + "; the index expects "
                    + dimension + " (model " + modelId + ")");
        }
        double norm = 0;
        for (int j = 0; j < vector.length; j++) {
            if (!Float.isFinite(vector[j])) {
                throw new IllegalArgumentException(what + " has a non-finite component (" + vector[j] + ") at index "
                        + j);
            }
            norm += (double) vector[j] * vector[j];
        }
        if (norm == 0 && similarity == Similarity.COSINE) {
            throw new IllegalArgumentException(what + " is all zeros: cosine similarity is undefined for it");
        }
        return vector;
    }
}
