package dev.neuralsearch.cli;

import dev.neuralsearch.ann.JVectorIndex;
import dev.neuralsearch.core.IndexFactory;
import dev.neuralsearch.core.Reranker;
import dev.neuralsearch.core.TextEncoder;
import dev.neuralsearch.encoder.BiEncoder;
import dev.neuralsearch.encoder.ModelSpec;
import dev.neuralsearch.encoder.Presets;
import dev.neuralsearch.rerank.CrossEncoderReranker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** How {@code nsearch eval} turns its arguments into an encoder, an index and a reranker. */
final class EvalModels {
    private EvalModels() {
    }

    /**
     * A preset id ({@code bge-small-en-v1.5}, also {@code BGE_SMALL_EN_V15}-style constant names) or a model
     * folder. {@code noInstruction} drops the query prefix; {@code maxLength} overrides the token limit.
     */
    static ModelSpec spec(String model, boolean noInstruction, Integer maxLength) {
        ModelSpec spec;
        Path dir = Path.of(model);
        if (Files.isDirectory(dir)) {
            spec = ModelSpec.fromDirectory(dir);
        } else {
            spec = Presets.byId(presetId(model));
        }
        if (noInstruction) {
            spec = spec.withoutQueryPrefix();
        }
        if (maxLength != null) {
            spec = spec.withMaxTokens(maxLength);
        }
        return spec;
    }

    /** Accepts the constant names too: BGE_SMALL_EN_V15_Q → bge-small-en-v1.5-q. */
    static String presetId(String model) {
        for (ModelSpec s : Presets.all()) {
            if (s.id().equalsIgnoreCase(model) || constantName(s.id()).equalsIgnoreCase(model)) {
                return s.id();
            }
        }
        return model; // Presets.byId names the known ones in its error
    }

    private static String constantName(String id) {
        return id.toUpperCase(Locale.ROOT).replace("V1.5", "V15").replace('-', '_').replace('.', '_');
    }

    static TextEncoder openEncoder(String model, boolean noInstruction, Integer maxLength) {
        return BiEncoder.load(spec(model, noInstruction, maxLength));
    }

    /**
     * The name the embedding cache files carry: the model (not the query options, which do not change the
     * corpus vectors) and the max length when overridden.
     */
    static String cacheName(String model, Integer maxLength) {
        return model + (maxLength == null ? "" : "-max" + maxLength);
    }

    static Reranker openReranker(Path dir) {
        return CrossEncoderReranker.load(dir);
    }

    static JVectorIndex.Factory annFactory(Path home) {
        return JVectorIndex.at(home);
    }
}
