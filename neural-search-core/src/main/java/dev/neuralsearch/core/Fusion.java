package dev.neuralsearch.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * How the ranked lists of several recall routes (dense, lexical) become one list. A value: immutable, compared by
 * its settings. The arithmetic is {@link RankFusion}'s, the one fusion implementation of the project.
 *
 * <ul>
 *   <li>{@link #rrf(int, double...)}: weighted reciprocal rank fusion, {@code Σ w_r / (k + rank_r)}; uses ranks only.</li>
 *   <li>{@link #convex(Normalization, double...)}: each route's scores are normalized over the list it returned
 *       ({@link Normalization}), then combined as {@code Σ w_r · norm_r(d)}; a document a route did not return
 *       gets that route's lowest normalized score (0 for min-max). Uses how far apart the scores are, so a route
 *       that is sure of its first hit keeps it first.</li>
 * </ul>
 *
 * <p>{@link #DEFAULT} is what a hybrid query uses when none is given; docs/hybrid.md says how it was chosen.
 */
public sealed interface Fusion permits Fusion.Rrf, Fusion.Convex {

    /** How a route's scores are made comparable before a convex combination. */
    enum Normalization {
        /** {@code (s - min) / (max - min)} over the route's list: its best hit 1, its last 0. */
        MIN_MAX,
        /** {@code (s - mean) / standard deviation} over the route's list. */
        Z_SCORE
    }

    /**
     * The default of hybrid queries (and of {@code nsearch eval}'s fused row): z-score normalized scores, dense
     * weight 0.5, lexical 0.5. The family is the best of a grid search ({@code nsearch eval --split train
     * --fit-fusion}) on the SciFact <em>train</em> queries; the weight is the one with the best mean train nDCG@10
     * over two encoders whose dense route is weaker (all-MiniLM-L6-v2-q, best alone at 0.45) and stronger
     * (bge-small-en-v1.5, best alone at 0.70) than BM25 (benchmarks/RESULTS.md, "Quality defaults (issue 22)"): no
     * test query took part. A convex combination keeps the stronger route's order where that route is confident,
     * so the fused list does not fall to the weaker route's level as equal-weight RRF can.
     */
    Fusion DEFAULT = convex(Normalization.Z_SCORE, 0.5, 0.5);

    /** Weighted reciprocal rank fusion; {@code weights} one per route (none given: all 1), finite and >= 0. */
    static Fusion rrf(int k, double... weights) {
        return new Rrf(k, weights == null || weights.length == 0 ? null : List.copyOf(boxed(weights)));
    }

    /** Convex combination of normalized scores; {@code weights} one per route (none given: all 1), >= 0. */
    static Fusion convex(Normalization normalization, double... weights) {
        return new Convex(normalization, weights == null || weights.length == 0 ? null : List.copyOf(boxed(weights)));
    }

    /** The route weights, or null for "all 1". */
    List<Double> weights();

    /** The same fusion with other route weights. */
    Fusion withWeights(double... weights);

    /**
     * Fuses ranked lists (best first).
     *
     * @param scoreOf an item's score in its route (higher is better); ignored by RRF
     * @return every item a route of positive weight returned, best first; {@link RankFusion.Fused#score()} is the
     *         fused score
     */
    <T> List<RankFusion.Fused<T>> fuse(List<? extends List<? extends T>> routes, Function<? super T, String> idOf,
                                      ToDoubleFunction<? super T> scoreOf);

    /** Reciprocal rank fusion with constant {@code k} (>= 0). */
    record Rrf(int k, List<Double> weights) implements Fusion {
        public Rrf {
            if (k < 0) {
                throw new IllegalArgumentException("fusion k must be >= 0, was " + k);
            }
            weights = checked(weights);
        }

        @Override
        public Fusion withWeights(double... w) {
            return rrf(k, w);
        }

        @Override
        public <T> List<RankFusion.Fused<T>> fuse(List<? extends List<? extends T>> routes,
                                                 Function<? super T, String> idOf, ToDoubleFunction<? super T> scoreOf) {
            return RankFusion.fuse(routes, unboxed(weights), k, idOf);
        }

        @Override
        public String toString() {
            return "rrf(k=" + k + (weights == null ? "" : ", weights=" + weights) + ")";
        }
    }

    /** Convex combination of per-route normalized scores. */
    record Convex(Normalization normalization, List<Double> weights) implements Fusion {
        public Convex {
            Objects.requireNonNull(normalization, "normalization");
            weights = checked(weights);
        }

        @Override
        public Fusion withWeights(double... w) {
            return convex(normalization, w);
        }

        @Override
        public <T> List<RankFusion.Fused<T>> fuse(List<? extends List<? extends T>> routes,
                                                 Function<? super T, String> idOf, ToDoubleFunction<? super T> scoreOf) {
            return RankFusion.fuseScores(routes, unboxed(weights), normalization, idOf, scoreOf);
        }

        @Override
        public String toString() {
            return "convex(" + normalization.name().toLowerCase(java.util.Locale.ROOT)
                    + (weights == null ? "" : ", weights=" + weights) + ")";
        }
    }

    private static List<Double> checked(List<Double> weights) {
        if (weights == null) {
            return null;
        }
        double[] w = unboxed(weights);
        RankFusion.checkWeights(w, w.length);
        boolean positive = false;
        for (double x : w) {
            positive |= x > 0;
        }
        if (!positive) {
            throw new IllegalArgumentException("fusion weights are all 0");
        }
        return List.copyOf(weights);
    }

    private static List<Double> boxed(double[] w) {
        List<Double> out = new ArrayList<>(w.length);
        for (double x : w) {
            out.add(x);
        }
        return out;
    }

    private static double[] unboxed(List<Double> w) {
        if (w == null) {
            return null;
        }
        double[] out = new double[w.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = Objects.requireNonNull(w.get(i), "a weight is null");
        }
        return out;
    }
}
