package dev.neuralsearch.eval;

import dev.neuralsearch.core.Document;
import dev.neuralsearch.core.Fusion;
import dev.neuralsearch.core.Hit;
import dev.neuralsearch.core.IndexFactory;
import dev.neuralsearch.core.IndexSchema;
import dev.neuralsearch.core.MultiRouteResult;
import dev.neuralsearch.core.MultiRouteSearch;
import dev.neuralsearch.core.NeuralSearch;
import dev.neuralsearch.core.ProgressListener;
import dev.neuralsearch.core.Reranker;
import dev.neuralsearch.core.TextEncoder;
import dev.neuralsearch.core.VectorIndex;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.ToIntFunction;

/**
 * Evaluates a {@link MultiRouteSearch} on a BEIR dataset: several dense routes (one encoder and one index each)
 * plus BM25, fused. Rows: one per dense route (its ANN hits), {@code bm25}, the fused row (named by the caller:
 * {@code fused}, or {@code pipeline} for a pipeline file) and, with a reranker, {@code <fused>+rerank}.
 *
 * <p>The corpus vectors of each route come from {@link EmbeddingCache} when cached (the same files as
 * {@code nsearch eval --model} of that model writes), so a route costs no encoding once any run encoded it.
 * The queries run through the library's own {@link MultiRouteSearch}, so the fused row is what a user of the
 * fluent API gets.
 *
 * <p>Weights fitted on a split ({@link Options#fitOn}) are searched over the simplex ({@link FusionFit#fitWeights})
 * on that split's queries and then used for the evaluated split; the fitting split must not be a test split
 * unless it is the evaluated one (an in-sample figure, flagged in the settings).
 */
public final class MultiRouteEvaluator {

    /**
     * One dense route.
     *
     * @param name           the row name and route name
     * @param encoder        its encoder (queries and passages)
     * @param cacheName      the name its cache files carry (the model as the user named it)
     * @param passageModelId what identifies the passage side in the cache key (without query-only settings)
     * @param tokenCounter   counts a passage's tokens for the tokens/s figure; null when unknown
     */
    public record RouteSpec(String name, TextEncoder encoder, String cacheName, String passageModelId,
                            ToIntFunction<String> tokenCounter) {
        public RouteSpec {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(encoder, "encoder");
            Objects.requireNonNull(cacheName, "cacheName");
        }
    }

    /**
     * @param fusion      the fusion (its family is kept when fitting; its weights, if any, one per route: dense
     *                    routes in order, then BM25)
     * @param fitOn       the split whose queries fit the weights (same corpus), or null to use {@code fusion} as is
     * @param depth       hits per route (>= 100: the rows report Recall@100)
     * @param fusedName   the fused row's name
     * @param lexical     whether the BM25 route runs
     * @param reranker    reorders the top {@code rerankDepth} fused hits, or null
     * @param cacheDir    the embedding cache, or null
     * @param fitFamily   with {@code fitOn}: fit every family of {@link FusionFit#FAMILIES} (convex min-max,
     *                    convex z-score, RRF k 60) and keep the one with the best fitted nDCG@10 on {@code fitOn}
     *                    ({@code fusion}'s family is then ignored)
     */
    public record Options(Fusion fusion, BeirDataset fitOn, int depth, String fusedName, boolean lexical,
                          Reranker reranker, int rerankDepth, java.nio.file.Path cacheDir, boolean fitFamily,
                          MixPlan mix, Teacher teacher) {
        /** Without a rerank mix and without teacher output. */
        public Options(Fusion fusion, BeirDataset fitOn, int depth, String fusedName, boolean lexical,
                       Reranker reranker, int rerankDepth, java.nio.file.Path cacheDir, boolean fitFamily) {
            this(fusion, fitOn, depth, fusedName, lexical, reranker, rerankDepth, cacheDir, fitFamily, null, null);
        }

        public Options {
            Objects.requireNonNull(fusion, "fusion");
            if (fitFamily && fitOn == null) {
                throw new IllegalArgumentException("fitting the fusion family needs a split to fit on");
            }
            Objects.requireNonNull(fusedName, "fusedName");
            if (depth < 100) {
                throw new IllegalArgumentException("route depth must be >= 100 (Recall@100), was " + depth);
            }
            if (reranker != null && mix == null && (rerankDepth < 1 || rerankDepth > depth)) {
                throw new IllegalArgumentException("rerank depth must be in [1, " + depth + "], was " + rerankDepth);
            }
            if (mix != null && reranker == null) {
                throw new IllegalArgumentException("a rerank mix needs a reranker");
            }
            if (mix != null && mix.depths().stream().anyMatch(d -> d < 1 || d > depth)) {
                throw new IllegalArgumentException("rerank depths must be in [1, " + depth + "], were " + mix.depths());
            }
        }
    }

