package dev.neuralsearch.core;

import java.util.List;

/**
 * The answer to one query: the ranked hits (best first) and the time each stage took.
 *
 * @param query the query text as given
 * @param hits at most the query's limit, best first
 * @param recalled how many candidates the recall stage returned (before the limit was applied)
 * @param reranked how many of them the reranker scored (0 when the query was not reranked)
 */
public record SearchResult(String query, List<Hit> hits, int recalled, int reranked, SearchTimings timings) {
    public SearchResult {
        hits = List.copyOf(hits);
    }
}
