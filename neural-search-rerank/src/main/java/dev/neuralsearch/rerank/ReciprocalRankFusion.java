package dev.neuralsearch.rerank;

import dev.neuralsearch.core.RankFusion;
import dev.neuralsearch.core.ScoredDocument;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * Reciprocal rank fusion (Cormack, Clarke and Büttcher, SIGIR 2009) of several ranked lists, for example a
 * dense and a lexical recall route.
 *
 * <p>{@code score(d) = Σ_r w_r / (k + rank_r(d))} over the routes {@code r} that returned {@code d}, with
 * 1-based ranks. Only ranks matter: the routes' own scores, which are not comparable, are ignored.
 *
 * <ul>
 *   <li>Ties are broken deterministically: higher fused score first, then the better (smaller) best
 *       single rank, then the id in {@link String#compareTo} order.</li>
 *   <li>An id that occurs twice in one route counts once, at its first (best) rank.</li>
 *   <li>A route of weight 0 adds no score and no items of its own, but its ranks are still reported for
 *       the items other routes found (handy for ablations).</li>
 * </ul>
 *
 * <p>The arithmetic is {@link RankFusion}'s (core), which the hybrid query pipeline uses too.
 *
 * <p>Immutable and thread-safe.
 */
public final class ReciprocalRankFusion {

    /** The k of the original paper; it damps the advantage of the very first ranks. */
    public static final int DEFAULT_K = 60;

    private final int k;

    /** Fusion with {@code k = 60}. */
    public ReciprocalRankFusion() {
        this(DEFAULT_K);
    }

    public ReciprocalRankFusion(int k) {
        if (k < 0) {
            throw new IllegalArgumentException("k must be >= 0, was " + k);
        }
        this.k = k;
    }

    public int k() {
        return k;
    }

    /** Fuses ranked id lists, every route with weight 1. */
    public List<FusedResult<String>> fuseIds(List<? extends List<String>> routes) {
        return fuse(routes, null, Function.identity());
    }

    /** Fuses ranked id lists with one weight per route. */
    public List<FusedResult<String>> fuseIds(List<? extends List<String>> routes, double... weights) {
        return fuse(routes, weights, Function.identity());
    }

    /** Fuses ranked document lists (best first, as a {@link dev.neuralsearch.core.VectorIndex} returns them), weight 1 each. */
    public List<FusedResult<ScoredDocument>> fuseDocuments(List<? extends List<ScoredDocument>> routes) {
        return fuse(routes, null, ReciprocalRankFusion::documentId);
    }

    /** Fuses ranked document lists with one weight per route. */
    public List<FusedResult<ScoredDocument>> fuseDocuments(List<? extends List<ScoredDocument>> routes,
                                                           double... weights) {
        return fuse(routes, weights, ReciprocalRankFusion::documentId);
    }

    /**
     * Fuses ranked lists of any item type.
     *
     * @param routes  the ranked lists, best first; none may be null or contain null
     * @param weights one finite, non-negative weight per route, or {@code null} for all 1
     * @param idOf    the identity of an item across routes
     * @return every item found by a route of positive weight, best first
     */
    public <T> List<FusedResult<T>> fuse(List<? extends List<? extends T>> routes, double[] weights,
                                         Function<? super T, String> idOf) {
        List<RankFusion.Fused<T>> fused = RankFusion.fuse(routes, weights, k, idOf);
        List<FusedResult<T>> out = new ArrayList<>(fused.size());
        for (RankFusion.Fused<T> f : fused) {
            out.add(new FusedResult<>(f.id(), f.item(), f.score(), f.ranks()));
        }
        return out;
    }

    /** Turns fused documents back into {@link ScoredDocument}s whose score is the fused score. */
    public static List<ScoredDocument> toScoredDocuments(List<FusedResult<ScoredDocument>> fused) {
        List<ScoredDocument> out = new ArrayList<>(fused.size());
        for (FusedResult<ScoredDocument> f : fused) {
            out.add(new ScoredDocument(f.item().document(), (float) f.score()));
        }
        return out;
    }

    private static String documentId(ScoredDocument d) {
        return d.document().id();
    }
}
