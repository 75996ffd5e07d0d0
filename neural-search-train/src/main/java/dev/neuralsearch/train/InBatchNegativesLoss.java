package dev.neuralsearch.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.Objects;

/**
 * In-batch negatives (InfoNCE, sentence-transformers' MultipleNegativesRankingLoss): for query {@code i} the
 * candidate {@code i} is the positive and every other candidate in the batch a negative. The loss is the mean
 * cross entropy of {@code scale * similarity(query, candidate)} over the candidates, with the positive as the
 * label. Candidates may have more rows than queries: rows past the queries' count (mined hard negatives) are
 * negatives for every query.
 *
 * <p>Similarity is the dot product, which is cosine for unit vectors: pass normalized vectors
 * ({@link dev.neuralsearch.train.bert.PoolingOps#normalize}). Differentiable; the result is a scalar in the
 * queries' manager.
 */
public final class InBatchNegativesLoss {
    /** The usual temperature for cosine similarities (1 / 0.05). */
    public static final float DEFAULT_SCALE = 20f;

    private final float scale;

    public InBatchNegativesLoss() {
        this(DEFAULT_SCALE);
    }

    public InBatchNegativesLoss(float scale) {
        if (!(scale > 0) || Float.isInfinite(scale)) {
            throw new IllegalArgumentException("scale must be a positive number, got " + scale);
        }
        this.scale = scale;
    }

    public float scale() {
        return scale;
    }

    /**
     * The loss of a batch.
     *
     * @param queries    {@code [n, dim]}
     * @param candidates {@code [m, dim]}, {@code m >= n}; row {@code i < n} is query {@code i}'s positive
     */
    public NDArray compute(NDArray queries, NDArray candidates) {
        Objects.requireNonNull(queries, "queries");
        Objects.requireNonNull(candidates, "candidates");
        long n = queries.getShape().get(0);
        long m = candidates.getShape().get(0);
        if (queries.getShape().dimension() != 2 || candidates.getShape().dimension() != 2
                || queries.getShape().get(1) != candidates.getShape().get(1) || m < n || n < 1) {
            throw new IllegalArgumentException("need queries [n, d] and candidates [m >= n, d], got "
                    + queries.getShape() + " and " + candidates.getShape());
        }
        NDManager manager = queries.getManager();
        NDArray logits = queries.matMul(candidates.transpose()).mul(Torch.scalar(queries, scale));
        NDArray logProbs = logits.logSoftmax(1);
        NDArray labels = manager.eye((int) n, (int) m, 0, DataType.FLOAT32);
        return logProbs.mul(labels).sum().div(Torch.scalar(logProbs, -n));
    }
}
