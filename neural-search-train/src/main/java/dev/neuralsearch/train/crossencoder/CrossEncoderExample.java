package dev.neuralsearch.train.crossencoder;

import java.util.List;
import java.util.Objects;

/**
 * One training example: a query, one relevant passage, and a pool of negative passages to sample from (ranked,
 * hardest first, when mined).
 *
 * @param queryId   the query's id (a BEIR id, or the row number of a TSV file)
 * @param query     query text
 * @param positive  a relevant passage
 * @param negatives candidate negative passages (at least one)
 */
public record CrossEncoderExample(String queryId, String query, String positive, List<String> negatives) {
    public CrossEncoderExample {
        Objects.requireNonNull(queryId, "queryId");
        if (query == null || query.isBlank()) {
            throw new IllegalArgumentException("example " + queryId + ": empty query");
        }
        if (positive == null || positive.isBlank()) {
            throw new IllegalArgumentException("example " + queryId + ": empty positive passage");
        }
        negatives = List.copyOf(negatives);
        if (negatives.isEmpty()) {
            throw new IllegalArgumentException("example " + queryId + ": no negative passages");
        }
    }
}
