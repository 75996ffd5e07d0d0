package dev.neuralsearch.rerank;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;

/**
 * What a Hugging Face export directory says about a sequence-classification model besides the weights:
 * where {@code model.onnx} is, the padding token of {@code tokenizer.json}, and the longest input the model
 * accepts ({@code config.json}, {@code tokenizer_config.json}; both optional).
 */
final class ModelDirectory {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Models whose position ids start after the padding index, so two positions are unusable. */
    private static final Set<String> OFFSET_POSITIONS = Set.of("roberta", "xlm-roberta", "camembert", "longformer");
    private static final List<String> PAD_TOKENS = List.of("[PAD]", "<pad>");

    private ModelDirectory() {
    }

    /** {@code model.onnx} at the top of the directory, or in {@code onnx/} as some exports lay it out. */
    static Path modelFile(Path dir) {
        for (Path candidate : List.of(dir.resolve("model.onnx"), dir.resolve("onnx").resolve("model.onnx"))) {
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new IllegalArgumentException("no model.onnx in " + dir.toAbsolutePath()
                + "; export the model first, e.g. optimum-cli export onnx --model <hub-id> --task text-classification <dir>");
    }

    /** A model file the user named, relative to the directory. */
    static Path modelFile(Path dir, String relative) {
        Path p = dir.resolve(relative).normalize();
        if (!Files.isRegularFile(p)) {
            throw new IllegalArgumentException("model file " + relative + " not found in " + dir.toAbsolutePath());
        }
        return p;
    }

    static Path tokenizerFile(Path dir) {
        Path p = dir.resolve("tokenizer.json");
        if (!Files.isRegularFile(p)) {
            throw new IllegalArgumentException("no tokenizer.json in " + dir.toAbsolutePath()
                    + "; a Hugging Face export writes it beside model.onnx (fast tokenizers only)");
        }
        return p;
    }

    /**
     * The id to pad batches with: {@code padding.pad_id} when the file configures padding, else the id of an
     * added {@code [PAD]} or {@code <pad>} token, else 0. Padded positions are masked out either way, but
     * RoBERTa-style models derive position ids from {@code input_ids != pad}, so the right id matters.
     */
    static long padTokenId(Path tokenizerJson) {
        JsonNode padding = null;
        JsonNode addedTokens = null;
        // Streams over the file and skips the vocabulary (megabytes for multilingual models).
        try (JsonParser p = JSON.getFactory().createParser(tokenizerJson.toFile())) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return 0;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                p.nextToken();
                switch (field) {
                    case "padding" -> padding = p.readValueAsTree();
                    case "added_tokens" -> addedTokens = p.readValueAsTree();
                    default -> p.skipChildren();
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException(tokenizerJson.toAbsolutePath() + " is not valid JSON: " + e.getMessage(), e);
        }
        if (padding != null && padding.path("pad_id").isIntegralNumber()) {
            return padding.path("pad_id").asLong();
        }
        if (addedTokens != null) {
            for (JsonNode token : addedTokens) {
                if (PAD_TOKENS.contains(token.path("content").asText()) && token.path("id").isIntegralNumber()) {
                    return token.path("id").asLong();
                }
            }
        }
        return 0;
    }

    /** The longest input (special tokens included) the files beside the model allow, if they say. */
    static OptionalInt modelMaxLength(Path dir) {
        int limit = Integer.MAX_VALUE;
        JsonNode config = readJson(dir.resolve("config.json"));
        if (config != null && config.path("max_position_embeddings").isIntegralNumber()) {
            int positions = config.path("max_position_embeddings").asInt();
            boolean offset = OFFSET_POSITIONS.contains(config.path("model_type").asText(""));
            limit = Math.min(limit, offset ? positions - 2 : positions);
        }
        JsonNode tokenizerConfig = readJson(dir.resolve("tokenizer_config.json"));
        if (tokenizerConfig != null && tokenizerConfig.path("model_max_length").isIntegralNumber()) {
            long max = tokenizerConfig.path("model_max_length").asLong();
            if (max > 0 && max < 1_000_000) { // transformers writes 1e30 for "unknown"
                limit = (int) Math.min(limit, max);
            }
        }
        return limit == Integer.MAX_VALUE || limit < 2 ? OptionalInt.empty() : OptionalInt.of(limit);
    }

    private static JsonNode readJson(Path file) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new IllegalArgumentException(file.toAbsolutePath() + " is not valid JSON: " + e.getMessage(), e);
        }
    }
}
