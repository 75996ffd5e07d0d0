package dev.neuralsearch.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.neuralsearch.encoder.ModelSpec;
import dev.neuralsearch.encoder.Pooling;
import dev.neuralsearch.train.bert.BertConfig;
import dev.neuralsearch.train.bert.BertWeights;
import dev.neuralsearch.train.onnx.OnnxModelFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Objects;

/**
 * Writes a trained encoder as a model directory that {@link ModelSpec#fromDirectory(Path)} (and so
 * {@code BiEncoder.load(dir)}, {@code --model dir} on the command line) reads back with the source spec's
 * settings:
 * <ul>
 *   <li>{@code model.onnx}: the source graph with the trained weights in its initializers;</li>
 *   <li>{@code tokenizer.json}: the source tokenizer, byte for byte;</li>
 *   <li>{@code modules.json}: Transformer, Pooling ({@code 1_Pooling}) and, when the spec normalizes, Normalize;</li>
 *   <li>{@code 1_Pooling/config.json}: the pooling mode and the dimension;</li>
 *   <li>{@code sentence_bert_config.json}: {@code max_seq_length} = the spec's max tokens;</li>
 *   <li>{@code config_sentence_transformers.json}: {@code prompts} "query" and "passage" = the spec's prefixes,
 *       and {@code language} = the spec's language when known (our key; sentence-transformers ignores it);</li>
 *   <li>{@code config.json}: the BERT configuration (heads, sizes, LayerNorm epsilon), so the directory can be
 *       trained again.</li>
 * </ul>
 * These are the sentence-transformers file names and keys, so the directory also loads there. The spec read
 * back has the directory's name as its id. A directory that does not exist yet appears complete or not at all
 * (written beside it, then renamed); in an existing directory each file is replaced atomically.
 */
public final class ModelDirectoryWriter {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ModelDirectoryWriter() {
    }

    /** Writes {@code weights} into {@code source}'s graph and the spec's files into {@code dir}; returns {@code dir}. */
    public static Path write(OnnxModelFile source, BertWeights weights, BertConfig config, ModelSpec spec, Path dir) {
        return write(source, weights.toInitializers(), config, spec, dir);
    }

    /**
     * As {@link #write(OnnxModelFile, BertWeights, BertConfig, ModelSpec, Path)}, with the new data given per
     * initializer name (initializers not named keep their data).
     */
    public static Path write(OnnxModelFile source, Map<String, float[]> initializers, BertConfig config,
                             ModelSpec spec, Path dir) {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(initializers, "initializers");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(spec, "spec");
        Path target = dir.toAbsolutePath().normalize();
        byte[] tokenizer = spec.tokenizer().readAllBytes();
        try {
            if (Files.isDirectory(target)) {
                writeFiles(source, initializers, config, spec, tokenizer, target);
                return target;
            }
            Files.createDirectories(target.getParent());
            Path tmp = Files.createTempDirectory(target.getParent(), "." + target.getFileName() + ".");
            try {
                writeFiles(source, initializers, config, spec, tokenizer, tmp);
                try {
                    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, target);
                }
                tmp = null;
            } finally {
                if (tmp != null) {
                    TrainFiles.deleteTree(tmp);
                }
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write model directory " + target + ": " + e.getMessage(), e);
        }
    }

    private static void writeFiles(OnnxModelFile source, Map<String, float[]> initializers, BertConfig config,
                                   ModelSpec spec, byte[] tokenizer, Path d) throws IOException {
        source.write(d.resolve("model.onnx"), initializers);
        TrainFiles.writeAtomically(d.resolve("tokenizer.json"), tokenizer);

        ArrayNode modules = JSON.createArrayNode();
        modules.addObject().put("idx", 0).put("name", "0").put("path", "")
                .put("type", "sentence_transformers.models.Transformer");
        modules.addObject().put("idx", 1).put("name", "1").put("path", "1_Pooling")
                .put("type", "sentence_transformers.models.Pooling");
        if (spec.normalize()) {
            modules.addObject().put("idx", 2).put("name", "2").put("path", "2_Normalize")
                    .put("type", "sentence_transformers.models.Normalize");
        }
        writeJson(d.resolve("modules.json"), modules);

        ObjectNode pooling = JSON.createObjectNode();
        pooling.put("word_embedding_dimension", config.hidden());
        pooling.put("pooling_mode_cls_token", spec.pooling() == Pooling.CLS);
        pooling.put("pooling_mode_mean_tokens", spec.pooling() == Pooling.MEAN);
        pooling.put("pooling_mode_max_tokens", false);
        pooling.put("pooling_mode_mean_sqrt_len_tokens", false);
        Files.createDirectories(d.resolve("1_Pooling"));
        writeJson(d.resolve("1_Pooling").resolve("config.json"), pooling);

        ObjectNode sbert = JSON.createObjectNode();
        sbert.put("max_seq_length", spec.maxTokens());
        sbert.put("do_lower_case", false);
        writeJson(d.resolve("sentence_bert_config.json"), sbert);

        ObjectNode st = JSON.createObjectNode();
        ObjectNode prompts = st.putObject("prompts");
        prompts.put("query", spec.queryPrefix());
        prompts.put("passage", spec.passagePrefix());
        st.putNull("default_prompt_name");
        st.put("similarity_fn_name", "cosine");
        if (spec.language() != null) {
            // not a sentence-transformers key (it ignores it): ModelSpec.fromDirectory reads it back, so a model
            // fine-tuned from an English preset keeps the English BM25 analyzer that "auto" picks for the preset
            st.put("language", spec.language());
        }
        writeJson(d.resolve("config_sentence_transformers.json"), st);

        writeJson(d.resolve("config.json"), bertConfigJson(config, "BertModel"));
    }

    /** A Hugging Face BERT {@code config.json} describing {@code config}, for the given architecture name. */
    public static ObjectNode bertConfigJson(BertConfig config, String architecture) {
        ObjectNode bert = JSON.createObjectNode();
        bert.putArray("architectures").add(architecture);
        bert.put("model_type", "bert");
        bert.put("vocab_size", config.vocabSize());
        bert.put("hidden_size", config.hidden());
        bert.put("num_hidden_layers", config.layers());
        bert.put("num_attention_heads", config.heads());
        bert.put("intermediate_size", config.intermediate());
        bert.put("hidden_act", "gelu");
        bert.put("max_position_embeddings", config.maxPositions());
        bert.put("type_vocab_size", config.typeVocabSize());
        bert.put("layer_norm_eps", (double) config.layerNormEps());
        bert.put("hidden_dropout_prob", (double) config.hiddenDropout());
        bert.put("attention_probs_dropout_prob", (double) config.attentionDropout());
        return bert;
    }

    private static void writeJson(Path file, Object node) throws IOException {
        TrainFiles.writeAtomically(file, JSON.writeValueAsBytes(node));
    }
}