    /**
     * The rerank row as a {@link RerankMix}: one depth and a fixed weight, or the depth among {@code depths} and/or
     * the weight (null) chosen on {@code heldOut} (train queries the reranker did not train on; never a test split).
     */
    public record MixPlan(List<Integer> depths, Double weight, BeirDataset heldOut) {
        public MixPlan {
            depths = List.copyOf(depths);
            if (depths.isEmpty()) {
                throw new IllegalArgumentException("no rerank depth");
            }
            if (weight != null && !(weight >= 0 && weight <= 1)) {
                throw new IllegalArgumentException("rerank mix weight must be in [0, 1], was " + weight);
            }
            if ((depths.size() > 1 || weight == null) && heldOut == null) {
                throw new IllegalArgumentException("choosing the rerank depth or mix needs held-out train queries");
            }
            if (heldOut != null && isTestSplit(heldOut.split())) {
                throw new IllegalArgumentException("refusing to fit the rerank mix on the '" + heldOut.split()
                        + "' split: fit on held-out train queries");
            }
        }
    }

    /**
     * Teacher output: after the fusion is fitted, each of {@code queries} (their {@code docs} ignored) runs through
     * the fused search and its top {@code depth} hits, with fused scores, are written to {@code out}.
     */
    public record Teacher(List<TeacherFile.Entry> queries, int depth, java.nio.file.Path out) {
        public Teacher {
            queries = List.copyOf(queries);
            Objects.requireNonNull(out, "out");
            if (depth < 1) {
                throw new IllegalArgumentException("teacher depth must be >= 1, was " + depth);
            }
        }
    }

    private MultiRouteEvaluator() {
    }

    /**
     * What an evaluation ran with once every fitted choice was made: the report, and the values a query-time
     * {@link MultiRouteSearch} needs to reproduce its fused and rerank rows ({@code nsearch eval --fitted-pipeline}
     * writes them to a pipeline file).
     *
     * @param report       the report
     * @param fusion       the fusion of the fused row: the given one, or the fitted family and weights
     * @param rerankDepth  the fused hits the reranker reordered (0 without a reranker)
     * @param rerankWeight the reranker's weight in the mix of a {@link MixPlan} (given or fitted); null when the
     *                     rerank row is the reranker's order alone, or there is no reranker
     */
    public record Outcome(EvalReport report, Fusion fusion, int rerankDepth, Double rerankWeight) {
        public Outcome {
            Objects.requireNonNull(report, "report");
            Objects.requireNonNull(fusion, "fusion");
        }
    }

    /**
     * Evaluates. {@code factories} opens each route's index (sibling homes); the indexes are closed, not deleted;
     * the encoders and the reranker stay open (the caller's).
     */
    public static EvalReport evaluate(BeirDataset ds, List<RouteSpec> routes,
                                      java.util.function.Function<String, IndexFactory> factories, Options opts,
                                      BeirEvaluator.Listener listener) {
        return evaluateResolved(ds, routes, factories, opts, listener).report();
    }

