package dev.neuralsearch.core;

import java.util.List;
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
 * {@code limit >= 1}; {@code recall >= limit} (for a hybrid query: dense + lexical depth {@code >= limit});
 * {@code 0 <= rerank <= recall}; {@code rerank > 0} needs a
 * reranker. When {@code rerank < limit}, the hits past the reranked ones keep their recall order and carry no
 * rerank score.
 */
public abstract sealed class AbstractQuery<Q extends AbstractQuery<Q>> permits Query, BatchQuery {

    public static final int DEFAULT_LIMIT = 10;
    public static final int DEFAULT_RERANK_DEPTH = 100;
    /** Least per-route recall depth of a hybrid query when none is given. */
    public static final int DEFAULT_FUSION_DEPTH = 100;

    final NeuralSearch engine;
    private Filter filter = Filter.ALL;
    private int limit = DEFAULT_LIMIT;
    private Integer recall;
    private Integer rerank;
    private SearchOptions options = SearchOptions.DEFAULT;
    private boolean exact;
    private Integer lexical;
    private java.util.EnumSet<Route> routes;
    private Fusion fusion = Fusion.DEFAULT;

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

    /**
     * How many candidates the dense (vector) route returns for the later stages (recall depth); must be >= limit.
     * Same as {@link #dense(int)}.
     */
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

    /** Turns the dense (vector) route on with this recall depth (same as {@link #recall(int)}). */
    public Q dense(int depth) {
        return recall(depth);
    }

    /**
     * Turns the lexical (BM25) route on with this recall depth; must be >= limit. Alone it makes a lexical query
     * (the query is not encoded); with {@link #dense(int)}/{@link #recall(int)} or {@link #routes} a hybrid one,
     * whose routes are fused by {@link #fusion(Fusion)} ({@link Fusion#DEFAULT} unless set). Needs an index with a
     * lexical route.
     */
    public Q lexical(int depth) {
        if (depth < 1) {
            throw new IllegalArgumentException("lexical recall depth must be >= 1, was " + depth);
        }
        this.lexical = depth;
        return self();
    }

    /**
     * Which recall routes run. Routes without an explicit depth recall {@code max(limit, rerank)} candidates, at
     * least {@value #DEFAULT_FUSION_DEPTH} each when two routes are fused. Default: dense, plus lexical when
     * {@link #lexical(int)} was called (lexical alone when neither {@link #dense(int)} nor {@link #recall(int)} was).
     */
    public Q routes(Route... routes) {
        if (routes.length == 0) {
            throw new IllegalArgumentException("routes: give at least one route");
        }
        this.routes = java.util.EnumSet.copyOf(java.util.Arrays.asList(routes));
        return self();
    }

    /**
     * How a hybrid query merges its routes (default {@link Fusion#DEFAULT}); weights are given in route order
     * dense, lexical, e.g. {@code fusion(Fusion.rrf(60, 1, 1))} or {@code fusion(Fusion.convex(MIN_MAX, 0.7, 0.3))}.
     */
    public Q fusion(Fusion fusion) {
        Fusion f = Objects.requireNonNull(fusion, "fusion");
        if (f.weights() != null && f.weights().size() != 2) {
            throw new IllegalArgumentException("a hybrid query has 2 routes (dense, lexical); the fusion has "
                    + f.weights().size() + " weights");
        }
        this.fusion = f;
        return self();
    }

    /** The route weights of the current fusion (default as in {@link Fusion#DEFAULT}); finite and >= 0, not both 0. */
    public Q weights(double dense, double lexical) {
        RankFusion.checkWeights(new double[] {dense, lexical}, 2);
        if (dense == 0 && lexical == 0) {
            throw new IllegalArgumentException("fusion weights are both 0");
        }
        this.fusion = fusion.withWeights(dense, lexical);
        return self();
    }

    /**
     * Reciprocal rank fusion with this k: an RRF fusion keeps its weights, any other becomes
     * {@code Fusion.rrf(k)} (weights 1 and 1).
     */
    public Q fusionK(int k) {
        if (k < 0) {
            throw new IllegalArgumentException("fusion k must be >= 0, was " + k);
        }
        List<Double> w = fusion.weights();
        this.fusion = fusion instanceof Fusion.Rrf && w != null ? Fusion.rrf(k, w.get(0), w.get(1)) : Fusion.rrf(k);
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
        java.util.Set<Route> active = routes != null ? routes
                : lexical == null ? java.util.EnumSet.of(Route.DENSE)
                : recall == null ? java.util.EnumSet.of(Route.LEXICAL)
                : java.util.EnumSet.of(Route.DENSE, Route.LEXICAL);
        if (active.contains(Route.LEXICAL) && !engine.supportsLexical()) {
            throw new IllegalStateException("a lexical route was asked, but this NeuralSearch's index has none"
                    + " (JVectorIndex keeps one; other VectorIndex implementations may not)");
        }
        if (!active.contains(Route.DENSE) && recall != null) {
            throw new IllegalArgumentException("recall/dense depth " + recall + " given, but the dense route is off");
        }
        if (!active.contains(Route.LEXICAL) && lexical != null) {
            throw new IllegalArgumentException("lexical depth " + lexical + " given, but the lexical route is off");
        }
        if (active.size() == 1 && lexical != null && lexical < limit) {
            throw new IllegalArgumentException("lexical recall depth " + lexical + " is below the limit " + limit
                    + ": recall at least as many candidates as hits wanted");
        }
        if (active.size() > 1) {
            int base = Math.max(limit, rerank != null ? rerank : hasReranker ? DEFAULT_RERANK_DEPTH : 0);
            int dense = recall != null ? recall : Math.max(base, DEFAULT_FUSION_DEPTH);
            int lex = lexical != null ? lexical : Math.max(base, DEFAULT_FUSION_DEPTH);
            int total = dense + lex;
            if (total < limit) {
                throw new IllegalArgumentException("recall depths " + dense + " + " + lex + " are below the limit "
                        + limit + ": recall at least as many candidates as hits wanted");
            }
            if (rerank != null && rerank > total) {
                throw new IllegalArgumentException("rerank depth " + rerank + " is above the recall depths "
                        + dense + " + " + lex + ": only recalled candidates can be reranked");
            }
            int rerankDepth = rerank != null ? rerank : hasReranker ? Math.min(Math.max(limit, DEFAULT_RERANK_DEPTH), total) : 0;
            return new Plan(filter, limit, total, rerankDepth, options, exact, dense, lex, fusion);
        }
        if (active.contains(Route.LEXICAL)) {
            Plan p = single(lexical);
            return new Plan(p.filter(), p.limit(), p.recall(), p.rerank(), p.options(), p.exact(), 0, p.recall(),
                    fusion);
        }
        Plan p = single(recall);
        return new Plan(p.filter(), p.limit(), p.recall(), p.rerank(), p.options(), p.exact(), p.recall(), 0,
                fusion);
    }

    /** The plan of a one-route query whose explicit depth is {@code recall} (null: default). */
    private Plan single(Integer recall) {
        boolean hasReranker = engine.hasReranker();
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
        return new Plan(filter, limit, recallDepth, rerankDepth, options, exact, recallDepth, 0, fusion);
    }

    /**
     * A query's settings after defaults. {@code recall} is the most candidates the later stages get (the sum of
     * the route depths when two routes are fused); a depth of 0 turns a route off.
     */
    record Plan(Filter filter, int limit, int recall, int rerank, SearchOptions options, boolean exact,
                int denseDepth, int lexicalDepth, Fusion fusion) {
        boolean hybrid() {
            return denseDepth > 0 && lexicalDepth > 0;
        }
    }
}
