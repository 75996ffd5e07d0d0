package dev.neuralsearch.core;

/** One result of a retrieval route: a document and its score (higher is better). */
public record ScoredDocument(Document document, float score) {
}
