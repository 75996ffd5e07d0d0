package dev.neuralsearch.train.crossencoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import dev.neuralsearch.train.Torch;
import java.util.Locale;

/**
 * Losses of a cross-encoder over groups of scores: each group is one query's positive passage followed by its
 * negatives, {@code [positive, negative_1 .. negative_k]}, and the logits arrive flattened as
 * {@code [groups * (1 + k)]}.
 *
 * <ul>
 *   <li>{@link Kind#PAIRWISE}: the seed's margin ranking loss (PaddleNLP {@code neural_search/ranking/ernie_matching},
 *       {@code PairwiseMatching}): scores go through a sigmoid, and every (positive, negative) pair of a group costs
 *       {@code max(0, margin - (sigmoid(s_pos) - sigmoid(s_neg)))}, averaged over all pairs; margin 0.1 as there.</li>
 *   <li>{@link Kind#BCE}: binary cross-entropy on the logits, label 1 for the positive, 0 for the negatives,
 *       averaged over all scores (computed stably as {@code softplus(s) - y s}).</li>
 *   <li>{@link Kind#BOTH}: the sum of the two.</li>
 * </ul>
 */
public final class CrossEncoderLoss {
    /** The seed's margin (PaddleNLP PairwiseMatching default). */
    public static final float DEFAULT_MARGIN = 0.1f;

    /** Which loss. */
    public enum Kind {
        PAIRWISE, BCE, BOTH;

        /** Parses {@code pairwise}, {@code bce} or {@code both} (any case). */
        public static Kind parse(String s) {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        }
    }

    private final Kind kind;
    private final float margin;

    public CrossEncoderLoss(Kind kind, float margin) {
        if (kind == null) {
            throw new IllegalArgumentException("loss kind is null");
        }
        if (!(margin >= 0f)) {
            throw new IllegalArgumentException("margin must be >= 0, got " + margin);
        }
        this.kind = kind;
        this.margin = margin;
    }

    public Kind kind() {
        return kind;
    }

    public float margin() {
        return margin;
    }

    /**
     * The loss (a scalar) of flattened logits {@code [groups * groupSize]}, each group the positive first.
     *
     * @param groupSize 1 + negatives per positive (at least 2)
     */
    public NDArray compute(NDArray logits, int groupSize) {
        if (groupSize < 2) {
            throw new IllegalArgumentException("a group needs a positive and at least one negative, size " + groupSize);
        }
        long n = logits.size();
        if (logits.getShape().dimension() != 1 || n % groupSize != 0) {
            throw new IllegalArgumentException("logits of shape " + logits.getShape() + " do not split into groups of "
                    + groupSize);
        }
        NDArray grouped = logits.reshape(n / groupSize, groupSize);
        return switch (kind) {
            case PAIRWISE -> pairwise(grouped);
            case BCE -> bce(grouped);
            case BOTH -> pairwise(grouped).add(bce(grouped));
        };
    }

    private NDArray pairwise(NDArray grouped) {
        NDArray p = grouped.getNDArrayInternal().sigmoid();
        NDArray pos = p.get(new NDIndex(":, 0:1"));  // [g, 1]
        NDArray neg = p.get(new NDIndex(":, 1:"));   // [g, k]
        // max(0, -(pos - neg) + margin), mean over every (positive, negative) pair
        NDArray hinge = neg.sub(pos).add(margin);
        return hinge.maximum(Torch.scalar(hinge, 0f)).mean();
    }

    private static NDArray bce(NDArray grouped) {
        NDArray labels = grouped.zerosLike();
        labels.set(new NDIndex(":, 0"), 1f);
        // softplus(s) - y*s = log(1 + e^s) - y*s, with softplus(s) = max(s, 0) + log(1 + e^-|s|)
        NDArray softplus = grouped.maximum(Torch.scalar(grouped, 0f)).add(grouped.abs().neg().exp().add(1f).log());
        return softplus.sub(labels.mul(grouped)).mean();
    }
}
