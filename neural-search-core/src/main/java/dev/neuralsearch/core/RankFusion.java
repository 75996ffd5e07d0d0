package dev.neuralsearch.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * The fusion arithmetic of the project ({@link Fusion} is the value a query carries; the query pipeline, the
 * evaluator and {@code dev.neuralsearch.rerank.ReciprocalRankFusion} all call this class):
 * <ul>
 *   <li>{@link #fuse}: reciprocal rank fusion (Cormack, Clarke and Büttcher, SIGIR 2009),
 *       {@code score(d) = Σ_r w_r / (k + rank_r(d))} over the routes {@code r} that returned {@code d}, 1-based
 *       ranks;</li>
 *   <li>{@link #fuseScores}: a convex combination of per-route normalized scores (min-max or z-score, as in
 *       Bruch, Gai and Ingber, "An Analysis of Fusion Functions for Hybrid Retrieval", TOIS 2023),
 *       {@code score(d) = Σ_r w_r · norm_r(d)}, where a route that did not return {@code d} counts its lowest
 *       normalized score.</li>
 * </ul>
 *
 * <ul>
 *   <li>Ties: higher fused score first, then the better (smaller) best single rank, then the id.</li>
 *   <li>An id that occurs twice in one route counts once, at its first (best) rank.</li>
 *   <li>A route of weight 0 adds no score and no items of its own, but its ranks are still reported.</li>
 * </ul>
 */
public final class RankFusion {

    /** The k of the original paper. */
    public static final int DEFAULT_K = 60;

    private RankFusion() {
    }

    /**
     * One fused item.
     *
     * @param ranks 1-based rank per route, 0 where the route did not return the item
     */
    public record Fused<T>(String id, T item, double score, int[] ranks) {
        public int bestRank() {
            int best = Integer.MAX_VALUE;
            for (int r : ranks) {
                if (r > 0 && r < best) {
                    best = r;
                }
            }
            return best;
        }
    }

    /**
     * Fuses ranked lists (best first).
     *
     * @param weights one finite, non-negative weight per route, or {@code null} for all 1
     * @return every item found by a route of positive weight, best first
     */
    public static <T> List<Fused<T>> fuse(List<? extends List<? extends T>> routes, double[] weights, int k,
                                          Function<? super T, String> idOf) {
        Objects.requireNonNull(routes, "routes");
        Objects.requireNonNull(idOf, "idOf");
        if (k < 0) {
            throw new IllegalArgumentException("k must be >= 0, was " + k);
        }
        int n = routes.size();
        double[] w = checkWeights(weights, n);
        Map<String, Fused<T>> byId = new HashMap<>();
        List<String> order = new ArrayList<>();
        for (int r = 0; r < n; r++) {
            List<? extends T> route = Objects.requireNonNull(routes.get(r), "route is null");
            int rank = 0;
            for (T item : route) {
                rank++;
                Objects.requireNonNull(item, "route contains a null item");
                String id = Objects.requireNonNull(idOf.apply(item), "an item has a null id");
                Fused<T> acc = byId.get(id);
                if (acc == null) {
                    acc = new Fused<>(id, item, 0, new int[n]);
                    byId.put(id, acc);
                    order.add(id);
                }
                if (acc.ranks()[r] == 0) {
                    acc.ranks()[r] = rank;
                }
            }
        }
        List<Fused<T>> fused = new ArrayList<>(byId.size());
        for (String id : order) {
            Fused<T> acc = byId.get(id);
            int[] ranks = acc.ranks();
            double score = 0;
            boolean counted = false;
            for (int r = 0; r < n; r++) { // summed in route order: the same input gives the same double
                if (ranks[r] > 0 && w[r] > 0) {
                    score += w[r] / (k + (double) ranks[r]);
                    counted = true;
                }
            }
            if (counted) {
                fused.add(new Fused<>(id, acc.item(), score, ranks));
            }
        }
        fused.sort(ORDER);
        return fused;
    }

    /**
     * Fuses scored lists (best first) by a convex combination of normalized scores.
     *
     * @param weights one finite, non-negative weight per route, or {@code null} for all 1
     * @param scoreOf an item's score within its route, higher is better, finite
     * @return every item found by a route of positive weight, best first
     */
    public static <T> List<Fused<T>> fuseScores(List<? extends List<? extends T>> routes, double[] weights,
                                                Fusion.Normalization normalization, Function<? super T, String> idOf,
                                                ToDoubleFunction<? super T> scoreOf) {
        Objects.requireNonNull(routes, "routes");
        Objects.requireNonNull(normalization, "normalization");
        Objects.requireNonNull(idOf, "idOf");
        Objects.requireNonNull(scoreOf, "scoreOf");
        int n = routes.size();
        double[] w = checkWeights(weights, n);
        Map<String, Fused<T>> byId = new HashMap<>();
        Map<String, double[]> normById = new HashMap<>();
        List<String> order = new ArrayList<>();
        double[] floor = new double[n]; // the normalized score of a document the route did not return
        for (int r = 0; r < n; r++) {
            List<? extends T> route = Objects.requireNonNull(routes.get(r), "route is null");
            double[] s = new double[route.size()];
            for (int i = 0; i < s.length; i++) {
                T item = Objects.requireNonNull(route.get(i), "route contains a null item");
                s[i] = scoreOf.applyAsDouble(item);
                if (!Double.isFinite(s[i])) {
                    throw new IllegalArgumentException("route " + r + " has a score that is not finite: " + s[i]);
                }
            }
            double[] norm = normalize(s, normalization);
            floor[r] = Double.POSITIVE_INFINITY;
            for (double x : norm) {
                floor[r] = Math.min(floor[r], x);
            }
            if (norm.length == 0) {
                floor[r] = 0;
            }
            for (int i = 0; i < s.length; i++) {
                T item = route.get(i);
                String id = Objects.requireNonNull(idOf.apply(item), "an item has a null id");
                Fused<T> acc = byId.get(id);
                if (acc == null) {
                    acc = new Fused<>(id, item, 0, new int[n]);
                    byId.put(id, acc);
                    normById.put(id, new double[n]);
                    order.add(id);
                }
                if (acc.ranks()[r] == 0) {
                    acc.ranks()[r] = i + 1;
                    normById.get(id)[r] = norm[i];
                }
            }
        }
        List<Fused<T>> fused = new ArrayList<>(byId.size());
        for (String id : order) {
            Fused<T> acc = byId.get(id);
            int[] ranks = acc.ranks();
            double[] norm = normById.get(id);
            double score = 0;
            boolean counted = false;
            for (int r = 0; r < n; r++) { // summed in route order: the same input gives the same double
                if (w[r] > 0) {
                    score += w[r] * (ranks[r] > 0 ? norm[r] : floor[r]);
                    counted |= ranks[r] > 0;
                }
            }
            if (counted) {
                fused.add(new Fused<>(id, acc.item(), score, ranks));
            }
        }
        fused.sort(ORDER);
        return fused;
    }

    /** Scores of one route, normalized; a list of one score (or all equal) normalizes to 1s (min-max) or 0s. */
    public static double[] normalize(double[] s, Fusion.Normalization normalization) {
        double[] out = new double[s.length];
        if (s.length == 0) {
            return out;
        }
        if (normalization == Fusion.Normalization.MIN_MAX) {
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            for (double x : s) {
                min = Math.min(min, x);
                max = Math.max(max, x);
            }
            double range = max - min;
            for (int i = 0; i < s.length; i++) {
                out[i] = range > 0 ? (s[i] - min) / range : 1.0;
            }
            return out;
        }
        double mean = 0;
        for (double x : s) {
            mean += x;
        }
        mean /= s.length;
        double var = 0;
        for (double x : s) {
            var += (x - mean) * (x - mean);
        }
        double sd = Math.sqrt(var / s.length);
        for (int i = 0; i < s.length; i++) {
            out[i] = sd > 0 ? (s[i] - mean) / sd : 0.0;
        }
        return out;
    }

    private static final Comparator<Fused<?>> ORDER = Comparator.<Fused<?>>comparingDouble(Fused::score).reversed()
            .thenComparingInt(Fused::bestRank)
            .thenComparing(Fused::id);

    static double[] checkWeights(double[] weights, int routes) {
        if (weights == null) {
            double[] ones = new double[routes];
            Arrays.fill(ones, 1.0);
            return ones;
        }
        if (weights.length != routes) {
            throw new IllegalArgumentException(
                    weights.length + " weights given for " + routes + " routes; give one weight per route");
        }
        for (int r = 0; r < routes; r++) {
            if (!Double.isFinite(weights[r]) || weights[r] < 0) {
                throw new IllegalArgumentException(
                        "weight of route " + r + " must be finite and >= 0, was " + weights[r]);
            }
        }
        return weights.clone();
    }
}
