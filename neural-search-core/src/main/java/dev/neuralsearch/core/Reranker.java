package dev.neuralsearch.core;

import java.util.List;

/** A second-stage ranker: scores (query, passage) pairs; higher is more relevant. Thread-safe. */
public interface Reranker extends AutoCloseable {

    /** A stable name for the model, for logs and reports. */
    String id();

    /** One score per passage, in the order given. */
    float[] score(String query, List<String> passages);

    @Override
    void close();
}
