package dev.neuralsearch.train.crossencoder;

import java.util.List;
import java.util.Objects;

/**
 * One training example: a query, one relevant passage, and a pool of negative passages to sample from (ranked,
 * hardest first, when mined). For distillation ({@link DistillData}) the "positive" is the teacher's best candidate,
 * the negatives its next ones, and {@code teacher} holds the teacher's scores of all of them (positive first).
 *
 * @param queryId   the query's id (a BEIR id, or the row number of a TSV file)
 * @param query     query text
 * @param positive  a relevant passage
 * @param negatives candidate negative passages (at least one)
 * @param teacher   teacher scores of {@code [positive, negatives...]}, or null without a teacher
 */
public record CrossEncoderExample(String queryId, String query, String positive, List<String> negatives,
                                  List<Float> teacher) {
    /** An example of binary labels (no teacher scores). */
    public CrossEncoderExample(String queryId, String query, String positive, List<String> negatives) {
        this(queryId, query, positive, negatives, null);
    }

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
        if (teacher != null) {
            teacher = List.copyOf(teacher);
            if (teacher.size() != 1 + negatives.size()) {
                throw new IllegalArgumentException("example " + queryId + ": " + teacher.size()
                        + " teacher scores for " + (1 + negatives.size()) + " passages");
            }
        }
    }
}
