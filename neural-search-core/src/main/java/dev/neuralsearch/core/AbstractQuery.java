package dev.neuralsearch.core;

import java.util.Objects;

/**
 * The knobs every query shares: filter, result limit, recall depth, rerank depth. Obtained from
 * {@link NeuralSearch#query(String)} or {@link NeuralSearch#queries(java.util.List)}; a query object is a
 * one-thread builder, the engine behind it is thread-safe.
 *
 * <h2>Defaults</h2>
 * <ul>
 *   <li>{@code limit}: {@value #DEFAULT_LIMIT}.</li>
 *   <li>{@code rerank}: when the engine has a reranker, {@code min(max(limit, }{@value #DEFAULT_RERANK_DEPTH}
 *       {@code ), recall)}; when it has none, 0 (not reranked).</li>
 *   <li>{@code recall}: {@code max(limit, rerank)}. Without reranking there is no use in recalling more than
 *       the limit (the index's own over-querying, {@link SearchOptions}, already widens the approximate
 *       search).</li>
 * </ul>
 *
 * <h2>Rules, checked when the query runs</h2>
 * {@code limit >= 1}; {@code recall >= limit}; {@code 0 <= rerank <= recall}; {@code rerank > 0} needs a
 * reranker. When {@code rerank < limit}, the hits past the reranked ones keep their recall order and carry no
 * rerank score.
 */
public abstract sealed class AbstractQuery<Q extends AbstractQuery<Q>> permits Query, BatchQuery {

    public static final int DEFAULT_LIMIT = 10;
    public static final int DEFAULT_RERANK_DEPTH = 100;

    final NeuralSearch engine;
    private Filter filter = Filter.ALL;
    private int limit = DEFAULT_LIMIT;
    private Integer recall;
    private Integer rerank;
    private SearchOptions options = SearchOptions.DEFAULT;
    private boolean exact;

    AbstractQuery(NeuralSearch engine) {
        this.engine = engine;
    }

    @SuppressWarnings("unchecked")
    private Q self() {
        return (Q) this;
    }

    /** Only documents whose metadata match; applied inside the index search, so {@code limit} hits still come back. */
    public Q filter(Filter filter) {
        this.filter = Objects.requireNonNull(filter, "filter");
        return self();
    }

    /** How many hits to return (default {@value #DEFAULT_LIMIT}). */
    public Q limit(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be >= 1, was " + limit);
        }
        this.limit = limit;
        return self();
    }

    /** How many candidates the vector index returns for the later stages (recall depth); must be >= limit. */
    public Q recall(int depth) {
        if (depth < 1) {
            throw new IllegalArgumentException("recall depth must be >= 1, was " + depth);
        }
        this.recall = depth;
        return self();
    }

    /**
     * How many of the recalled candidates the reranker scores (rerank depth); 0 turns reranking off for this
     * query. Must not exceed the recall depth; needs a reranker when above 0.
     */
    public Q rerank(int depth) {
        if (depth < 0) {
            throw new IllegalArgumentException("rerank depth must be >= 0, was " + depth);
        }
        this.rerank = depth;
        return self();
    }

    /** Options handed to the index's approximate search (over-querying). Ignored by {@link #exact()}. */
    public Q options(SearchOptions options) {
        this.options = Objects.requireNonNull(options, "options");
        return self();
    }

    /** Recall by exact (brute-force) search instead of the approximate graph: slower, the reference for ANN. */
    public Q exact() {
        this.exact = true;
        return self();
    }

    /** Applies the defaults and checks the rules; throws before any work is done. */
    Plan plan() {
        boolean hasReranker = engine.hasReranker();
        if (rerank != null && rerank > 0 && !hasReranker) {
            throw new IllegalStateException("rerank(" + rerank + ") asked, but this NeuralSearch has no reranker;"
                    + " configure one with NeuralSearch.builder().reranker(...)");
        }
        if (recall != null && recall < limit) {
            throw new IllegalArgumentException("recall depth " + recall + " is below the limit " + limit
                    + ": recall at least as many candidates as hits wanted");
        }
        if (recall != null && rerank != null && rerank > recall) {
            throw new IllegalArgumentException("rerank depth " + rerank + " is above the recall depth " + recall
                    + ": only recalled candidates can be reranked");
        }
        int rerankDepth;
        int recallDepth;
        if (recall != null) {
            recallDepth = recall;
            rerankDepth = rerank != null ? rerank : hasReranker ? Math.min(Math.max(limit, DEFAULT_RERANK_DEPTH), recall) : 0;
        } else {
            rerankDepth = rerank != null ? rerank : hasReranker ? Math.max(limit, DEFAULT_RERANK_DEPTH) : 0;
            recallDepth = Math.max(limit, rerankDepth);
        }
        return new Plan(filter, limit, recallDepth, rerankDepth, options, exact);
    }

    /** A query's settings after defaults. */
    record Plan(Filter filter, int limit, int recall, int rerank, SearchOptions options, boolean exact) {
    }
}
