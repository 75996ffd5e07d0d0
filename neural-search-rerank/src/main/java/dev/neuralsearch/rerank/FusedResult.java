package dev.neuralsearch.rerank;

import java.util.Arrays;
import java.util.Objects;
import java.util.stream.IntStream;

/**
 * One item of a fused ranking: the item as the first route that found it gave it, its fused score, and
 * the 1-based rank it had in each route (so a hit can say which routes found it).
 *
 * @param <T> the ranked item ({@link String} ids, {@link dev.neuralsearch.core.ScoredDocument}s, ...)
 */
public final class FusedResult<T> {
    private final String id;
    private final T item;
    private final double score;
    private final int[] ranks;

    FusedResult(String id, T item, double score, int[] ranks) {
        this.id = Objects.requireNonNull(id, "id");
        this.item = Objects.requireNonNull(item, "item");
        this.score = score;
        this.ranks = ranks;
    }

    public String id() {
        return id;
    }

    /** The item as given by the first route (in route order) that contained it. */
    public T item() {
        return item;
    }

    /** The fused score: Σ over the routes that found the item of {@code weight / (k + rank)}. */
    public double score() {
        return score;
    }

    /** How many routes were fused (the length of {@link #ranks()}). */
    public int routeCount() {
        return ranks.length;
    }

    /** The 1-based rank of this item in route {@code route}, or 0 when that route did not return it. */
    public int rank(int route) {
        return ranks[route];
    }

    /** A copy of the per-route ranks, index = route, 0 = not found by that route. */
    public int[] ranks() {
        return ranks.clone();
    }

    public boolean foundBy(int route) {
        return ranks[route] > 0;
    }

    /** The indices of the routes that returned this item, ascending. */
    public int[] routes() {
        return IntStream.range(0, ranks.length).filter(r -> ranks[r] > 0).toArray();
    }

    /** The best (smallest) rank over the routes that found the item. */
    public int bestRank() {
        int best = Integer.MAX_VALUE;
        for (int r : ranks) {
            if (r > 0 && r < best) {
                best = r;
            }
        }
        return best;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FusedResult<?> f && id.equals(f.id) && item.equals(f.item)
                && Double.compare(score, f.score) == 0 && Arrays.equals(ranks, f.ranks);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, score, Arrays.hashCode(ranks));
    }

    @Override
    public String toString() {
        return "FusedResult[id=" + id + ", score=" + score + ", ranks=" + Arrays.toString(ranks) + "]";
    }
}
