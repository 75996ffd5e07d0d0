package dev.neuralsearch.encoder;

import java.util.Objects;

/**
 * One encoded text.
 *
 * @param vector     the embedding (unit length when the model spec normalizes)
 * @param tokenCount tokens the model saw, special tokens and prefix included
 * @param truncated  whether the text was cut at the model's maximum length
 */
public record EncodedText(float[] vector, int tokenCount, boolean truncated) {
    public EncodedText {
        Objects.requireNonNull(vector, "vector");
    }
}
