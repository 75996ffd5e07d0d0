package dev.neuralsearch.bench;

import dev.neuralsearch.core.TextEncoder;

/**
 * Our side of each comparison, built only from the library's public API.
 *
 * <p>The bi-encoder comes from branch {@code core-encoder}; until it is merged here this throws, and the peer's
 * benchmarks still run.
 */
public final class Ours {
    private Ours() {
    }

    /** Our bi-encoder for {@code model}, reading the same ONNX file and tokenizer as the peer. */
    public static TextEncoder encoder(EncoderModel model) {
        throw new UnsupportedOperationException("dev.neuralsearch.encoder.BiEncoder is not merged into this branch yet");
    }

    /** Our vector index ({@code JVectorIndex}) driven like the peer. */
    public static SearchSide vectorSide() {
        throw new UnsupportedOperationException("dev.neuralsearch.ann.JVectorIndex is not merged into this branch yet");
    }
}
