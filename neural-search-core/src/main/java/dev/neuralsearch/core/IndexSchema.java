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
}
