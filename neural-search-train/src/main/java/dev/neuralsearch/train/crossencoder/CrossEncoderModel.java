package dev.neuralsearch.train.crossencoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.neuralsearch.tokenize.TextTokenizer;
import dev.neuralsearch.tokenize.TokenizedText;
import dev.neuralsearch.train.Torch;
import dev.neuralsearch.train.TrainableParameters;
import dev.neuralsearch.train.bert.BertModel;
import dev.neuralsearch.train.bert.BertWeights;
import dev.neuralsearch.train.bert.TokenBatch;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;

/**
 * A cross-encoder: a BERT backbone (loaded from a bi-encoder's ONNX model) reading a (query, passage) pair as one
 * sequence, and a classification head on the first token's last hidden state:
 * {@code score = w . h_CLS + b} (hidden -> 1). This is the sequence-classification layout of
 * {@code BertForSequenceClassification} with one label, except that the head reads {@code h_CLS} directly rather
 * than the tanh pooler (the bi-encoder exports have no pooler in their graph; see docs/train.md).
 *
 * <p>The head starts with {@code w} drawn from N(0, 0.02^2) (BERT's initializer range) by a seeded
 * {@link Random} and {@code b = 0}. Training mode applies dropout (the backbone's hidden rate) to {@code h_CLS}
 * before the head, as the seed's PairwiseMatching does.
 *
 * <p>Pairs are tokenized with core's {@link TextTokenizer#encodePair}: {@code [CLS] query [SEP] passage [SEP]},
 * token type ids 0 then 1, only the passage truncated, exactly as the rerank module's
 * {@code CrossEncoderReranker} tokenizes them.
 */
public final class CrossEncoderModel implements TrainableParameters {
    /** Names of the head's parameters (in {@link #parameters()} and in the exported graph's initializers). */
    public static final String HEAD_WEIGHT = "classifier.weight";
    public static final String HEAD_BIAS = "classifier.bias";
    /** Standard deviation of the head's initial weights (BERT's initializer_range). */
    public static final float HEAD_INIT_STD = 0.02f;

    private final BertModel backbone;
    private final NDArray headWeight; // [hidden, 1]
    private final NDArray headBias;   // [1]

    private CrossEncoderModel(BertModel backbone, NDArray headWeight, NDArray headBias) {
        this.backbone = backbone;
        this.headWeight = headWeight;
        this.headBias = headBias;
    }

    /** A new head (seeded N(0, 0.02^2) weights, zero bias) on {@code backbone}, held by the backbone weights' manager. */
    public static CrossEncoderModel withNewHead(BertModel backbone, long seed) {
        int hidden = backbone.config().hidden();
        Random r = new Random(seed);
        float[] w = new float[hidden];
        for (int i = 0; i < hidden; i++) {
            w[i] = (float) (r.nextGaussian() * HEAD_INIT_STD);
        }
        return withHead(backbone, w, 0f);
    }

    /** A head with given values ({@code w} of the hidden size). */
    public static CrossEncoderModel withHead(BertModel backbone, float[] w, float b) {
        Objects.requireNonNull(backbone, "backbone");
        int hidden = backbone.config().hidden();
        if (w.length != hidden) {
            throw new IllegalArgumentException("head weight has " + w.length + " values, hidden size is " + hidden);
        }
        NDManager m = backbone.weights().manager();
        NDArray weight = m.create(w, new Shape(hidden, 1));
        weight.setName(HEAD_WEIGHT);
        NDArray bias = m.create(new float[] {b}, new Shape(1));
        bias.setName(HEAD_BIAS);
        if (backbone.weights().trainable()) {
            weight.setRequiresGradient(true);
            bias.setRequiresGradient(true);
        }
        return new CrossEncoderModel(backbone, weight, bias);
    }

    public BertModel backbone() {
        return backbone;
    }

    public BertWeights weights() {
        return backbone.weights();
    }

    /** Attaches (or detaches) gradients to the backbone's and the head's parameters. */
    public void setTrainable(boolean on) {
        backbone.weights().setTrainable(on);
        headWeight.setRequiresGradient(on);
        headBias.setRequiresGradient(on);
    }

    @Override
    public boolean trainable() {
        return backbone.weights().trainable();
    }

    /** Every trainable parameter: the backbone's under their canonical names, then the head's. */
    @Override
    public Map<String, NDArray> parameters() {
        Map<String, NDArray> all = new LinkedHashMap<>(backbone.weights().parameters());
        all.put(HEAD_WEIGHT, headWeight);
        all.put(HEAD_BIAS, headBias);
        return all;
    }

    /** The backbone weights' manager, which also holds the head. */
    @Override
    public NDManager manager() {
        return backbone.weights().manager();
    }

    /** Sets every gradient to zero. */
    @Override
    public void zeroGradients() {
        if (!trainable()) {
            return;
        }
        backbone.weights().zeroGradients();
        Torch.zeroGradient(headWeight);
        Torch.zeroGradient(headBias);
    }

    /** The head's weight {@code w} (hidden values). */
    public float[] headWeight() {
        return headWeight.toFloatArray();
    }

    /** The head's bias {@code b}. */
    public float headBias() {
        return headBias.toFloatArray()[0];
    }

    /** Tokenizes pairs as the reranker does (only the passage truncated). */
    public static List<TokenizedText> tokenizePairs(TextTokenizer tokenizer, List<String> queries, List<String> passages) {
        if (queries.size() != passages.size()) {
            throw new IllegalArgumentException(queries.size() + " queries but " + passages.size() + " passages");
        }
        List<TokenizedText> out = new ArrayList<>(queries.size());
        for (int i = 0; i < queries.size(); i++) {
            out.add(tokenizer.encodePair(queries.get(i), passages.get(i)));
        }
        return out;
    }

    /**
     * Relevance logits {@code [n]} of a batch of tokenized pairs, in {@code manager}.
     *
     * @param training dropout in the backbone and on h_CLS
     */
    public NDArray scores(NDManager manager, TokenBatch batch, boolean training) {
        NDArray hidden = backbone.forward(manager, batch, training);
        try (NDManager hm = manager.newSubManager()) {
            hidden.attach(hm);
            NDArray cls = hidden.get(new NDIndex(":, 0, :")); // [n, hidden]
            float rate = backbone.config().hiddenDropout();
            if (training && rate > 0f) {
                cls = cls.getNDArrayInternal().dropout(cls, rate, true).get(0);
            }
            NDArray logits = cls.matMul(headWeight).add(headBias).reshape(batch.size());
            logits.attach(manager);
            return logits;
        }
    }
}
