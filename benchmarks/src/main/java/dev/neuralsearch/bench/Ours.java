package dev.neuralsearch.bench;

import dev.neuralsearch.core.TextEncoder;
import dev.neuralsearch.encoder.BiEncoder;
import dev.neuralsearch.encoder.EncoderOptions;
import dev.neuralsearch.encoder.ModelSpec;
import dev.neuralsearch.encoder.Presets;

/** Our side of each comparison, built only from the library's public API. */
public final class Ours {
    private Ours() {
    }

    /**
     * Our bi-encoder for {@code model}: the preset that reads the same ONNX file and tokenizer as the peer, with its
     * max length set to the peer's ({@code withMaxTokens}: 128 for all-MiniLM-L6-v2, whose preset default is 256),
     * and default {@link EncoderOptions} (sessions = cores, length-sorted token-budget batches, deterministic).
     * {@code -Dbench.deterministic=false} lets the int8 models batch too (see {@link EncoderOptions}).
     */
    public static TextEncoder encoder(EncoderModel model) {
        return encoder(model, model.maxTokens);
    }

    /** As {@link #encoder(EncoderModel)} with another max length. */
    public static TextEncoder encoder(EncoderModel model, int maxTokens) {
        ModelSpec spec = Presets.byId(model.id.toLowerCase(java.util.Locale.ROOT)).withMaxTokens(maxTokens);
        EncoderOptions options = EncoderOptions.defaults();
        if (!Boolean.parseBoolean(System.getProperty("bench.deterministic", "true"))) {
            options = options.withDeterministic(false);
        }
        return BiEncoder.load(spec, options);
    }

    /** Our vector index ({@code JVectorIndex}) driven like the peer. */
    public static SearchSide vectorSide() {
        return new JVectorSide();
    }
}
