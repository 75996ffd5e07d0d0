package dev.neuralsearch.core;

import java.util.Objects;

/**
 * One query of a {@link MultiRouteSearch} being set up:
 * {@code search.query("text").filter(...).limit(10).depth(100).execute()}. A one-thread builder.
 */
public final class MultiRouteQuery {

    private final MultiRouteSearch search;
    private final String text;
    private Filter filter = Filter.ALL;
    private int limit = AbstractQuery.DEFAULT_LIMIT;
    private Integer depth;
    private Fusion fusion;

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

    /** Runs every route, then fuses: each route's hits and the fused list. */
    public MultiRouteResult execute() {
        return search.run(this);
    }
}
