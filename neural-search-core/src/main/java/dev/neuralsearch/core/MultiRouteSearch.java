package dev.neuralsearch.core;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Several dense routes (one encoder each) plus an optional lexical (BM25) route, fused into one ranked list.
 *
 * <p>Design: one {@link NeuralSearch} per dense route, each with its own encoder and its own index, normally in
 * sibling homes under one parent ({@code parent/bge}, {@code parent/e5}, ...). An index holds the vectors of one
 * model (its schema names the model), so a route per engine keeps every existing index, cache and check as it
 * is; this class only fans writes and queries out and fuses the answers with a {@link Fusion}. The lexical route
 * is the BM25 route of one of the engines' indexes (by default the first whose index has one).
 *
 * <pre>{@code
 * try (MultiRouteSearch search = MultiRouteSearch.builder()
 *         .route("bge", NeuralSearch.builder().encoder(bge).index(JVectorIndex.at(home.resolve("bge"))).build())
 *         .route("e5", NeuralSearch.builder().encoder(e5).index(JVectorIndex.at(home.resolve("e5"))).build())
 *         .lexical(true)
 *         .fusion(Fusion.convex(Fusion.Normalization.Z_SCORE, 0.4, 0.3, 0.3)) // bge, e5, lexical
 *         .build()) {
 *     search.add(documents);
 *     search.commit();
 *     MultiRouteResult r = search.query("text").limit(10).execute();
 *     r.route("bge");   // the bge route's own hits
 *     r.fused();        // the fused list
 * }
 * }</pre>
 *
 * <h2>Fusion and weights</h2>
 * Route order is the order of {@link Builder#route} calls, then the lexical route ({@value #LEXICAL}) last; the
 * fusion's weights, when given, are one per route in that order. Without weights every route weighs 1; the
 * default fusion is {@link Fusion#DEFAULT}'s family (z-score convex combination). A route of weight 0 is still
 * searched, so that its own list (an evaluation's row) is there; {@link Builder#skipWeightlessRoutes} skips it
 * where only the fused answer counts.
 *
 * <h2>Rerank stage</h2>
 * With a {@link Builder#reranker reranker}, the top {@code d} fused hits are reordered by
 * {@code (1 - w) · z(fused score) + w · z(reranker score)}, both scores z-normalized over those {@code d} hits
 * ({@link ScoreMix}, the formula {@code nsearch eval --pipeline} uses for its rerank row); the fused hits past
 * {@code d} keep their fused order below them. {@code w} is {@link Builder#rerankMix} (default
 * {@value #DEFAULT_RERANK_MIX}: the reranker's order, as {@link NeuralSearch} reranks), {@code d} the query's
 * {@link MultiRouteQuery#rerank(int)}, else {@link Builder#rerankDepth} (default {@code max(limit, }{@value
 * AbstractQuery#DEFAULT_RERANK_DEPTH}{@code )}), at most the number of fused hits. {@code w = 0} keeps the fused
 * order (the reranker still runs: use {@code rerank(0)} to skip it). Depth and mix fitted on train queries by
 * {@code nsearch eval --pipeline} with {@code rerank: {depth: auto, mix: fit}} go into the builder:
 *
 * <pre>{@code
 * MultiRouteSearch.builder().route(...).route(...)
 *         .reranker(CrossEncoderReranker.builder(dir).build())
 *         .rerankDepth(30).rerankMix(0.35)   // settings.rerankMix.depth / .weight of the eval's JSON
 *         .build();
 * }</pre>
 *
 * A reranked hit carries the reranker's own score as {@link Hit#rerankScore()} and its place after the mix as
 * {@link Hit#rerankRank()} (so with {@code w < 1} the list is ordered by the mix, not by {@code rerankScore});
 * {@link Hit#recallScore()} and {@link Hit#recallRank()} stay the fused ones. Without a reranker nothing changes.
 *
 * <h2>Writes</h2>
 * {@link #add} and {@link #delete} go to every engine in route order, {@link #commit} commits each. They are not
 * atomic across routes: if one engine fails, the routes before it have the change (uncommitted) and the caller
 * should retry the same call (an add replaces documents with the same id, so a retry is safe).
 *
 * <p>Threads: as {@link NeuralSearch}; the engines do their own locking. Closing refuses new queries, waits for
 * the running ones, then closes every engine and the reranker.
 */
public final class MultiRouteSearch implements AutoCloseable {

    /** The name of the lexical route in results and {@link Hit#routeRanks()}. */
    public static final String LEXICAL = "lexical";

    /** Per-route recall depth when none is given (as a hybrid query of {@link NeuralSearch}). */
    public static final int DEFAULT_DEPTH = AbstractQuery.DEFAULT_FUSION_DEPTH;

    /** The reranker's weight in the rerank mix when none is given: its order alone, as {@link NeuralSearch}. */
    public static final double DEFAULT_RERANK_MIX = 1.0;

    private final Map<String, NeuralSearch> dense;
    private final NeuralSearch lexical;
    private final Fusion fusion;
    private final MultiRouteRerank rerank;
    /** Whether routes of weight 0 are skipped ({@link Builder#skipWeightlessRoutes}). */
    private final boolean skipWeightless;

    /** Read side: every query. Write side: close, so that a query never reaches a closed reranker. */
    private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private volatile boolean closing;
    private boolean closed;

    private MultiRouteSearch(Map<String, NeuralSearch> dense, NeuralSearch lexical, Fusion fusion,
                             MultiRouteRerank rerank, boolean skipWeightless) {
        this.skipWeightless = skipWeightless;
        this.dense = dense;
        this.lexical = lexical;
        this.fusion = fusion;
        this.rerank = rerank;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The route names in fusion-weight order: the dense routes as added, then {@value #LEXICAL} if on. */
    public List<String> routeNames() {
        List<String> names = new ArrayList<>(dense.keySet());
        if (lexical != null) {
            names.add(LEXICAL);
        }
        return List.copyOf(names);
    }

    /** The engine of a dense route. */
    public NeuralSearch route(String name) {
        NeuralSearch e = dense.get(name);
        if (e == null) {
            throw new IllegalArgumentException("no dense route '" + name + "'; routes are " + dense.keySet());
        }
        return e;
    }

    /** The default fusion of this search's queries. */
    public Fusion fusion() {
        return fusion;
    }

    public boolean hasReranker() {
        return rerank.reranker() != null;
    }

    /** The reranker's id, if there is one. */
    public java.util.Optional<String> rerankerId() {
        return java.util.Optional.ofNullable(rerank.reranker()).map(Reranker::id);
    }

    /** The reranker's weight in the rerank mix of queries that set none. */
    public double rerankMix() {
        return rerank.mix();
    }

    /** Starts a query; set its knobs, then {@link MultiRouteQuery#execute()}. */
    public MultiRouteQuery query(String text) {
        ensureOpen();
        return new MultiRouteQuery(this, NeuralSearch.checkQueryText(text, -1));
    }

    /** Encodes and adds documents on every route (each route encodes with its own model). */
    public int add(List<Document> documents) {
        Objects.requireNonNull(documents, "documents");
        for (NeuralSearch e : dense.values()) {
            e.add(documents);
        }
        return documents.size();
    }

    public int add(Document... documents) {
        return add(List.of(documents));
    }

    /** Deletes documents by id on every route; returns how many the first route had. */
    public int delete(Collection<String> ids) {
        int first = -1;
        for (NeuralSearch e : dense.values()) {
            int n = e.delete(ids);
            first = first < 0 ? n : first;
        }
        return first;
    }

    public int delete(String... ids) {
        return delete(List.of(ids));
    }

    /** Commits every route, in route order. */
    public void commit() {
        for (NeuralSearch e : dense.values()) {
            e.commit();
        }
    }

    MultiRouteResult run(MultiRouteQuery q) {
        ensureOpen();
        lifecycle.readLock().lock();
        try {
            ensureOpen();
            return runOpen(q);
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    private MultiRouteResult runOpen(MultiRouteQuery q) {
        Fusion f = q.fusion() != null ? q.fusion() : fusion;
        List<String> names = routeNames();
        if (f.weights() != null && f.weights().size() != names.size()) {
            throw new IllegalArgumentException("the fusion has " + f.weights().size() + " weights for "
                    + names.size() + " routes " + names + "; give one weight per route, in that order");
        }
        int rerankAsked = rerank.depth(q, q.depth(), names.size());
        double mix = rerank.mix(q);
        Map<String, List<Hit>> perRoute = new LinkedHashMap<>();
        Map<String, Long> nanos = new LinkedHashMap<>();
        int r = 0;
        for (Map.Entry<String, NeuralSearch> e : dense.entrySet()) {
            if (skipped(f, r++)) {
                perRoute.put(e.getKey(), List.of());
                nanos.put(e.getKey(), 0L);
                continue;
            }
            long t0 = System.nanoTime();
            perRoute.put(e.getKey(), e.getValue().query(q.text()).filter(q.filter()).limit(q.depth())
                    .recall(q.depth()).rerank(0).execute());
            nanos.put(e.getKey(), System.nanoTime() - t0);
        }
        if (lexical != null && skipped(f, r)) {
            perRoute.put(LEXICAL, List.of());
            nanos.put(LEXICAL, 0L);
        } else if (lexical != null) {
            long t0 = System.nanoTime();
            perRoute.put(LEXICAL, lexical.query(q.text()).filter(q.filter()).routes(Route.LEXICAL)
                    .lexical(q.depth()).limit(q.depth()).rerank(0).execute());
            nanos.put(LEXICAL, System.nanoTime() - t0);
        }
        List<List<Hit>> lists = new ArrayList<>(perRoute.values());
        List<RankFusion.Fused<Hit>> fused = f.fuse(lists, Hit::id, Hit::recallScore);
        int d = Math.min(rerankAsked, fused.size());
        // the fused hits the answer can draw on: the d to rerank and, past them, fused ones up to the limit
        int n = Math.min(fused.size(), Math.max(d, q.limit()));
        List<Hit> candidates = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            candidates.add(fusedHit(fused.get(i), i + 1, names));
        }
        long rerankNanos = 0;
        List<Hit> hits = new ArrayList<>(Math.min(q.limit(), n));
        if (d > 0) {
            long t0 = System.nanoTime();
            hits.addAll(rerank.rerank(q.text(), candidates.subList(0, d), mix, q.limit()));
            rerankNanos = System.nanoTime() - t0;
        }
        for (int i = d; i < n && hits.size() < q.limit(); i++) {
            hits.add(candidates.get(i));
        }
        Map<String, List<Hit>> routes = new LinkedHashMap<>();
        for (Map.Entry<String, List<Hit>> e : perRoute.entrySet()) {
            routes.put(e.getKey(), List.copyOf(e.getValue()));
        }
        return new MultiRouteResult(q.text(), routes, hits, f, nanos, d, rerankNanos);
    }

    /**
     * Whether route {@code route} is not searched: it weighs 0 and weightless routes are skipped. Fusion gives such a
     * route no score and no items of its own, so the fused list is the same; only that route's list and ranks are
     * missing from the result. A fit often gives a route 0 (scifact-stock's all-MiniLM-L6-v2), which would otherwise
     * cost its query encoding and search for nothing.
     */
    private boolean skipped(Fusion f, int route) {
        return skipWeightless && f.weights() != null && f.weights().get(route) == 0.0;
    }

    private static Hit fusedHit(RankFusion.Fused<Hit> x, int rank, List<String> names) {
        Map<String, Integer> ranks = new LinkedHashMap<>();
        for (int r = 0; r < names.size(); r++) {
            if (x.ranks()[r] > 0) {
                ranks.put(names.get(r), x.ranks()[r]);
            }
        }
        Hit h = x.item();
        return new Hit(h.id(), h.text(), h.metadata(), (float) x.score(), rank, null, null, ranks);
    }

    private void ensureOpen() {
        if (closing) {
            throw new IllegalStateException("MultiRouteSearch is closed");
        }
    }

    /**
     * Refuses new queries, waits for the running ones, then closes every engine and the reranker; the first
     * failure is thrown after all were tried. Idempotent.
     */
    @Override
    public void close() {
        closing = true;
        lifecycle.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            List<AutoCloseable> owned = new ArrayList<>(dense.values());
            owned.add(rerank.reranker()); // null when there is none: skipped
            NeuralSearch.closeAll(owned.toArray(AutoCloseable[]::new));
        } finally {
            lifecycle.writeLock().unlock();
        }
    }

    /** Configures a {@link MultiRouteSearch}: at least one dense route. */
    public static final class Builder {
        private final Map<String, NeuralSearch> dense = new LinkedHashMap<>();
        private Boolean lexical;
        private String lexicalRoute;
        private Fusion fusion;
        private Reranker reranker;
        private Integer rerankDepth;
        private Double rerankMix;
        private boolean skipWeightless;

        private Builder() {
        }

        /**
         * Skips the routes that the query's fusion weighs 0: the fused answer is the same, and those routes cost no
         * encoding and no search, but the result has no list (and no ranks) for them. Default false: every route is
         * searched, as an evaluation needs each route's own list. A deployed pipeline ({@code nsearch search
         * --pipeline}) turns it on.
         */
        public Builder skipWeightlessRoutes(boolean skip) {
            this.skipWeightless = skip;
            return this;
        }

        /**
         * A dense route named {@code name} (letters, digits, '.', '_', '-'; not {@value #LEXICAL}) served by its own
         * engine; the search owns the engine from {@link #build()} on.
         */
        public Builder route(String name, NeuralSearch engine) {
            Objects.requireNonNull(engine, "engine");
            if (name == null || !name.matches("[A-Za-z0-9._-]+") || name.equals(LEXICAL)) {
                throw new IllegalArgumentException("route name must be letters, digits, '.', '_' or '-' and not '"
                        + LEXICAL + "', was '" + name + "'");
            }
            if (dense.containsKey(name)) {
                throw new IllegalArgumentException("route '" + name + "' given twice");
            }
            if (dense.containsValue(engine)) {
                throw new IllegalArgumentException("route '" + name + "': that engine is already a route");
            }
            dense.put(name, engine);
            return this;
        }

        /**
         * Whether the lexical route runs (default: when an engine's index has one): its BM25 ranking comes from
         * the first route whose index keeps a lexical route.
         */
        public Builder lexical(boolean on) {
            this.lexical = on;
            this.lexicalRoute = null;
            return this;
        }

        /** The lexical route, answered by the index of dense route {@code route}. */
        public Builder lexicalFrom(String route) {
            this.lexical = true;
            this.lexicalRoute = Objects.requireNonNull(route, "route");
            return this;
        }

        /** The queries' default fusion; weights, if any, one per route (dense routes in order, then lexical). */
        public Builder fusion(Fusion fusion) {
            this.fusion = Objects.requireNonNull(fusion, "fusion");
            return this;
        }

        /**
         * Optional rerank stage over the fused hits (see the class comment); when set, queries rerank by default.
         * The search owns the reranker from {@link #build()} on and closes it after the engines; {@code null}: none.
         */
        public Builder reranker(Reranker reranker) {
            this.reranker = reranker;
            return this;
        }

        /**
         * How many fused hits a query reranks when it does not say ({@link MultiRouteQuery#rerank(int)}); default
         * {@code max(limit, }{@value AbstractQuery#DEFAULT_RERANK_DEPTH}{@code )}. 0: only queries that ask
         * rerank. Bounded per query by the fused hits. Needs a {@link #reranker}.
         */
        public Builder rerankDepth(int depth) {
            if (depth < 0) {
                throw new IllegalArgumentException("rerank depth must be >= 0, was " + depth);
            }
            this.rerankDepth = depth;
            return this;
        }

        /**
         * The reranker's weight {@code w} in [0, 1] of the rerank mix {@code (1 - w) · z(fused) + w · z(reranker)}
         * (default {@value MultiRouteSearch#DEFAULT_RERANK_MIX}: the reranker's order). Needs a {@link #reranker}.
         */
        public Builder rerankMix(double weight) {
            this.rerankMix = ScoreMix.checkWeight(weight);
            return this;
        }

        public MultiRouteSearch build() {
            if (reranker == null && (rerankDepth != null || rerankMix != null)) {
                throw new IllegalStateException("MultiRouteSearch.builder(): "
                        + (rerankDepth != null ? "rerankDepth(" + rerankDepth + ")" : "rerankMix(" + rerankMix + ")")
                        + " given, but no reranker(...)");
            }
            if (dense.isEmpty()) {
                throw new IllegalStateException("MultiRouteSearch.builder(): add at least one route(...)");
            }
            NeuralSearch lex = null;
            if (lexicalRoute != null) {
                lex = dense.get(lexicalRoute);
                if (lex == null) {
                    throw new IllegalArgumentException("lexicalFrom('" + lexicalRoute + "'): no such route; routes are "
                            + dense.keySet());
                }
                if (!lex.supportsLexical()) {
                    throw new IllegalArgumentException("lexicalFrom('" + lexicalRoute + "'): its index has no lexical"
                            + " route");
                }
            } else if (lexical == null || lexical) {
                lex = dense.values().stream().filter(NeuralSearch::supportsLexical).findFirst().orElse(null);
                if (lex == null && Boolean.TRUE.equals(lexical)) {
                    throw new IllegalArgumentException("lexical(true): no route's index has a lexical route");
                }
            }
            int routes = dense.size() + (lex == null ? 0 : 1);
            Fusion f = fusion != null ? fusion : Fusion.DEFAULT.withWeights(ones(routes));
            if (f.weights() != null && f.weights().size() != routes) {
                throw new IllegalArgumentException("the fusion has " + f.weights().size() + " weights for " + routes
                        + " routes; give one weight per route (dense routes in order, then lexical)");
            }
            return new MultiRouteSearch(new LinkedHashMap<>(dense), lex, f, new MultiRouteRerank(reranker,
                    rerankDepth, rerankMix != null ? rerankMix : DEFAULT_RERANK_MIX), skipWeightless);
        }

        private static double[] ones(int n) {
            double[] w = new double[n];
            java.util.Arrays.fill(w, 1.0);
            return w;
        }
    }
}