    /** As {@link #evaluate}, with the fusion and rerank settings the rows were computed with. */
    public static Outcome evaluateResolved(BeirDataset ds, List<RouteSpec> routes,
                                           java.util.function.Function<String, IndexFactory> factories, Options opts,
                                           BeirEvaluator.Listener listener) {
        Objects.requireNonNull(ds, "dataset");
        BeirEvaluator.Listener ls = listener == null ? BeirEvaluator.Listener.SILENT : listener;
        if (routes.isEmpty()) {
            throw new IllegalArgumentException("no dense routes");
        }
        int nRoutes = routes.size() + (opts.lexical() ? 1 : 0);
        if (opts.fusion().weights() != null && opts.fusion().weights().size() != nRoutes) {
            throw new IllegalArgumentException(opts.fusion().weights().size() + " fusion weights for " + nRoutes
                    + " routes; give one per dense route in order, then one for BM25");
        }
        if (opts.fitOn() != null && !opts.fitOn().split().equals(ds.split()) && isTestSplit(opts.fitOn().split())) {
            throw new IllegalArgumentException("refusing to fit fusion weights on the '" + opts.fitOn().split()
                    + "' split to evaluate '" + ds.split() + "': fit on train");
        }
        if (opts.fitOn() != null && !opts.fitOn().corpus().keySet().equals(ds.corpus().keySet())) {
            throw new IllegalArgumentException("the fitting split's corpus differs from the evaluated one");
        }
        List<String> ids = new ArrayList<>(ds.corpus().keySet());
        List<String> passages = new ArrayList<>(ids.size());
        for (BeirDataset.CorpusDoc d : ds.corpus().values()) {
            passages.add(d.passage());
        }
        List<VectorIndex> indexes = new ArrayList<>();
        Map<String, Object> encodings = new LinkedHashMap<>();
        EvalReport.Encoding firstEncoding = null;
        try {
            MultiRouteSearch.Builder builder = MultiRouteSearch.builder().lexical(opts.lexical());
            for (RouteSpec r : routes) {
                BeirEvaluator.Options eo = BeirEvaluator.Options.defaults(r.cacheName()).withCacheDir(opts.cacheDir())
                        .withPassageModelId(r.passageModelId()).withTokenCounter(r.tokenCounter());
                BeirEvaluator.Encoded enc = BeirEvaluator.encodeCorpus(ds, r.encoder(), ids, passages, eo,
                        prefixed(ls, r.name()));
                encodings.put(r.name(), enc.encoding());
                firstEncoding = firstEncoding == null ? enc.encoding() : firstEncoding;
                IndexSchema schema = new IndexSchema(r.encoder().modelId(), r.encoder().dimension(),
                        r.encoder().similarity());
                VectorIndex index = factories.apply(r.name()).open(schema, r.encoder().language());
                indexes.add(index);
                ProgressListener ip = ls.beginStep("build index " + r.name(), ids.size());
                for (int from = 0; from < ids.size(); from += 1000) {
                    int to = Math.min(ids.size(), from + 1000);
                    List<Document> docs = new ArrayList<>(to - from);
                    for (int i = from; i < to; i++) {
                        docs.add(new Document(ids.get(i), passages.get(i)));
                    }
                    index.add(docs, enc.vectors().subList(from, to));
                    ip.onProgress(to, ids.size());
                }
                index.commit();
                ls.endStep("build index " + r.name());
                builder.route(r.name(), NeuralSearch.builder().encoder(r.encoder()).index(index)
                        .closeComponents(false).build());
            }
            MultiRouteSearch search = builder.fusion(opts.fusion()).build();
            Map<String, Object> settings = new LinkedHashMap<>();
            settings.put("routes", search.routeNames());
            Fusion fusion = opts.fusion();
            if (opts.fitOn() != null) {
                BeirDataset fit = opts.fitOn();
                Runs fr = runQueries(search, fit, fusion, opts.depth(), "fit queries (" + fit.split() + ")", ls);
                List<Fusion> families = opts.fitFamily() ? List.copyOf(FusionFit.FAMILIES.values()) : List.of(fusion);
                FusionFit.Fitted f = null;
                Map<String, Object> perFamily = new LinkedHashMap<>();
                for (Fusion family : families) {
                    FusionFit.Fitted one = FusionFit.fitWeights(family, fr.routeLists, Hit::id, Hit::recallScore,
                            fr.judged);
                    perFamily.put(one.fusion().toString(), one.ndcg10());
                    if (f == null || one.ndcg10() > f.ndcg10() + 1e-12) {
                        f = one;
                    }
                }
                fusion = f.fusion();
                Map<String, Object> fs = new LinkedHashMap<>();
                if (families.size() > 1) {
                    fs.put("families", perFamily);
                }
                fs.put("split", fit.split());
                fs.put("queries", fit.queries().size());
                fs.put("inSample", fit.split().equals(ds.split()));
                fs.put("gridStep", f.step());
                fs.put("gridPoints", f.points());
                fs.put("weights", f.fusion().weights());
                fs.put("ndcg@10", f.ndcg10());
                settings.put("fusionFit", fs);
                ls.info(String.format(java.util.Locale.ROOT,
                        "fusion fitted on %s (%d queries, %d weight vectors, step %.2f): %s, nDCG@10 %.4f there",
                        fit.split(), fit.queries().size(), f.points(), f.step(), fusion, f.ndcg10()));
            }
            if (opts.teacher() != null) {
                settings.put("teacher", writeTeacher(search, fusion, opts, ls));
            }
            Runs runs = runQueries(search, ds, fusion, opts.depth(), "queries", ls);
            List<String> qids = runs.qids;
            int nq = qids.size();
            double[] zero = new double[nq];
            List<EvalReport.Pipeline> rows = new ArrayList<>();
            List<String> names = search.routeNames();
            for (int r = 0; r < names.size(); r++) {
                List<List<String>> ranking = new ArrayList<>(nq);
                double[] ms = new double[nq];
                for (int q = 0; q < nq; q++) {
                    ranking.add(hitIds(runs.routeLists.get(q).get(r)));
                    ms[q] = runs.routeMs.get(q)[r];
                }
                String row = names.get(r).equals(MultiRouteSearch.LEXICAL) ? "bm25" : names.get(r);
                rows.add(BeirEvaluator.pipeline(row, ds, qids, ranking, zero, ms));
            }
            rows.add(BeirEvaluator.pipeline(opts.fusedName(), ds, qids, runs.fused, zero, runs.totalMs));
            if (opts.mix() != null) {
                rows.add(mixRow(search, fusion, ds, runs, opts, settings, ls));
            } else if (opts.reranker() != null) {
                List<List<String>> rr = new ArrayList<>(nq);
                double[] ms = new double[nq];
                ProgressListener rp = ls.beginStep("rerank", nq);
                for (int q = 0; q < nq; q++) {
                    long t0 = System.nanoTime();
                    rr.add(BeirEvaluator.rerank(opts.reranker(), ds.queries().get(qids.get(q)), runs.fused.get(q), ds,
                            opts.rerankDepth()));
                    ms[q] = runs.totalMs[q] + (System.nanoTime() - t0) / 1e6;
                    rp.onProgress(q + 1, nq);
                }
                ls.endStep("rerank");
                rows.add(BeirEvaluator.pipeline(opts.fusedName() + "+rerank", ds, qids, rr, zero, ms));
                settings.put("reranker", opts.reranker().id());
                settings.put("rerankDepth", opts.rerankDepth());
            }
            settings.put("fusion", fusion.toString());
            settings.put("routeDepth", opts.depth());
            settings.put("encodings", encodings);
            settings.put("passageJoin", "(title + \" \" + text).strip()");
            String models = String.join(" + ", names);
            RouteSpec first = routes.get(0);
            EvalReport report = new EvalReport(ds.name(), ds.split(), ids.size(), nq, models,
                    first.encoder().modelId(), first.encoder().dimension(), firstEncoding, List.copyOf(rows), null,
                    settings, BeirEvaluator.environment());
            int rerankDepth = 0;
            Double rerankWeight = null;
            if (opts.mix() != null) {
                Map<?, ?> mixed = (Map<?, ?>) settings.get("rerankMix");
                rerankDepth = (Integer) mixed.get("depth");
                rerankWeight = (Double) mixed.get("weight");
            } else if (opts.reranker() != null) {
                rerankDepth = opts.rerankDepth();
            }
            return new Outcome(report, fusion, rerankDepth, rerankWeight);
        } finally {
            RuntimeException failure = null;
            for (VectorIndex index : indexes) {
                try {
                    index.close();
                } catch (RuntimeException e) {
                    failure = failure == null ? e : failure;
                }
            }
            if (failure != null) {
                throw failure;
            }
        }
    }

