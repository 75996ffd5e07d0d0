package dev.neuralsearch.train.bert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.neuralsearch.train.onnx.BertParameterMap;
import dev.neuralsearch.train.onnx.OnnxModelFile;
import dev.neuralsearch.train.onnx.UnsupportedModelException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * The shape of a BERT encoder and its training-time settings.
 *
 * <p>Sizes come from the weights ({@link #from(OnnxModelFile)}): vocabulary, hidden size and maximum positions
 * from the embedding tables, layers from the parameter names, intermediate size from the first layer's
 * intermediate weight. The number of attention heads cannot be read off the weights (12 heads of 32 and 6 of 64
 * have the same shapes), so it is taken, in this order, from an explicit value, a {@code config.json}
 * ({@code num_attention_heads}) in the model's folder, or the graph (the constant {@code [.., .., heads, size]}
 * reshape target before attention); when none gives it the model is refused rather than guessed (hidden/32
 * would be right for MiniLM and bge-small-en, 12 heads, and wrong for bge-small-zh, 8 heads of 64).
 *
 * @param vocabSize        rows of the word embedding table
 * @param hidden           hidden size
 * @param layers           encoder layers
 * @param heads            attention heads ({@code hidden % heads == 0})
 * @param intermediate     feed-forward size
 * @param maxPositions     rows of the position embedding table
 * @param typeVocabSize    rows of the token type embedding table (0 when the model has none)
 * @param layerNormEps     LayerNorm epsilon (1e-12 for BERT)
 * @param hiddenDropout    dropout after the embeddings and each sub-layer's output projection, in training mode
 * @param attentionDropout dropout on the attention probabilities, in training mode
 */
public record BertConfig(int vocabSize, int hidden, int layers, int heads, int intermediate, int maxPositions,
                         int typeVocabSize, float layerNormEps, float hiddenDropout, float attentionDropout) {

    /** BERT's LayerNorm epsilon, used when the graph does not show one. */
    public static final float DEFAULT_LAYER_NORM_EPS = 1e-12f;
    /** BERT's dropout rate (hidden and attention), the SimCSE noise. */
    public static final float DEFAULT_DROPOUT = 0.1f;

    public BertConfig {
        if (vocabSize < 1 || hidden < 1 || layers < 1 || intermediate < 1 || maxPositions < 2 || typeVocabSize < 0) {
            throw new IllegalArgumentException("invalid BERT sizes: vocab " + vocabSize + ", hidden " + hidden
                    + ", layers " + layers + ", intermediate " + intermediate + ", positions " + maxPositions
                    + ", types " + typeVocabSize);
        }
        if (heads < 1 || hidden % heads != 0) {
            throw new IllegalArgumentException("hidden size " + hidden + " is not divisible by " + heads + " heads");
        }
        if (!(layerNormEps > 0)) {
            throw new IllegalArgumentException("layerNormEps must be > 0, got " + layerNormEps);
        }
        checkRate(hiddenDropout, "hiddenDropout");
        checkRate(attentionDropout, "attentionDropout");
    }

    private static void checkRate(float rate, String name) {
        if (!(rate >= 0 && rate < 1)) {
            throw new IllegalArgumentException(name + " must be in [0, 1), got " + rate);
        }
    }

    /** Size of one attention head. */
    public int headSize() {
        return hidden / heads;
    }

    /** The same model with other dropout rates (0 turns dropout off even in training mode). */
    public BertConfig withDropout(float hiddenRate, float attentionRate) {
        return new BertConfig(vocabSize, hidden, layers, heads, intermediate, maxPositions, typeVocabSize,
                layerNormEps, hiddenRate, attentionRate);
    }

    /** The configuration of an ONNX model; heads from its graph (see the class comment). */
    public static BertConfig from(OnnxModelFile model) {
        return from(model, OptionalInt.empty());
    }

    /**
     * The configuration of an ONNX model whose files sit in {@code modelDir}: a {@code config.json} there
     * ({@code num_attention_heads}, {@code layer_norm_eps}) is preferred to the graph.
     */
    public static BertConfig from(OnnxModelFile model, Path modelDir) {
        Path config = modelDir.resolve("config.json");
        OptionalInt heads = OptionalInt.empty();
        OptionalDouble eps = OptionalDouble.empty();
        if (Files.isRegularFile(config)) {
            try {
                JsonNode root = new ObjectMapper().readTree(config.toFile());
                if (root.path("num_attention_heads").asInt(0) > 0) {
                    heads = OptionalInt.of(root.path("num_attention_heads").asInt());
                }
                if (root.path("layer_norm_eps").asDouble(0) > 0) {
                    eps = OptionalDouble.of(root.path("layer_norm_eps").asDouble());
                }
            } catch (IOException e) {
                throw new UnsupportedModelException("cannot parse " + config + ": " + e.getMessage(), e);
            }
        }
        return from(model, heads, eps);
    }

    /** The configuration of an ONNX model with the number of heads given (empty: from the graph). */
    public static BertConfig from(OnnxModelFile model, OptionalInt heads) {
        return from(model, heads, OptionalDouble.empty());
    }

    private static BertConfig from(OnnxModelFile model, OptionalInt heads, OptionalDouble eps) {
        BertParameterMap p = model.bertParameters();
        long[] word = p.shape("embeddings.word_embeddings.weight");
        long[] pos = p.shape("embeddings.position_embeddings.weight");
        long[] types = p.has("embeddings.token_type_embeddings.weight")
                ? p.shape("embeddings.token_type_embeddings.weight") : new long[] {0, word[1]};
        long[] inter = p.shape("encoder.layer.0.intermediate.dense.weight");
        int hidden = (int) word[1];
        int h;
        if (heads.isPresent()) {
            h = heads.getAsInt();
        } else {
            OptionalInt fromGraph = model.attentionHeads(hidden);
            if (fromGraph.isEmpty()) {
                throw new UnsupportedModelException("cannot tell the number of attention heads of model " + model.name()
                        + " (hidden size " + hidden + "): no config.json with num_attention_heads and no constant "
                        + "[.., .., heads, size] reshape in the graph; give the number of heads explicitly");
            }
            h = fromGraph.getAsInt();
        }
        float e = (float) (eps.isPresent() ? eps.getAsDouble()
                : model.layerNormEpsilon().orElse(DEFAULT_LAYER_NORM_EPS));
        return new BertConfig((int) word[0], hidden, p.layers(), h, (int) inter[1], (int) pos[0], (int) types[0], e,
                DEFAULT_DROPOUT, DEFAULT_DROPOUT);
    }
}
