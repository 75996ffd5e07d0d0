package dev.neuralsearch.bench;

import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.bgesmallenv15.BgeSmallEnV15EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.bgesmallenv15q.BgeSmallEnV15QuantizedEmbeddingModel;
import java.util.function.Supplier;

/**
 * The encoders compared, with what both sides must agree on: the ONNX file (the one packaged in the langchain4j
 * model jar), the tokenizer, and the longest input in tokens (special tokens included).
 *
 * <p>Max length: langchain4j's tokenizer (DJL's defaults) truncates bge's input at 512 tokens, so its code that
 * would split longer texts into parts of 510 word pieces and average them never runs (issue 22 item 5,
 * benchmarks/RESULTS.md); all-MiniLM-L6-v2's packaged tokenizer.json truncates at 128. The benchmark cuts every
 * text to that many tokens beforehand, so neither side truncates and both see exactly the same tokens.
 *
 * <p>The architecture fields feed the FLOP estimate ({@link #flops(int)}).
 */
public enum EncoderModel {
    BGE_SMALL_EN_V15("bge-small-en-v1.5", "bge-small-en-v1.5-tokenizer.json", 512, 12, 384, 1536,
            BgeSmallEnV15EmbeddingModel::new),
    BGE_SMALL_EN_V15_Q("bge-small-en-v1.5-q", "bge-small-en-v1.5-q-tokenizer.json", 512, 12, 384, 1536,
            BgeSmallEnV15QuantizedEmbeddingModel::new),
    ALL_MINILM_L6_V2("all-MiniLM-L6-v2", "all-minilm-l6-v2-tokenizer.json", 128, 6, 384, 1536,
            AllMiniLmL6V2EmbeddingModel::new),
    ALL_MINILM_L6_V2_Q("all-MiniLM-L6-v2-q", "all-minilm-l6-v2-q-tokenizer.json", 128, 6, 384, 1536,
            AllMiniLmL6V2QuantizedEmbeddingModel::new);

    /** The name used in {@code -p model=...}. */
    public final String id;
    /** Classpath resource of the tokenizer.json packaged with the model. */
    public final String tokenizerResource;
    /** Longest input in tokens, [CLS] and [SEP] included. */
    public final int maxTokens;
    public final int layers;
    public final int hidden;
    public final int ffn;
    private final Supplier<EmbeddingModel> peer;

    EncoderModel(String id, String tokenizerResource, int maxTokens, int layers, int hidden, int ffn,
                 Supplier<EmbeddingModel> peer) {
        this.id = id;
        this.tokenizerResource = tokenizerResource;
        this.maxTokens = maxTokens;
        this.layers = layers;
        this.hidden = hidden;
        this.ffn = ffn;
        this.peer = peer;
    }

    public static EncoderModel of(String id) {
        for (EncoderModel m : values()) {
            if (m.id.equalsIgnoreCase(id) || m.name().equalsIgnoreCase(id)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown model " + id + "; one of bge-small-en-v1.5, bge-small-en-v1.5-q, "
                + "all-MiniLM-L6-v2, all-MiniLM-L6-v2-q");
    }

    /** langchain4j's in-process model with its default executor, as a user would create it. */
    public EmbeddingModel langchain4j() {
        return peer.get();
    }

    /** Weights in the encoder's matrix multiplies: per layer Q, K, V, O (4 d^2) and the feed-forward pair (2 d f). */
    public long matmulParameters() {
        return (long) layers * (4L * hidden * hidden + 2L * hidden * ffn);
    }

    /**
     * Useful FLOP to encode one text of {@code n} tokens: {@code 2 P n + 4 L d n^2}, where P = {@link
     * #matmulParameters()} (each weight is one multiply-add per token) and the second term is attention's
     * QK^T and AV products. Embedding look-ups, layer norms, softmax, GELU and pooling are left out (all O(n d)),
     * as is padding inside a batch, which costs time but does no useful work.
     */
    public double flops(int n) {
        return 2.0 * matmulParameters() * n + 4.0 * layers * hidden * (double) n * n;
    }
}
