package dev.neuralsearch.core;

import java.util.Map;

/**
 * One ranked result of a query.
 *
 * @param recallScore similarity from the recall stage (the vector index)
 * @param recallRank 1-based rank in the recall stage
 * @param rerankScore score from the reranker, or {@code null} when the hit was not reranked
 * @param rerankRank 1-based rank after reranking, or {@code null} when not reranked
 */
public record Hit(String id, String text, Map<String, Object> metadata,
                  float recallScore, int recallRank, Float rerankScore, Integer rerankRank) {

    public boolean reranked() {
        return rerankScore != null;
    }

    /** The score that decided this hit's final position. */
    public float score() {
        return rerankScore != null ? rerankScore : recallScore;
    }
}
