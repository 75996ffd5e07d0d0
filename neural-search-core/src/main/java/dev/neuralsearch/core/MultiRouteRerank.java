package dev.neuralsearch.core;

import java.util.ArrayList;
import java.util.List;

/**
 * The rerank stage of a {@link MultiRouteSearch}: its rules (depth, mix, a reranker needed) and the reordering of
 * the top fused hits by {@link ScoreMix}.
 *
 * @param reranker     the reranker, or null when the search has none
 * @param defaultDepth the depth of queries that set none, or null for {@code max(limit, }{@value
 *                     AbstractQuery#DEFAULT_RERANK_DEPTH}{@code )}
 * @param mix          the reranker's weight in the mix of queries that set none
 */
record MultiRouteRerank(Reranker reranker, Integer defaultDepth, double mix) {

    /**
     * The query's rerank depth before it is bounded by the fused hits (0: off); checks the rules before any work.
     */
    int depth(MultiRouteQuery q, int routeDepth, int routes) {
        Integer asked = q.rerank();
        if (reranker == null) {
            if (asked != null && asked > 0) {
                throw new IllegalStateException("rerank(" + asked + ") asked, but this MultiRouteSearch has no"
                        + " reranker; configure one with MultiRouteSearch.builder().reranker(...)");
            }
            if (q.rerankMix() != null) {
                throw new IllegalStateException("rerankMix(" + q.rerankMix() + ") asked, but this MultiRouteSearch"
                        + " has no reranker; configure one with MultiRouteSearch.builder().reranker(...)");
            }
            return 0;
        }
        int mostFused = routeDepth * routes;
        if (asked != null && asked > mostFused) {
            throw new IllegalArgumentException("rerank depth " + asked + " is above the " + mostFused
                    + " candidates the routes can recall (route depth " + routeDepth + " x " + routes
                    + " routes): only fused candidates can be reranked");
        }
        if (asked != null) {
            return asked;
        }
        return defaultDepth != null ? defaultDepth : Math.max(q.limit(), AbstractQuery.DEFAULT_RERANK_DEPTH);
    }

    /** The query's mix weight, else the search's. */
    double mix(MultiRouteQuery q) {
        return q.rerankMix() != null ? q.rerankMix() : mix;
    }

    /**
     * The best {@code limit} of {@code top} (the top fused hits, best first) in the order of the mix, each with the
     * reranker's score and its place after the mix.
     */
    List<Hit> rerank(String text, List<Hit> top, double weight, int limit) {
        int d = top.size();
        List<String> passages = new ArrayList<>(d);
        float[] recall = new float[d];
        for (int i = 0; i < d; i++) {
            passages.add(top.get(i).text());
            recall[i] = top.get(i).recallScore();
        }
        float[] scores = reranker.score(text, passages);
        if (scores == null || scores.length != d) {
            throw new IllegalStateException("reranker " + reranker.id() + " returned "
                    + (scores == null ? "null" : scores.length + " scores") + " for " + d + " passages");
        }
        int[] order = ScoreMix.order(recall, scores, d, weight);
        List<Hit> out = new ArrayList<>(Math.min(d, limit));
        for (int r = 0; r < d && r < limit; r++) {
            Hit h = top.get(order[r]);
            out.add(new Hit(h.id(), h.text(), h.metadata(), h.recallScore(), h.recallRank(), scores[order[r]],
                    r + 1, h.routeRanks()));
        }
        return out;
    }
}
