package dev.neuralsearch.train.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import dev.neuralsearch.encoder.Pooling;
import dev.neuralsearch.train.Torch;
import java.util.Objects;

/**
 * The BERT encoder as DJL NDArray operations, on {@link BertWeights}: token ids, attention mask and token type ids
 * in, last hidden states {@code [batch, tokens, hidden]} out. It computes what the exported ONNX graphs compute
 * (post-LayerNorm BERT, exact erf GELU, padding masked by adding the lowest float to its attention scores), so
 * vectors match ONNX Runtime's on the same weights.
 *
 * <p>Training mode applies dropout (rates from {@link BertConfig}; PyTorch's generator, seeded by
 * {@link dev.neuralsearch.train.Torch#seed(int)}) at BERT's places: after the embeddings, on the attention
 * probabilities, after each sub-layer's output projection. Inference mode applies none.
 *
 * <p>Memory: each layer runs under its own child NDManager that is closed when the layer is done (its output
 * attached to the caller's manager first). Under a GradientCollector PyTorch's autograd keeps what backward needs;
 * the closed handles are only the Java side. Results are attached to the manager passed in; the caller closes it
 * after each batch.
 */
public final class BertModel {
    /** Added to the attention scores of padding (HF BERT adds the dtype's lowest value). */
    static final float MASKED = -Float.MAX_VALUE;

    private final BertConfig config;
    private final BertWeights weights;

    public BertModel(BertConfig config, BertWeights weights) {
        this.config = Objects.requireNonNull(config, "config");
        this.weights = Objects.requireNonNull(weights, "weights");
        if (weights.map().layers() != config.layers()) {
            throw new IllegalArgumentException("config says " + config.layers() + " layers, weights hold "
                    + weights.map().layers());
        }
    }

    public BertConfig config() {
        return config;
    }

    public BertWeights weights() {
        return weights;
    }

    /**
     * Last hidden states {@code [batch, tokens, hidden]}, in {@code manager}.
     *
     * @param training apply dropout
     */
    public NDArray forward(NDManager manager, TokenBatch batch, boolean training) {
        Objects.requireNonNull(batch, "batch");
        if (batch.length() > config.maxPositions()) {
            throw new IllegalArgumentException("batch of " + batch.length() + " tokens exceeds the model's "
                    + config.maxPositions() + " positions");
        }
        NDArray x;
        NDArray maskAdd;
        try (NDManager em = manager.newSubManager()) {
            NDArray ids = batch.idsArray(em);
            NDArray h = embed(ids, weights.get("embeddings.word_embeddings.weight"));
            NDArray positions = em.arange(0, batch.length(), 1, DataType.INT64);
            h = h.add(embed(positions, weights.get("embeddings.position_embeddings.weight")));
            if (weights.has("embeddings.token_type_embeddings.weight")) {
                h = h.add(embed(batch.typeIdsArray(em), weights.get("embeddings.token_type_embeddings.weight")));
            }
            h = layerNorm(h, "embeddings.LayerNorm");
            x = dropout(h, config.hiddenDropout(), training);
            // (1 - mask) * lowest, shaped [batch, 1, 1, tokens] to broadcast over heads and query positions.
            maskAdd = batch.maskArray(em).toType(DataType.FLOAT32, false).neg().add(1f).mul(MASKED)
                    .reshape(batch.size(), 1, 1, batch.length());
            x.attach(manager);
            maskAdd.attach(manager);
        }
        for (int l = 0; l < config.layers(); l++) {
            NDArray next;
            try (NDManager lm = manager.newSubManager()) {
                x.attach(lm); // the layer input is not needed after the layer (autograd keeps its own reference)
                next = layer(x, maskAdd, "encoder.layer." + l + ".", training);
                next.attach(manager);
            }
            x = next;
        }
        maskAdd.close();
        return x;
    }

    /**
     * Pooled text vectors {@code [batch, hidden]} (CLS or mask-weighted mean, as a {@link Pooling}), L2-normalized
     * when {@code normalize}; in {@code manager}.
     */
    public NDArray encode(NDManager manager, TokenBatch batch, Pooling pooling, boolean normalize, boolean training) {
        NDArray hidden = forward(manager, batch, training);
        try (NDManager pm = manager.newSubManager()) {
            hidden.attach(pm);
            NDArray pooled = PoolingOps.pool(hidden, batch.maskArray(pm), pooling);
            if (normalize) {
                pooled = PoolingOps.normalize(pooled);
            }
            pooled.attach(manager);
            return pooled;
        }
    }

    private NDArray layer(NDArray x, NDArray maskAdd, String p, boolean training) {
        Shape s = x.getShape();
        long b = s.get(0);
        long t = s.get(1);
        int heads = config.heads();
        int d = config.headSize();
        NDArray q = linear(x, p + "attention.self.query").reshape(b, t, heads, d).transpose(0, 2, 1, 3);
        NDArray k = linear(x, p + "attention.self.key").reshape(b, t, heads, d).transpose(0, 2, 3, 1);
        NDArray v = linear(x, p + "attention.self.value").reshape(b, t, heads, d).transpose(0, 2, 1, 3);
        NDArray scores = q.matMul(k);
        scores = scores.div(Torch.scalar(scores, (float) Math.sqrt(d))).add(maskAdd);
        NDArray probs = dropout(scores.softmax(-1), config.attentionDropout(), training);
        NDArray context = probs.matMul(v).transpose(0, 2, 1, 3).reshape(b, t, config.hidden());
        NDArray attn = dropout(linear(context, p + "attention.output.dense"), config.hiddenDropout(), training);
        NDArray a = layerNorm(attn.add(x), p + "attention.output.LayerNorm");
        NDArray inter = gelu(linear(a, p + "intermediate.dense"));
        NDArray out = dropout(linear(inter, p + "output.dense"), config.hiddenDropout(), training);
        return layerNorm(out.add(a), p + "output.LayerNorm");
    }

    private NDArray linear(NDArray x, String name) {
        return x.matMul(weights.get(name + ".weight")).add(weights.get(name + ".bias"));
    }

    private NDArray layerNorm(NDArray x, String name) {
        return x.getNDArrayInternal().layerNorm(x, new Shape(config.hidden()), weights.get(name + ".weight"),
                weights.get(name + ".bias"), config.layerNormEps()).singletonOrThrow();
    }

    /** Exact GELU: x * 0.5 * (1 + erf(x / sqrt 2)). */
    private static NDArray gelu(NDArray x) {
        NDArray cdf = x.div(Torch.scalar(x, (float) Math.sqrt(2.0))).erf().add(1f);
        return x.mul(cdf).mul(Torch.scalar(x, 0.5f));
    }

    private static NDArray embed(NDArray ids, NDArray table) {
        return ids.getNDArrayInternal().embedding(ids, table, SparseFormat.DENSE).singletonOrThrow();
    }

    private static NDArray dropout(NDArray x, float rate, boolean training) {
        if (!training || rate == 0f) {
            return x;
        }
        return x.getNDArrayInternal().dropout(x, rate, true).get(0);
    }

}
