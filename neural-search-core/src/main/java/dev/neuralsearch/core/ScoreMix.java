package dev.neuralsearch.core;

import java.util.Arrays;

/**
 * The rerank stage's score mix, one formula for the library ({@link MultiRouteSearch}) and the evaluator
 * ({@code dev.neuralsearch.eval.RerankMix}): over the top {@code n} candidates of a query,
 * {@code mixed(i) = (1 - w) · z(recall)(i) + w · z(rerank)(i)}, where {@code z} is the z-score over those
 * {@code n} candidates as {@link RankFusion#normalize} computes it for the z-score fusion. {@code w = 0} gives
 * the candidates' own order, {@code w = 1} the reranker's; z-scoring first makes the mix independent of each
 * score's scale (a fused RRF score of 0.03 and a cross-encoder logit of 7 count alike).
 */
public final class ScoreMix {

    private ScoreMix() {
    }

    /**
     * The mixed scores of the first {@code n} candidates.
     *
     * @param recall their recall (e.g. fused) scores, best first; at least {@code n}
     * @param rerank the reranker's scores of the same candidates, same order; at least {@code n}
     * @param weight the reranker's weight {@code w}, in [0, 1]
     */
    public static double[] mixed(float[] recall, float[] rerank, int n, double weight) {
        checkWeight(weight);
        if (n < 0) {
            throw new IllegalArgumentException("the number of candidates to mix must be >= 0, was " + n);
        }
        if (recall.length < n || rerank.length < n) {
            throw new IllegalArgumentException("scores for " + Math.min(recall.length, rerank.length)
                    + " candidates, need " + n);
        }
        double[] a = RankFusion.normalize(toDouble(recall, n), Fusion.Normalization.Z_SCORE);
        double[] b = RankFusion.normalize(toDouble(rerank, n), Fusion.Normalization.Z_SCORE);
        double[] s = new double[n];
        for (int i = 0; i < n; i++) {
            s[i] = (1 - weight) * a[i] + weight * b[i];
        }
        return s;
    }

    /**
     * The mixed order of the first {@code n} candidates: their indexes, best mixed score first; ties keep the
     * candidates' order. Arguments as {@link #mixed}.
     */
    public static int[] order(float[] recall, float[] rerank, int n, double weight) {
        double[] s = mixed(recall, rerank, n, weight);
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (x, y) -> Double.compare(s[y], s[x])); // stable: ties keep the candidates' order
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = order[i];
        }
        return out;
    }

    /** Checks a mix weight: finite and in [0, 1]. */
    public static double checkWeight(double weight) {
        if (!(weight >= 0 && weight <= 1)) {
            throw new IllegalArgumentException("rerank mix weight must be in [0, 1] (0: recall order, 1: the"
                    + " reranker's order), was " + weight);
        }
        return weight;
    }

    private static double[] toDouble(float[] v, int n) {
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = v[i];
        }
        return d;
    }
}
