package dev.neuralsearch.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.neuralsearch.ann.JVectorIndex;
import dev.neuralsearch.core.IndexSchema;
import dev.neuralsearch.core.Similarity;
import java.io.IOException;
import dev.neuralsearch.core.NeuralSearch;
import dev.neuralsearch.core.Reranker;
import dev.neuralsearch.core.TextEncoder;
import dev.neuralsearch.encoder.BiEncoder;
import dev.neuralsearch.rerank.CrossEncoderReranker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Turns command-line names into encoders, indexes and rerankers. */
final class Components {

    static final String DEFAULT_MODEL = "bge-small-en-v1.5";
    private static final ObjectMapper JSON = new ObjectMapper();

    private Components() {
    }

    /** A preset id (case-insensitive; the Presets constant names work too) or a model directory. */
    static BiEncoder encoder(String model) {
        return BiEncoder.load(EvalModels.spec(model, false, null));
    }

    /** A cross-encoder directory; {@code maxLength} (tokens per pair) null for the default. */
    static Reranker reranker(Path dir, Integer maxLength) {
        if (!Files.isDirectory(dir)) {
            throw new Nsearch.UserError("reranker directory not found: " + dir);
        }
        CrossEncoderReranker.Builder b = CrossEncoderReranker.builder(dir);
        if (maxLength != null) {
            b.maxLength(maxLength);
        }
        return b.build();
    }

    /**
     * A read-only engine over an existing home ({@link JVectorIndex#openReadOnly}): takes no lock, so it runs beside
     * a writer (e.g. {@code nsearch index} or a host application) and sees the latest commit.
     */
    static NeuralSearch readOnlyEngine(Path home, String model, Path rerankerDir, Integer rerankerMaxLength) {
        return engine(model, rerankerDir, rerankerMaxLength, JVectorIndex.at(home).readOnly());
    }

    /**
     * A writing engine over an index home (created if absent; it takes the home's write lock); {@code analyzer} is the
     * lexical analyzer of a new home (null: the recorded one, else standard). The engine owns and closes everything.
     */
    static NeuralSearch engine(Path home, String model, Path rerankerDir, Integer rerankerMaxLength,
                               dev.neuralsearch.ann.LexicalAnalyzer analyzer) {
        return engine(model, rerankerDir, rerankerMaxLength, JVectorIndex.at(home).lexicalAnalyzer(analyzer));
    }

    private static NeuralSearch engine(String model, Path rerankerDir, Integer rerankerMaxLength,
                                       JVectorIndex.Factory index) {
        TextEncoder encoder = encoder(model);
        Reranker reranker = null;
        try {
            reranker = rerankerDir == null ? null : reranker(rerankerDir, rerankerMaxLength);
        } catch (RuntimeException e) {
            encoder.close();
            throw e;
        }
        return NeuralSearch.builder().encoder(encoder).reranker(reranker).index(index).build();
    }

    /** The model id recorded in an existing index home, if it can be read. */
    static Optional<String> indexedModel(Path home) {
        return indexedSchema(home).map(IndexSchema::modelId);
    }

    /**
     * The schema an index home was created with, read from its {@code manifest.json}
     * ({@code {"crc32": ..., "manifest": {"modelId", "dimension", "similarity", ...}}}, as docs/index.md describes).
     * The ann module has no public reader for it yet; when the file cannot be read this way the commands ask for
     * {@code --model}.
     */
    static Optional<IndexSchema> indexedSchema(Path home) {
        Path manifest = home.resolve("manifest.json");
        if (!Files.isRegularFile(manifest)) {
            return Optional.empty();
        }
        try {
            JsonNode m = JSON.readTree(manifest.toFile()).path("manifest");
            String model = m.path("modelId").asText(null);
            int dimension = m.path("dimension").asInt(0);
            String similarity = m.path("similarity").asText(null);
            if (model == null || dimension <= 0 || similarity == null) {
                return Optional.empty();
            }
            return Optional.of(new IndexSchema(model, dimension, Similarity.valueOf(similarity)));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The lexical analyzer recorded in an index home's manifest ({@code manifest.lexical.analyzer}), if readable. */
    static Optional<String> indexedAnalyzer(Path home) {
        Path manifest = home.resolve("manifest.json");
        if (!Files.isRegularFile(manifest)) {
            return Optional.empty();
        }
        try {
            return Optional.ofNullable(JSON.readTree(manifest.toFile()).path("manifest").path("lexical")
                    .path("analyzer").asText(null));
        } catch (IOException e) {
            return Optional.empty(); // opening the home reports what is wrong with it
        }
    }

    /** Refuses a folder that holds no index (so that reading commands do not create one). */
    static void requireIndex(Path home) {
        if (!Files.isRegularFile(home.resolve("manifest.json"))) {
            throw new Nsearch.UserError("no index at " + home + " (create one with: nsearch index --home " + home
                    + " <file.jsonl>)");
        }
    }

    /** The schema of an existing index home; a clear error when there is none. */
    static IndexSchema requireHome(Path home) {
        requireIndex(home);
        return indexedSchema(home).orElseThrow(() -> new Nsearch.UserError("cannot read the model of the index at "
                + home + "; name it with --model"));
    }
}
