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
 * Distillation losses, with teacher scores of the same shape (each group ordered by the teacher, best first):
 * <ul>
 *   <li>{@link Kind#LISTWISE}: {@code KL(softmax(t / T) || softmax(s))} per group, averaged over groups (the
 *       listwise distillation of RankGPT/RankT5-style students; T the teacher temperature).</li>
 *   <li>{@link Kind#MARGIN_MSE}: Hofstaetter et al. 2020: {@code ((s_0 - s_k) - (t_0 - t_k))^2} for the group's first
 *       passage against each other one, averaged over all such pairs.</li>
 * </ul>
 */
public final class CrossEncoderLoss {
    /** The seed's margin (PaddleNLP PairwiseMatching default). */
    public static final float DEFAULT_MARGIN = 0.1f;

    /** Which loss. */
    public enum Kind {
        PAIRWISE, BCE, BOTH, LISTWISE, MARGIN_MSE;

        /** Parses {@code pairwise}, {@code bce}, {@code both}, {@code listwise} or {@code margin-mse} (any case). */
        public static Kind parse(String s) {
            return valueOf(s.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        }

        /** Whether the loss needs teacher scores. */
        public boolean distills() {
            return this == LISTWISE || this == MARGIN_MSE;
        }
    }

    private final Kind kind;
    private final float margin;
    private final float temperature;

    public CrossEncoderLoss(Kind kind, float margin) {
        this(kind, margin, 1f);
    }

    /** With the teacher temperature of {@link Kind#LISTWISE}. */
    public CrossEncoderLoss(Kind kind, float margin, float temperature) {
        if (kind == null) {
            throw new IllegalArgumentException("loss kind is null");
        }
        if (!(margin >= 0f)) {
            throw new IllegalArgumentException("margin must be >= 0, got " + margin);
        }
        if (!(temperature > 0f)) {
            throw new IllegalArgumentException("temperature must be > 0, got " + temperature);
        }
        this.kind = kind;
        this.margin = margin;
        this.temperature = temperature;
    }

    public Kind kind() {
        return kind;
    }

    public float margin() {
        return margin;
    }

    public float temperature() {
        return temperature;
    }

    /**
     * The loss (a scalar) of flattened logits {@code [groups * groupSize]}, each group the positive first.
     *
     * @param groupSize 1 + negatives per positive (at least 2)
     */
    public NDArray compute(NDArray logits, int groupSize) {
        return compute(logits, groupSize, null);
    }

    /**
     * As above; {@code teacher} (same shape as {@code logits}) holds the teacher's scores, needed by
     * {@link Kind#LISTWISE} and {@link Kind#MARGIN_MSE} and ignored by the others.
     */
    public NDArray compute(NDArray logits, int groupSize, NDArray teacher) {
        if (groupSize < 2) {
            throw new IllegalArgumentException("a group needs a positive and at least one negative, size " + groupSize);
        }
        long n = logits.size();
        if (logits.getShape().dimension() != 1 || n % groupSize != 0) {
            throw new IllegalArgumentException("logits of shape " + logits.getShape() + " do not split into groups of "
                    + groupSize);
        }
        NDArray grouped = logits.reshape(n / groupSize, groupSize);
        if (kind.distills() && (teacher == null || teacher.size() != n)) {
            throw new IllegalArgumentException(kind + " needs " + n + " teacher scores, got "
                    + (teacher == null ? "none" : teacher.size()));
        }
        return switch (kind) {
            case PAIRWISE -> pairwise(grouped);
            case BCE -> bce(grouped);
            case BOTH -> pairwise(grouped).add(bce(grouped));
            case LISTWISE -> listwise(grouped, teacher.reshape(n / groupSize, groupSize));
            case MARGIN_MSE -> marginMse(grouped, teacher.reshape(n / groupSize, groupSize));
        };
    }

    private NDArray listwise(NDArray student, NDArray teacher) {
        NDArray logQ = student.logSoftmax(1);
        NDArray logP = teacher.div(Torch.scalar(teacher, temperature)).logSoftmax(1);
        // KL(p || q) = sum p (log p - log q), summed over a group, averaged over groups
        return logP.exp().mul(logP.sub(logQ)).sum(new int[] {1}).mean();
    }

    private static NDArray marginMse(NDArray student, NDArray teacher) {
        NDArray s = student.get(new NDIndex(":, 0:1")).sub(student.get(new NDIndex(":, 1:")));
        NDArray t = teacher.get(new NDIndex(":, 0:1")).sub(teacher.get(new NDIndex(":, 1:")));
        NDArray d = s.sub(t);
        return d.mul(d).mean();
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
