package dev.neuralsearch.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Reciprocal rank fusion (Cormack, Clarke and Büttcher, SIGIR 2009): {@code score(d) = Σ_r w_r / (k + rank_r(d))}
 * over the routes {@code r} that returned {@code d}, 1-based ranks. The one implementation in the project: the
 * query pipeline uses it for hybrid queries and {@code dev.neuralsearch.rerank.ReciprocalRankFusion} delegates to it.
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
