package dev.neuralsearch.train.bi;

import java.util.List;
import java.util.Objects;

/**
 * One training example: a query, a passage relevant to it, and optional negatives (passages that are not).
 *
 * @param queryId    groups the pairs of one query (the BEIR query id, or the query text for a TSV); the
 *                   validation split never separates a query's pairs, and a batch never holds the same query twice
 * @param query      query text, without any prefix
 * @param positiveId the positive's corpus id (BEIR), or null
 * @param positive   passage text, without any prefix
 * @param negatives  negative passages (from the pair file's extra columns, or mined), possibly empty
 */
public record TrainingPair(String queryId, String query, String positiveId, String positive, List<String> negatives) {
    public TrainingPair {
        Objects.requireNonNull(queryId, "queryId");
        Objects.requireNonNull(query, "query");
        Objects.requireNonNull(positive, "positive");
        negatives = List.copyOf(negatives);
    }

    /** The same pair with other negatives. */
    public TrainingPair withNegatives(List<String> newNegatives) {
        return new TrainingPair(queryId, query, positiveId, positive, newNegatives);
    }
}
