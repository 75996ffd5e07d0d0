package dev.neuralsearch.encoder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Everything needed to turn text into the vectors a model was trained to give.
 *
 * @param id            stable, specific name recorded in index manifests (e.g. {@code bge-small-en-v1.5-q});
 *                      the {@code with...} methods that change the vectors change it too
 * @param model         the ONNX file
 * @param tokenizer     its {@code tokenizer.json}
 * @param pooling       how token vectors are pooled
 * @param normalize     whether vectors are scaled to unit length (then dot product = cosine)
 * @param maxTokens     tokens per text, special tokens included; longer texts are truncated
 * @param queryPrefix   prepended to queries ("" for none)
 * @param passagePrefix prepended to passages ("" for none)
 * @param dimension     vector size; 0 = take it from the model when loading
 * @param language      the language the model was trained for, as a BCP 47 tag ({@code "en"}, {@code "zh"}), or
 *                      {@code null} when unknown (multilingual or unlabelled models); a hint for the lexical
 *                      route's analyzer, not part of the vectors (it does not change {@link #id()})
 */
public record ModelSpec(String id, ModelSource model, ModelSource tokenizer, Pooling pooling, boolean normalize,
                        int maxTokens, String queryPrefix, String passagePrefix, int dimension, String language) {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Used when a directory says nothing about the maximum length. */
    public static final int DEFAULT_MAX_TOKENS = 512;

    public ModelSpec {
        Objects.requireNonNull(id, "id");
        if (id.isBlank()) {
            throw new IllegalArgumentException("id must not be blank");
        }
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(tokenizer, "tokenizer");
        Objects.requireNonNull(pooling, "pooling");
        queryPrefix = Objects.requireNonNullElse(queryPrefix, "");
        passagePrefix = Objects.requireNonNullElse(passagePrefix, "");
        if (maxTokens < 2) {
            throw new IllegalArgumentException("maxTokens must be >= 2, got " + maxTokens);
        }
        if (dimension < 0) {
            throw new IllegalArgumentException("dimension must be >= 0, got " + dimension);
        }
        if (language != null && language.isBlank()) {
            throw new IllegalArgumentException("language must be null (unknown) or a tag such as \"en\"");
        }
    }

    /** A spec whose language is unknown. */
    public ModelSpec(String id, ModelSource model, ModelSource tokenizer, Pooling pooling, boolean normalize,
                     int maxTokens, String queryPrefix, String passagePrefix, int dimension) {
        this(id, model, tokenizer, pooling, normalize, maxTokens, queryPrefix, passagePrefix, dimension, null);
    }

    /** The same spec with this language ({@code null}: unknown); the id stays (the vectors do not change). */
    public ModelSpec withLanguage(String lang) {
        return new ModelSpec(id, model, tokenizer, pooling, normalize, maxTokens, queryPrefix, passagePrefix,
                dimension, lang);
    }

    /** A shorter (or longer) maximum length; the id gets a {@code -max<N>} suffix. */
    public ModelSpec withMaxTokens(int max) {
        if (max == maxTokens) {
            return this;
        }
        return new ModelSpec(id + "-max" + max, model, tokenizer, pooling, normalize, max, queryPrefix, passagePrefix, dimension, language);
    }

    /** Queries without the instruction prefix; the id gets a {@code -noinstr} suffix. */
    public ModelSpec withoutQueryPrefix() {
        if (queryPrefix.isEmpty()) {
            return this;
        }
        return new ModelSpec(id + "-noinstr", model, tokenizer, pooling, normalize, maxTokens, "", passagePrefix, dimension, language);
    }

    /** Other prefixes under another id. */
    public ModelSpec withPrefixes(String newId, String query, String passage) {
        return new ModelSpec(newId, model, tokenizer, pooling, normalize, maxTokens, query, passage, dimension, language);
    }

    /** The same settings under another id. */
    public ModelSpec withId(String newId) {
        return new ModelSpec(newId, model, tokenizer, pooling, normalize, maxTokens, queryPrefix, passagePrefix, dimension, language);
    }

    /** The prefix for a role. */
    public String prefix(TextRole role) {
        return role == TextRole.QUERY ? queryPrefix : passagePrefix;
    }

    /**
     * Describes an exported model directory: {@code model.onnx} (or {@code onnx/model.onnx}, or the only
     * {@code *.onnx}) and {@code tokenizer.json}. When present, sentence-transformers files decide the rest:
     * {@code modules.json} (a {@code Pooling} module's folder, e.g. {@code 1_Pooling/config.json}, gives the
     * pooling mode; a {@code Normalize} module turns normalization on), {@code sentence_bert_config.json}
     * ({@code max_seq_length}), {@code config_sentence_transformers.json} ({@code prompts} "query" and
     * "passage"/"document", and our own key {@code language}, e.g. {@code "en"}, which the trainer writes). Defaults otherwise: mean pooling, normalized, max length from
     * {@code tokenizer_config.json} {@code model_max_length} or {@code config.json}
     * {@code max_position_embeddings}, else {@value #DEFAULT_MAX_TOKENS}; no prefixes. The id is the
     * directory name.
     */
    public static ModelSpec fromDirectory(Path dir) {
        Objects.requireNonNull(dir, "dir");
        Path d = dir.toAbsolutePath().normalize();
        if (!Files.isDirectory(d)) {
            throw new ModelNotFoundException("model directory not found: " + d);
        }
        Path model = findModel(d);
        Path tokenizer = d.resolve("tokenizer.json");
        if (!Files.isRegularFile(tokenizer)) {
            throw new ModelNotFoundException("tokenizer.json not found in model directory " + d);
        }
        JsonNode modules = readJson(d.resolve("modules.json"));
        Pooling pooling = Pooling.MEAN;
        boolean normalize = true;
        int dimension = 0;
        Path poolingConfig = d.resolve("1_Pooling").resolve("config.json");
        if (modules != null && modules.isArray()) {
            normalize = false;
            for (JsonNode m : modules) {
                String type = m.path("type").asText("");
                if (type.endsWith(".Pooling")) {
                    poolingConfig = d.resolve(m.path("path").asText("1_Pooling")).resolve("config.json");
                } else if (type.endsWith(".Normalize")) {
                    normalize = true;
                }
            }
        }
        JsonNode pc = readJson(poolingConfig);
        if (pc != null) {
            pooling = poolingFrom(pc, poolingConfig);
            dimension = pc.path("word_embedding_dimension").asInt(0);
        }
        int maxTokens = maxTokens(d);
        String query = "";
        String passage = "";
        String language = null;
        JsonNode st = readJson(d.resolve("config_sentence_transformers.json"));
        if (st != null) {
            JsonNode prompts = st.path("prompts");
            query = prompts.path("query").asText("");
            passage = prompts.has("passage") ? prompts.path("passage").asText("") : prompts.path("document").asText("");
            String lang = st.path("language").asText("").strip();
            language = lang.isEmpty() ? null : lang;
        }
        return new ModelSpec(d.getFileName().toString(), ModelSource.file(model), ModelSource.file(tokenizer), pooling,
                normalize, maxTokens, query, passage, dimension, language);
    }

    private static Path findModel(Path d) {
        for (Path p : List.of(d.resolve("model.onnx"), d.resolve("onnx").resolve("model.onnx"))) {
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        List<Path> found = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(d, "*.onnx")) {
            s.forEach(found::add);
        } catch (IOException e) {
            throw new ModelNotFoundException("cannot list model directory " + d + ": " + e.getMessage(), e);
        }
        if (found.size() == 1) {
            return found.get(0);
        }
        throw new ModelNotFoundException(found.isEmpty()
                ? "model.onnx not found in model directory " + d
                : "model directory " + d + " holds several .onnx files and no model.onnx: " + found);
    }

    private static Pooling poolingFrom(JsonNode pc, Path file) {
        if (pc.path("pooling_mode_cls_token").asBoolean(false)) {
            return Pooling.CLS;
        }
        if (pc.path("pooling_mode_mean_tokens").asBoolean(false)) {
            return Pooling.MEAN;
        }
        String mode = pc.path("pooling_mode").asText("");
        if (mode.equals("cls")) {
            return Pooling.CLS;
        }
        if (mode.equals("mean")) {
            return Pooling.MEAN;
        }
        throw new IllegalArgumentException("unsupported pooling in " + file + " (only CLS and mean pooling are): " + pc);
    }

    private static int maxTokens(Path d) {
        JsonNode sb = readJson(d.resolve("sentence_bert_config.json"));
        if (sb != null && sb.path("max_seq_length").asInt(0) >= 2) {
            return sb.path("max_seq_length").asInt();
        }
        JsonNode tc = readJson(d.resolve("tokenizer_config.json"));
        if (tc != null) {
            long m = tc.path("model_max_length").asLong(0);
            if (m >= 2 && m <= 1_000_000) { // transformers writes 1e30 for "no limit"
                return (int) m;
            }
        }
        JsonNode config = readJson(d.resolve("config.json"));
        if (config != null && config.path("max_position_embeddings").asInt(0) >= 2) {
            return config.path("max_position_embeddings").asInt();
        }
        return DEFAULT_MAX_TOKENS;
    }

    private static JsonNode readJson(Path p) {
        if (!Files.isRegularFile(p)) {
            return null;
        }
        try {
            return JSON.readTree(p.toFile());
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot parse " + p + ": " + e.getMessage(), e);
        }
    }
}
