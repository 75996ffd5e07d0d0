package dev.neuralsearch.core;

import java.util.Map;

/**
 * One ranked result of a query.
 *
 * @param recallScore score from the recall stage: the vector similarity for a dense query, the BM25 score for a
 *                    lexical one, the reciprocal-rank-fusion score for a hybrid one
 * @param recallRank 1-based rank in the recall stage (after fusion for a hybrid query)
 * @param rerankScore score from the reranker, or {@code null} when the hit was not reranked
 * @param rerankRank 1-based rank after reranking, or {@code null} when not reranked
 * @param routeRanks the 1-based rank of this hit in each recall route that found it, keyed by route name
 *                   ({@code "dense"}, {@code "lexical"}; a {@link MultiRouteSearch}'s route names); a route that did not
 *                   find it has no entry
 */
public record Hit(String id, String text, Map<String, Object> metadata,
                  float recallScore, int recallRank, Float rerankScore, Integer rerankRank,
                  Map<String, Integer> routeRanks) {

    public Hit {
        // in the order given (route order), unlike Map.copyOf; nulls refused as Map.copyOf refuses them
        if (routeRanks == null || routeRanks.isEmpty()) {
            routeRanks = Map.of();
        } else {
            routeRanks.forEach((k, v) -> java.util.Objects.requireNonNull(v, "rank of route " + k));
            routeRanks = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(routeRanks));
        }
    }

    /** A hit of a single dense route (the form before hybrid search): {@code routeRanks = {dense: recallRank}}. */
    public Hit(String id, String text, Map<String, Object> metadata,
               float recallScore, int recallRank, Float rerankScore, Integer rerankRank) {
        this(id, text, metadata, recallScore, recallRank, rerankScore, rerankRank,
                Map.of(Route.DENSE.key(), recallRank));
    }

    public boolean reranked() {
        return rerankScore != null;
    }

    /**
     * The score that decided this hit's final position: the reranker's score when reranked, else the recall score.
     * (A {@link MultiRouteSearch} rerank with a mix weight below 1 orders by the mix instead; see its class comment.)
     */
    public float score() {
        return rerankScore != null ? rerankScore : recallScore;
    }

    /** The 1-based rank of this hit in {@code route}, or 0 when that route did not find it. */
    public int rank(Route route) {
        return routeRanks.getOrDefault(route.key(), 0);
    }

    /** The 1-based rank of this hit in the route named {@code route} (e.g. a {@link MultiRouteSearch} route), or 0. */
    public int rank(String route) {
        return routeRanks.getOrDefault(route, 0);
    }
}
