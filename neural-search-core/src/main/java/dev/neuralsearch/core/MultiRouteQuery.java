package dev.neuralsearch.core;

import java.util.Objects;

/**
 * One query of a {@link MultiRouteSearch} being set up:
 * {@code search.query("text").filter(...).limit(10).depth(100).rerank(30).execute()}. A one-thread builder.
 */
public final class MultiRouteQuery {

    private final MultiRouteSearch search;
    private final String text;
    private Filter filter = Filter.ALL;
    private int limit = AbstractQuery.DEFAULT_LIMIT;
    private Integer depth;
    private Fusion fusion;
    private Integer rerank;
    private Double rerankMix;

    MultiRouteQuery(MultiRouteSearch search, String text) {
        this.search = search;
        this.text = text;
    }

    public String text() {
        return text;
    }

    /** Only documents whose metadata match, on every route. */
    public MultiRouteQuery filter(Filter filter) {
        this.filter = Objects.requireNonNull(filter, "filter");
        return this;
    }

    /** How many fused hits to return (default {@value AbstractQuery#DEFAULT_LIMIT}). */
    public MultiRouteQuery limit(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be >= 1, was " + limit);
        }
        this.limit = limit;
        return this;
    }

    /**
     * How many hits each route recalls for the fusion (default {@code max(limit, }{@value
     * MultiRouteSearch#DEFAULT_DEPTH}{@code )}); must be >= limit.
     */
    public MultiRouteQuery depth(int depth) {
        if (depth < 1) {
            throw new IllegalArgumentException("route depth must be >= 1, was " + depth);
        }
        this.depth = depth;
        return this;
    }

    /** This query's fusion instead of the search's; weights, if any, one per route in route order. */
    public MultiRouteQuery fusion(Fusion fusion) {
        this.fusion = Objects.requireNonNull(fusion, "fusion");
        return this;
    }

    /**
     * How many of the best fused hits the reranker reorders (default: the search's
     * {@link MultiRouteSearch.Builder#rerankDepth}); 0 turns reranking off for this query. Needs a reranker when
     * above 0; at most route depth × routes, and bounded by the hits the fusion returned. The fused hits past it
     * keep their fused order below the reranked ones.
     */
    public MultiRouteQuery rerank(int depth) {
        if (depth < 0) {
            throw new IllegalArgumentException("rerank depth must be >= 0, was " + depth);
        }
        this.rerank = depth;
        return this;
    }

    /**
     * This query's rerank mix weight {@code w} in [0, 1] instead of the search's: the reranked hits are ordered by
     * {@code (1 - w) · z(fused score) + w · z(reranker score)} ({@link ScoreMix}). Needs a reranker.
     */
    public MultiRouteQuery rerankMix(double weight) {
        this.rerankMix = ScoreMix.checkWeight(weight);
        return this;
    }

    Integer rerank() {
        return rerank;
    }

    Double rerankMix() {
        return rerankMix;
    }

    Filter filter() {
        return filter;
    }

    int limit() {
        return limit;
    }

    int depth() {
        int d = depth != null ? depth : Math.max(limit, MultiRouteSearch.DEFAULT_DEPTH);
        if (d < limit) {
            throw new IllegalArgumentException("route depth " + d + " is below the limit " + limit
                    + ": recall at least as many candidates as hits wanted");
        }
        return d;
    }

    Fusion fusion() {
        return fusion;
    }

    /** Runs every route, fuses, then reranks the top fused hits when a reranker is set: each route's hits and the result. */
    public MultiRouteResult execute() {
        return search.run(this);
    }
}
