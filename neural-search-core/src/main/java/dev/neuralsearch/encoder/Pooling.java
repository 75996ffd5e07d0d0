package dev.neuralsearch.encoder;

/** How token vectors become one text vector. */
public enum Pooling {
    /** The first token's ({@code [CLS]}) hidden state, as BGE models are trained. */
    CLS,
    /** The mean of all token hidden states under the attention mask, as sentence-transformers and E5 do. */
    MEAN
}
