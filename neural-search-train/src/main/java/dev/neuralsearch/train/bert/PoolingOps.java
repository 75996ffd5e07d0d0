package dev.neuralsearch.train.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.neuralsearch.encoder.Pooling;
import dev.neuralsearch.train.Torch;

/** Pooling and normalization as core's {@code BiEncoder} does them, as NDArray operations (differentiable). */
public final class PoolingOps {
    private PoolingOps() {
    }

    /**
     * Text vectors {@code [batch, hidden]} from hidden states {@code [batch, tokens, hidden]}: the first token's
     * state (CLS) or the mean of the states under the mask (MEAN; a text of no tokens gives zeros).
     */
    public static NDArray pool(NDArray hidden, NDArray mask, Pooling pooling) {
        if (pooling == Pooling.CLS) {
            return hidden.get(":, 0, :");
        }
        NDArray m = mask.toType(DataType.FLOAT32, false).expandDims(2);
        NDArray sum = hidden.mul(m).sum(new int[] {1});
        NDArray count = m.sum(new int[] {1}).maximum(Torch.scalar(m, 1f));
        return sum.div(count);
    }

    /** Rows scaled to unit length (a zero row stays zero). */
    public static NDArray normalize(NDArray vectors) {
        NDArray norm = vectors.norm(new int[] {-1}, true);
        norm = norm.maximum(Torch.scalar(norm, 1e-12f));
        return vectors.div(norm);
    }
}