    private static boolean isTestSplit(String split) {
        return split.equals("test") || split.equals("dev");
    }

    /** Per query: each route's hits, the fused ids and scores, the timings. */
    private record Runs(List<String> qids, List<List<List<Hit>>> routeLists, List<List<String>> fused,
                        List<float[]> fusedScores, List<double[]> routeMs, double[] totalMs,
                        List<Map<String, Integer>> judged) {
    }

    /** The {@code <fused>+rerank} row of a {@link MixPlan}: depth and weight fitted on held-out queries or given. */
    private static EvalReport.Pipeline mixRow(MultiRouteSearch search, Fusion fusion, BeirDataset ds, Runs runs,
                                              Options opts, Map<String, Object> settings, BeirEvaluator.Listener ls) {
        MixPlan plan = opts.mix();
        int depth = plan.depths().get(0);
        double weight = plan.weight() == null ? 1 : plan.weight();
        Map<String, Object> fs = new LinkedHashMap<>();
        if (plan.heldOut() != null) {
            Runs held = runQueries(search, plan.heldOut(), fusion, opts.depth(), "held-out queries ("
                    + plan.heldOut().split() + ")", ls);
            ProgressListener fp = ls.beginStep("rerank fit", held.qids().size());
            RerankMix.Choice c = RerankMix.fit(plan.heldOut(), held.fused(), held.fusedScores(), opts.reranker(),
                    plan.depths(), plan.weight(), fp);
            ls.endStep("rerank fit");
            depth = c.depth();
            weight = c.weight();
            fs.put("split", plan.heldOut().split());
            fs.put("queries", c.queries());
            fs.put("candidatesNdcg@10", c.candidatesNdcg10());
            fs.put("ndcg@10", c.ndcg10());
            Map<String, Object> grid = new LinkedHashMap<>();
            c.grid().forEach((d, row) -> grid.put(Integer.toString(d), row.entrySet().stream().collect(
                    java.util.stream.Collectors.toMap(e -> String.format(java.util.Locale.ROOT, "%.2f", e.getKey()),
                            Map.Entry::getValue, (a, b) -> a, LinkedHashMap::new))));
            fs.put("grid", grid);
            Map<String, Object> lat = new LinkedHashMap<>();
            c.msPerQuery().forEach((d, ms) -> lat.put(Integer.toString(d), ms));
            fs.put("rerankMsPerQuery", lat);
            fs.put("latencyQueries", Math.min(RerankMix.LATENCY_QUERIES, c.queries()));
            ls.info(String.format(java.util.Locale.ROOT, "rerank mix fitted on %d held-out %s queries: depth %d,"
                    + " weight %.2f, nDCG@10 %.4f (candidates %.4f); rerank ms/query by depth %s", c.queries(),
                    plan.heldOut().split(), depth, weight, c.ndcg10(), c.candidatesNdcg10(), c.msPerQuery()));
        }
        int nq = runs.qids().size();
        List<List<String>> rr = new ArrayList<>(nq);
        double[] ms = new double[nq];
        double rerankMs = 0;
        ProgressListener rp = ls.beginStep("rerank", nq);
        for (int q = 0; q < nq; q++) {
            long t0 = System.nanoTime();
            List<String> cands = runs.fused().get(q);
            float[] s = RerankMix.score(opts.reranker(), ds.queries().get(runs.qids().get(q)), cands, ds, depth);
            rr.add(RerankMix.mix(cands, runs.fusedScores().get(q), s, depth, weight));
            double took = (System.nanoTime() - t0) / 1e6;
            rerankMs += took;
            ms[q] = runs.totalMs()[q] + took;
            rp.onProgress(q + 1, nq);
        }
        ls.endStep("rerank");
        fs.put("depth", depth);
        fs.put("weight", weight);
        fs.put("evaluatedRerankMsPerQuery", rerankMs / Math.max(1, nq));
        settings.put("reranker", opts.reranker().id());
        settings.put("rerankDepth", depth);
        settings.put("rerankMix", fs);
        return BeirEvaluator.pipeline(opts.fusedName() + "+rerank", ds, runs.qids(), rr, new double[nq], ms);
    }

