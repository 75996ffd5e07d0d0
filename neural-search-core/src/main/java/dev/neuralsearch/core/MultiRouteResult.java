package dev.neuralsearch.core;

import java.util.List;
import java.util.Map;

/**
 * The answer of a {@link MultiRouteSearch} query.
 *
 * @param query  the query text
 * @param routes each route's own hits, best first, up to the route depth, in route order (dense routes as added,
 *               then {@value MultiRouteSearch#LEXICAL}); a dense hit's {@link Hit#recallScore()} is its vector
 *               similarity, a lexical one's its BM25 score
 * @param fused  the answer, best first, up to the query's limit: the fused list, its top {@code reranked} hits
 *               reordered by the rerank stage; {@link Hit#recallScore()} and {@link Hit#recallRank()} are the fused
 *               score and rank, {@link Hit#routeRanks()} the hit's 1-based rank in each route that returned it, keyed
 *               by route name; a reranked hit also has {@link Hit#rerankScore()} (the reranker's score) and
 *               {@link Hit#rerankRank()} (its place after the mix)
 * @param fusion the fusion that made {@code fused}
 * @param routeNanos wall time of each route (query encoding included for a dense route), in route order
 * @param reranked how many of the best fused hits the reranker scored (0: not reranked)
 * @param rerankNanos wall time of the rerank stage (reranker and mix), 0 when not reranked
 */
public record MultiRouteResult(String query, Map<String, List<Hit>> routes, List<Hit> fused, Fusion fusion,
                               Map<String, Long> routeNanos, int reranked, long rerankNanos) {
    public MultiRouteResult {
        routes = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(routes));
        routeNanos = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(routeNanos));
        fused = List.copyOf(fused);
    }

    /** A result that was not reranked. */
    public MultiRouteResult(String query, Map<String, List<Hit>> routes, List<Hit> fused, Fusion fusion,
                            Map<String, Long> routeNanos) {
        this(query, routes, fused, fusion, routeNanos, 0, 0);
    }

    /** One route's hits. */
    public List<Hit> route(String name) {
        List<Hit> hits = routes.get(name);
        if (hits == null) {
            throw new IllegalArgumentException("no route '" + name + "'; routes are " + routes.keySet());
        }
        return hits;
    }
}
