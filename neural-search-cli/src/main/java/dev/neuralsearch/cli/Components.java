package dev.neuralsearch.cli;

import dev.neuralsearch.ann.JVectorIndex;
import dev.neuralsearch.core.NeuralSearch;
import dev.neuralsearch.core.Reranker;
import dev.neuralsearch.core.TextEncoder;
import dev.neuralsearch.encoder.BiEncoder;
import dev.neuralsearch.encoder.ModelSpec;
import dev.neuralsearch.encoder.Presets;
import dev.neuralsearch.rerank.CrossEncoderReranker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/** Turns command-line names into encoders, indexes and rerankers. */
final class Components {

    static final String DEFAULT_MODEL = "bge-small-en-v1.5";

    private Components() {
    }

    /** A preset id (case-insensitive) or a model directory. */
    static BiEncoder encoder(String model) {
        Path dir = Path.of(model);
        if (Files.isDirectory(dir)) {
            return BiEncoder.load(dir);
        }
        ModelSpec spec;
        try {
            spec = Presets.byId(model.toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new Nsearch.UserError("unknown model '" + model + "': not a directory, and not one of the presets "
                    + Presets.all().stream().map(ModelSpec::id).toList());
        }
        return BiEncoder.preset(spec);
    }

    static Reranker reranker(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new Nsearch.UserError("reranker directory not found: " + dir);
        }
        return CrossEncoderReranker.load(dir);
    }

    /** An engine over an index home (created if absent); the engine owns and closes everything. */
    static NeuralSearch engine(Path home, String model, Path rerankerDir) {
        TextEncoder encoder = encoder(model);
        Reranker reranker = null;
        try {
            reranker = rerankerDir == null ? null : reranker(rerankerDir);
        } catch (RuntimeException e) {
            encoder.close();
            throw e;
        }
        return NeuralSearch.builder().encoder(encoder).reranker(reranker).index(JVectorIndex.at(home)).build();
    }

    /** The model id recorded in an existing index home, if there is one. */
    static Optional<String> indexedModel(Path home) {
        return JVectorIndex.readSchema(home).map(s -> s.modelId());
    }

    /** Refuses a home that holds no index (for commands that only read). */
    static void requireHome(Path home) {
        if (indexedModel(home).isEmpty()) {
            throw new Nsearch.UserError("no index at " + home + " (create one with: nsearch index --home " + home
                    + " <file.jsonl>)");
        }
    }
}