    /** Runs the teacher queries through the fused search and writes their top hits; returns what to report. */
    private static Map<String, Object> writeTeacher(MultiRouteSearch search, Fusion fusion, Options opts,
                                                    BeirEvaluator.Listener ls) {
        Teacher t = opts.teacher();
        List<TeacherFile.Entry> out = new ArrayList<>(t.queries().size());
        ProgressListener p = ls.beginStep("teacher queries", t.queries().size());
        long t0 = System.nanoTime();
        for (TeacherFile.Entry e : t.queries()) {
            MultiRouteResult r = search.query(e.query()).depth(opts.depth()).limit(t.depth()).fusion(fusion).execute();
            List<TeacherFile.Candidate> docs = new ArrayList<>(t.depth());
            for (Hit h : r.fused()) {
                if (docs.size() == t.depth()) {
                    break;
                }
                docs.add(new TeacherFile.Candidate(h.id(), h.recallScore()));
            }
            out.add(new TeacherFile.Entry(e.id(), e.query(), e.kind(), e.source(), e.sourcePassage(), docs));
            p.onProgress(out.size(), t.queries().size());
        }
        ls.endStep("teacher queries");
        TeacherFile.write(t.out(), out);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("file", t.out().toString());
        m.put("queries", out.size());
        m.put("depth", t.depth());
        m.put("fusion", fusion.toString());
        m.put("seconds", (System.nanoTime() - t0) / 1e9);
        ls.info("teacher candidates of " + out.size() + " queries written to " + t.out());
        return m;
    }

