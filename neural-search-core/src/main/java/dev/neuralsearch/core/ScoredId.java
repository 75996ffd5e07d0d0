package dev.neuralsearch.core;

/**
 * One result of a retrieval route without its document: the document's id and its score (higher is better). What
 * {@link VectorIndex#searchIds} returns, for callers that keep documents elsewhere or fetch only the few they show.
 */
public record ScoredId(String id, float score) {
}