    private static Runs runQueries(MultiRouteSearch search, BeirDataset ds, Fusion fusion, int depth, String step,
                                   BeirEvaluator.Listener ls) {
        List<String> qids = new ArrayList<>(ds.queries().keySet());
        int nq = qids.size();
        List<List<List<Hit>>> lists = new ArrayList<>(nq);
        List<List<String>> fused = new ArrayList<>(nq);
        List<double[]> routeMs = new ArrayList<>(nq);
        double[] total = new double[nq];
        List<Map<String, Integer>> judged = new ArrayList<>(nq);
        List<float[]> fusedScores = new ArrayList<>(nq);
        for (int i = 0; i < Math.min(10, nq); i++) { // warm-up, as BeirEvaluator
            search.query(ds.queries().get(qids.get(i))).depth(depth).limit(100).fusion(fusion).execute();
        }
        ProgressListener p = ls.beginStep(step, nq);
        for (int q = 0; q < nq; q++) {
            long t0 = System.nanoTime();
            MultiRouteResult r = search.query(ds.queries().get(qids.get(q))).depth(depth).limit(100).fusion(fusion)
                    .execute();
            total[q] = (System.nanoTime() - t0) / 1e6;
            lists.add(new ArrayList<>(r.routes().values()));
            fused.add(hitIds(r.fused()));
            float[] fs = new float[r.fused().size()];
            for (int i = 0; i < fs.length; i++) {
                fs[i] = r.fused().get(i).recallScore();
            }
            fusedScores.add(fs);
            double[] ms = new double[r.routeNanos().size()];
            int i = 0;
            for (long n : r.routeNanos().values()) {
                ms[i++] = n / 1e6;
            }
            routeMs.add(ms);
            judged.add(ds.qrels().getOrDefault(qids.get(q), Map.of()));
            p.onProgress(q + 1, nq);
        }
        ls.endStep(step);
        return new Runs(qids, lists, fused, fusedScores, routeMs, total, judged);
    }

    private static List<String> hitIds(List<Hit> hits) {
        List<String> ids = new ArrayList<>(hits.size());
        for (Hit h : hits) {
            ids.add(h.id());
        }
        return ids;
    }

    /** Notes of a route's corpus step carry the route name. */
    private static BeirEvaluator.Listener prefixed(BeirEvaluator.Listener ls, String route) {
        return new BeirEvaluator.Listener() {
            @Override
            public ProgressListener beginStep(String name, long total) {
                return ls.beginStep(name + " " + route, total);
            }

            @Override
            public void endStep(String name) {
                ls.endStep(name + " " + route);
            }

            @Override
            public void info(String message) {
                ls.info(route + ": " + message);
            }
        };
    }
}
