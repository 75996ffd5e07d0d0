package dev.neuralsearch.eval;

import dev.neuralsearch.core.AbstractQuery;
import dev.neuralsearch.core.Document;
import dev.neuralsearch.core.Filter;
import dev.neuralsearch.core.Fusion;
import dev.neuralsearch.core.IndexFactory;
import dev.neuralsearch.core.IndexSchema;
import dev.neuralsearch.core.ProgressListener;
import dev.neuralsearch.core.RankFusion;
import dev.neuralsearch.core.Reranker;
import dev.neuralsearch.core.ScoredDocument;
import dev.neuralsearch.core.Similarity;
import dev.neuralsearch.core.TextEncoder;
import dev.neuralsearch.core.VectorIndex;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.ToIntFunction;

/**
 * Runs a BEIR evaluation: encodes the corpus (or reads it from the cache) and the queries, then ranks with
 * up to three pipelines and scores them with {@link Metrics}:
 * <ul>
 *   <li>{@code exact}: brute force over the corpus vectors in memory (the reference; needs no index);</li>
 *   <li>{@code ann}: the index the given {@link IndexFactory} opens, filled with the same vectors and searched
 *       with {@link VectorIndex#search} at its default settings;</li>
 *   <li>{@code ann+rerank}: the top {@code rerankDepth} ANN candidates re-ordered by the {@link Reranker}
 *       (query text against the joined title + text); candidates below stay in ANN order.</li>
 * </ul>
 * Rankings are ordered by score, ties by document id descending, as trec_eval (and thus BEIR) orders a run.
 * The passage and query prefixes are the encoder's business ({@code encodePassages}/{@code encodeQuery}).
 */
public final class BeirEvaluator {

    /** The metrics every pipeline reports, in table order. */
    public static final List<String> METRICS = List.of(
            "recall@1", "recall@5", "recall@10", "recall@20", "recall@50", "recall@100", "ndcg@10", "mrr@10");

    /**
     * @param model        the model as the user named it (preset name or folder); names the cache file
     * @param recallDepth  candidates each pipeline retrieves per query (at least 100, the deepest metric)
     * @param rerankDepth  ANN candidates the reranker re-orders
     * @param cacheDir     where corpus embeddings are cached; null disables the cache
     * @param tokenCounter counts a passage's tokens for the tokens/s figure; null when unknown
     * @param warmupQueries queries encoded and searched before latency is measured
     * @param passageModelId what identifies the passage side of the encoder in the cache key; null =
     *                     {@code encoder.modelId()}. Give the id without query-only settings (such as
     *                     "no instruction") so that runs differing only in query handling share the
     *                     corpus vectors.
     */
    public record Options(String model, int recallDepth, int rerankDepth, Path cacheDir,
                          ToIntFunction<String> tokenCounter, int warmupQueries, String passageModelId,
                          Fusion fusion, int fusionDepth, boolean fitFusion) {
        public Options {
            Objects.requireNonNull(model, "model");
            Objects.requireNonNull(fusion, "fusion");
            if (recallDepth < 100) {
                throw new IllegalArgumentException("recall depth must be >= 100 (Recall@100 needs it), was "
                        + recallDepth);
            }
            if (rerankDepth <= 0) {
                throw new IllegalArgumentException("rerank depth must be positive, was " + rerankDepth);
            }
            if (warmupQueries < 0) {
                throw new IllegalArgumentException("warmupQueries must be >= 0");
            }
            if (fusionDepth < 1 || fusionDepth > recallDepth) {
                throw new IllegalArgumentException("fusion depth must be in [1, recall depth " + recallDepth
                        + "], was " + fusionDepth);
            }
        }

        public static Options defaults(String model) {
            return new Options(model, 1000, 100, null, null, 10, null, Fusion.DEFAULT,
                    AbstractQuery.DEFAULT_FUSION_DEPTH, false);
        }

        public Options withCacheDir(Path dir) {
            return new Options(model, recallDepth, rerankDepth, dir, tokenCounter, warmupQueries, passageModelId,
                    fusion, fusionDepth, fitFusion);
        }

        public Options withDepths(int recall, int rerank) {
            return new Options(model, recall, rerank, cacheDir, tokenCounter, warmupQueries, passageModelId,
                    fusion, Math.min(fusionDepth, recall), fitFusion);
        }

        public Options withTokenCounter(ToIntFunction<String> counter) {
            return new Options(model, recallDepth, rerankDepth, cacheDir, counter, warmupQueries, passageModelId,
                    fusion, fusionDepth, fitFusion);
        }

        public Options withPassageModelId(String id) {
            return new Options(model, recallDepth, rerankDepth, cacheDir, tokenCounter, warmupQueries, id,
                    fusion, fusionDepth, fitFusion);
        }

        /**
         * The fusion of the {@code ann+bm25 fused} row (default {@link Fusion#DEFAULT}), over the top
         * {@code depth} hits of each route (default {@link AbstractQuery#DEFAULT_FUSION_DEPTH}, what a hybrid query
         * of the library fuses); {@code fit} adds a grid search of the route weight on this split's queries
         * ({@link FusionFit}).
         */
        public Options withFusion(Fusion f, int depth, boolean fit) {
            return new Options(model, recallDepth, rerankDepth, cacheDir, tokenCounter, warmupQueries, passageModelId,
                    f, depth, fit);
        }
    }

    /** Hears about the long steps (for progress bars) and one-line notes (e.g. "read from cache"). */
    public interface Listener {
        Listener SILENT = new Listener() {
        };

        /** A step with {@code total} units begins; the returned listener receives its progress. */
        default ProgressListener beginStep(String name, long total) {
            return ProgressListener.NONE;
        }

        default void endStep(String name) {
        }

        default void info(String message) {
        }
    }

    private BeirEvaluator() {
    }

    /**
     * Evaluates. {@code annFactory} and {@code reranker} may be null (no ann / no ann+rerank row);
     * a reranker without an ANN factory is refused. The index the factory opens is closed, not deleted.
     */
    public static EvalReport evaluate(BeirDataset ds, TextEncoder encoder, IndexFactory annFactory,
                                      Reranker reranker, Options opts, Listener listener) {
        Objects.requireNonNull(ds, "dataset");
        Objects.requireNonNull(encoder, "encoder");
        Objects.requireNonNull(opts, "options");
        Listener ls = listener == null ? Listener.SILENT : listener;
        if (reranker != null && annFactory == null) {
            throw new IllegalArgumentException("reranking needs the ANN pipeline (no index factory given)");
        }

        List<String> ids = new ArrayList<>(ds.corpus().keySet());
        List<String> passages = new ArrayList<>(ids.size());
        for (BeirDataset.CorpusDoc d : ds.corpus().values()) {
            passages.add(d.passage());
        }

        // 1. Corpus vectors.
        Encoded corpus = encodeCorpus(ds, encoder, ids, passages, opts, ls);
        float[][] vectors = corpus.vectors.toArray(new float[0][]);
        int dim = encoder.dimension();
        for (int i = 0; i < vectors.length; i++) {
            if (vectors[i].length != dim) {
                throw new IllegalStateException("passage " + ids.get(i) + ": vector has " + vectors[i].length
                        + " dimensions, the encoder declares " + dim);
            }
        }
        Similarity sim = encoder.similarity();
        float[][] scored = sim == Similarity.COSINE ? normalised(vectors) : vectors;

        // 2. Queries: encoded one at a time (that is the latency a user sees).
        List<String> qids = new ArrayList<>(ds.queries().keySet());
        int nq = qids.size();
        int depth = opts.recallDepth();
        for (int i = 0; i < Math.min(opts.warmupQueries(), nq); i++) {
            float[] v = encoder.encodeQuery(ds.queries().get(qids.get(i)));
            exactTopK(scored, sim, sim == Similarity.COSINE ? normalised(v) : v, ids, depth);
        }
        float[][] qvecs = new float[nq][];
        double[] encodeMs = new double[nq];
        ProgressListener qp = ls.beginStep("encode queries", nq);
        for (int i = 0; i < nq; i++) {
            long t0 = System.nanoTime();
            qvecs[i] = encoder.encodeQuery(ds.queries().get(qids.get(i)));
            encodeMs[i] = (System.nanoTime() - t0) / 1e6;
            qp.onProgress(i + 1, nq);
        }
        ls.endStep("encode queries");

        List<EvalReport.Pipeline> pipelines = new ArrayList<>();
        Map<String, Object> fusionSettings = new LinkedHashMap<>();

        // 3. Exact.
        List<List<String>> exact = new ArrayList<>(nq);
        double[] exactMs = new double[nq];
        ProgressListener ep = ls.beginStep("exact search", nq);
        for (int i = 0; i < nq; i++) {
            long t0 = System.nanoTime();
            float[] q = sim == Similarity.COSINE ? normalised(qvecs[i]) : qvecs[i];
            exact.add(exactTopK(scored, sim, q, ids, depth));
            exactMs[i] = (System.nanoTime() - t0) / 1e6;
            ep.onProgress(i + 1, nq);
        }
        ls.endStep("exact search");
        pipelines.add(pipeline("exact", ds, qids, exact, encodeMs, exactMs));

        Double overlap = null;
        if (annFactory != null) {
            IndexSchema schema = new IndexSchema(encoder.modelId(), dim, sim);
            try (VectorIndex index = annFactory.open(schema)) {
                ProgressListener ip = ls.beginStep("build index", ids.size());
                int batch = 1000;
                for (int from = 0; from < ids.size(); from += batch) {
                    int to = Math.min(ids.size(), from + batch);
                    List<Document> docs = new ArrayList<>(to - from);
                    for (int i = from; i < to; i++) {
                        docs.add(new Document(ids.get(i), passages.get(i)));
                    }
                    index.add(docs, Arrays.asList(vectors).subList(from, to));
                    ip.onProgress(to, ids.size());
                }
                index.commit();
                ls.endStep("build index");

                for (int i = 0; i < Math.min(opts.warmupQueries(), nq); i++) {
                    index.search(qvecs[i], depth, Filter.ALL);
                }
                List<List<String>> ann = new ArrayList<>(nq);
                List<List<ScoredDocument>> annHits = new ArrayList<>(nq);
                double[] annMs = new double[nq];
                ProgressListener ap = ls.beginStep("ann search", nq);
                for (int i = 0; i < nq; i++) {
                    long t0 = System.nanoTime();
                    List<ScoredDocument> hits = index.search(qvecs[i], depth, Filter.ALL);
                    annMs[i] = (System.nanoTime() - t0) / 1e6;
                    annHits.add(sorted(hits));
                    ann.add(ranking(hits));
                    ap.onProgress(i + 1, nq);
                }
                ls.endStep("ann search");
                pipelines.add(pipeline("ann", ds, qids, ann, encodeMs, annMs));

                double sum = 0;
                for (int i = 0; i < nq; i++) {
                    Set<String> e = new HashSet<>(exact.get(i).subList(0, Math.min(10, exact.get(i).size())));
                    int hit = 0;
                    for (String id : ann.get(i).subList(0, Math.min(10, ann.get(i).size()))) {
                        if (e.contains(id)) {
                            hit++;
                        }
                    }
                    sum += hit / 10.0;
                }
                overlap = nq == 0 ? 0.0 : sum / nq;

                if (index.supportsLexical()) {
                    // the lexical route of the same index (BM25 over the same passages), then its RRF with ann
                    for (int i = 0; i < Math.min(opts.warmupQueries(), nq); i++) {
                        index.lexicalSearch(ds.queries().get(qids.get(i)), depth, Filter.ALL);
                    }
                    List<List<String>> bm25 = new ArrayList<>(nq);
                    List<List<ScoredDocument>> bm25Hits = new ArrayList<>(nq);
                    double[] bm25Ms = new double[nq];
                    ProgressListener bp = ls.beginStep("bm25 search", nq);
                    for (int i = 0; i < nq; i++) {
                        long t0 = System.nanoTime();
                        List<ScoredDocument> hits = index.lexicalSearch(ds.queries().get(qids.get(i)), depth,
                                Filter.ALL);
                        bm25Ms[i] = (System.nanoTime() - t0) / 1e6;
                        bm25Hits.add(sorted(hits));
                        bm25.add(ranking(hits));
                        bp.onProgress(i + 1, nq);
                    }
                    ls.endStep("bm25 search");
                    pipelines.add(pipeline("bm25", ds, qids, bm25, new double[nq], bm25Ms));
                    List<List<String>> hybrid = new ArrayList<>(nq);
                    double[] hybridMs = new double[nq];
                    for (int i = 0; i < nq; i++) {
                        long t0 = System.nanoTime();
                        List<RankFusion.Fused<String>> fused = RankFusion.fuse(List.of(ann.get(i), bm25.get(i)), null,
                                RankFusion.DEFAULT_K, x -> x);
                        List<String> ids2 = new ArrayList<>(fused.size());
                        for (RankFusion.Fused<String> f : fused) {
                            ids2.add(f.id());
                        }
                        hybrid.add(ids2);
                        hybridMs[i] = annMs[i] + bm25Ms[i] + (System.nanoTime() - t0) / 1e6;
                    }
                    pipelines.add(pipeline("ann+bm25 rrf", ds, qids, hybrid, encodeMs, hybridMs));

                    // the configured fusion (default Fusion.DEFAULT) over each route's top fusionDepth, as a
                    // hybrid query of the library fuses them
                    int fd = opts.fusionDepth();
                    List<List<ScoredDocument>> denseTop = new ArrayList<>(nq);
                    List<List<ScoredDocument>> lexTop = new ArrayList<>(nq);
                    List<Map<String, Integer>> judged = new ArrayList<>(nq);
                    for (int i = 0; i < nq; i++) {
                        denseTop.add(annHits.get(i).subList(0, Math.min(fd, annHits.get(i).size())));
                        lexTop.add(bm25Hits.get(i).subList(0, Math.min(fd, bm25Hits.get(i).size())));
                        judged.add(ds.qrels().getOrDefault(qids.get(i), Map.of()));
                    }
                    List<List<String>> fusedRows = new ArrayList<>(nq);
                    double[] fusedMs = new double[nq];
                    for (int i = 0; i < nq; i++) {
                        long t0 = System.nanoTime();
                        fusedRows.add(FusionFit.fusedIds(opts.fusion(), denseTop.get(i), lexTop.get(i)));
                        fusedMs[i] = annMs[i] + bm25Ms[i] + (System.nanoTime() - t0) / 1e6;
                    }
                    pipelines.add(pipeline("ann+bm25 fused", ds, qids, fusedRows, encodeMs, fusedMs));
                    fusionSettings.put("fusion", opts.fusion().toString());
                    fusionSettings.put("fusionDepth", fd);
                    if (opts.fitFusion()) {
                        List<FusionFit.Curve> curves = FusionFit.fit(denseTop, lexTop, judged, 0.05);
                        ls.info("fusion fit on " + ds.split() + " (" + nq + " queries, nDCG@10 by dense weight):"
                                + System.lineSeparator() + FusionFit.describe(curves).stripTrailing());
                        Map<String, Object> fit = new LinkedHashMap<>();
                        for (FusionFit.Curve c : curves) {
                            Map<String, Object> one = new LinkedHashMap<>();
                            one.put("bestDenseWeight", c.best().denseWeight());
                            one.put("bestNdcg@10", c.best().ndcg10());
                            Map<String, Double> curve = new LinkedHashMap<>();
                            for (FusionFit.Point p : c.points()) {
                                curve.put(String.format(Locale.ROOT, "%.2f", p.denseWeight()), p.ndcg10());
                            }
                            one.put("curve", curve);
                            fit.put(c.family(), one);
                        }
                        fusionSettings.put("fusionFit", fit);
                    }
                }

                if (reranker != null) {
                    List<List<String>> rr = new ArrayList<>(nq);
                    double[] rrMs = new double[nq];
                    ProgressListener rp = ls.beginStep("rerank", nq);
                    for (int i = 0; i < nq; i++) {
                        long t0 = System.nanoTime();
                        rr.add(rerank(reranker, ds.queries().get(qids.get(i)), ann.get(i), ds,
                                opts.rerankDepth()));
                        rrMs[i] = annMs[i] + (System.nanoTime() - t0) / 1e6;
                        rp.onProgress(i + 1, nq);
                    }
                    ls.endStep("rerank");
                    pipelines.add(pipeline("ann+rerank", ds, qids, rr, encodeMs, rrMs));
                }
            }
        }

        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("recallDepth", depth);
        if (reranker != null) {
            settings.put("rerankDepth", opts.rerankDepth());
            settings.put("reranker", reranker.id());
        }
        settings.put("similarity", sim.name());
        settings.putAll(fusionSettings);
        settings.put("passageJoin", "(title + \" \" + text).strip()");
        return new EvalReport(ds.name(), ds.split(), ids.size(), nq, opts.model(), encoder.modelId(), dim,
                corpus.encoding, List.copyOf(pipelines), overlap, settings, environment());
    }

    record Encoded(List<float[]> vectors, EvalReport.Encoding encoding) {
    }

    static Encoded encodeCorpus(BeirDataset ds, TextEncoder encoder, List<String> ids, List<String> passages,
                                        Options opts, Listener ls) {
        Path cacheFile = null;
        Path sidecar = null;
        if (opts.cacheDir() != null) {
            int longest = 0;
            for (int i = 1; i < passages.size(); i++) {
                if (passages.get(i).length() > passages.get(longest).length()) {
                    longest = i;
                }
            }
            float[] probe = encoder.encodePassages(List.of(passages.get(longest))).get(0);
            String key = EmbeddingCache.key(opts.model(),
                    opts.passageModelId() != null ? opts.passageModelId() : encoder.modelId(), ids, passages, probe);
            cacheFile = EmbeddingCache.file(opts.cacheDir(), ds.name(), opts.model(), key);
            sidecar = cacheFile.resolveSibling(cacheFile.getFileName() + ".json");
            var cached = EmbeddingCache.read(cacheFile, ids.size(), encoder.dimension());
            if (cached.isPresent()) {
                double seconds = readSeconds(sidecar);
                Double tps = readTokensPerSecond(sidecar);
                ls.info("corpus embeddings read from cache " + cacheFile + " (encoding skipped"
                        + (seconds > 0 ? String.format(Locale.ROOT, "; it took %.1f s when made", seconds) : "")
                        + ")");
                return new Encoded(cached.get(), new EvalReport.Encoding(ids.size(), seconds,
                        seconds > 0 ? ids.size() / seconds : 0, tps, true, cacheFile.toString()));
            }
        }
        ProgressListener p = ls.beginStep("encode corpus", passages.size());
        long t0 = System.nanoTime();
        List<float[]> vectors = encoder.encodePassages(passages, p);
        double seconds = (System.nanoTime() - t0) / 1e9;
        ls.endStep("encode corpus");
        if (vectors.size() != passages.size()) {
            throw new IllegalStateException("encoder returned " + vectors.size() + " vectors for "
                    + passages.size() + " passages");
        }
        Double tps = null;
        if (opts.tokenCounter() != null) {
            long tokens = 0;
            for (String s : passages) {
                tokens += opts.tokenCounter().applyAsInt(s);
            }
            tps = tokens / seconds;
        }
        if (cacheFile != null) {
            EmbeddingCache.write(cacheFile, vectors, encoder.dimension());
            try {
                Files.writeString(sidecar, String.format(Locale.ROOT,
                        "{\"modelId\": %s, \"documents\": %d, \"seconds\": %.3f%s}%n",
                        jsonString(encoder.modelId()), passages.size(), seconds,
                        tps == null ? "" : String.format(Locale.ROOT, ", \"tokensPerSecond\": %.1f", tps)));
            } catch (IOException e) {
                ls.info("could not write " + sidecar + ": " + e);
            }
            ls.info("corpus embeddings written to cache " + cacheFile);
        }
        return new Encoded(vectors, new EvalReport.Encoding(passages.size(), seconds, passages.size() / seconds,
                tps, false, cacheFile == null ? null : cacheFile.toString()));
    }

    private static double readSeconds(Path sidecar) {
        Double d = readNumber(sidecar, "seconds");
        return d == null ? 0 : d;
    }

    private static Double readTokensPerSecond(Path sidecar) {
        return readNumber(sidecar, "tokensPerSecond");
    }

    private static Double readNumber(Path sidecar, String field) {
        try {
            var node = new com.fasterxml.jackson.databind.ObjectMapper().readTree(sidecar.toFile());
            return node.has(field) ? node.get(field).asDouble() : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static String jsonString(String s) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(s);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static EvalReport.Pipeline pipeline(String name, BeirDataset ds, List<String> qids,
                                                List<List<String>> rankings, double[] encodeMs, double[] searchMs) {
        Map<String, Double> metrics = new LinkedHashMap<>();
        for (String m : METRICS) {
            int at = m.indexOf('@');
            String kind = m.substring(0, at);
            int k = Integer.parseInt(m.substring(at + 1));
            List<Double> per = new ArrayList<>(qids.size());
            for (int i = 0; i < qids.size(); i++) {
                Map<String, Integer> judged = ds.qrels().getOrDefault(qids.get(i), Map.of());
                List<String> r = rankings.get(i);
                per.add(switch (kind) {
                    case "recall" -> Metrics.recallAtK(r, judged, k);
                    case "ndcg" -> Metrics.ndcgAtK(r, judged, k);
                    case "mrr" -> Metrics.mrrAtK(r, judged, k);
                    default -> throw new IllegalStateException(m);
                });
            }
            metrics.put(m, Metrics.mean(per));
        }
        double[] total = new double[searchMs.length];
        for (int i = 0; i < total.length; i++) {
            total[i] = encodeMs[i] + searchMs[i];
        }
        return new EvalReport.Pipeline(name, metrics, round(Metrics.percentile(total, 0.50)),
                round(Metrics.percentile(total, 0.99)), round(Metrics.percentile(searchMs, 0.50)));
    }

    private static double round(double ms) {
        return Math.round(ms * 1000) / 1000.0;
    }

    /** Orders hits as trec_eval does: score descending, then document id descending. */
    static List<ScoredDocument> sorted(List<ScoredDocument> hits) {
        List<ScoredDocument> sorted = new ArrayList<>(hits);
        sorted.sort(Comparator.comparingDouble((ScoredDocument h) -> h.score()).reversed()
                .thenComparing(h -> h.document().id(), Comparator.reverseOrder()));
        return sorted;
    }

    /** The ids of {@link #sorted} hits. */
    static List<String> ranking(List<ScoredDocument> hits) {
        List<ScoredDocument> sorted = sorted(hits);
        List<String> out = new ArrayList<>(sorted.size());
        for (ScoredDocument h : sorted) {
            out.add(h.document().id());
        }
        return out;
    }

    /** Brute-force top k; scores as the similarity defines them (vectors pre-normalised for COSINE). */
    static List<String> exactTopK(float[][] corpus, Similarity sim, float[] q, List<String> ids, int k) {
        int n = corpus.length;
        int kk = Math.min(k, n);
        // A min-heap of the best kk (score, index) pairs.
        float[] hs = new float[kk];
        int[] hi = new int[kk];
        int size = 0;
        for (int d = 0; d < n; d++) {
            float s = score(sim, corpus[d], q);
            if (size < kk) {
                hs[size] = s;
                hi[size] = d;
                siftUp(hs, hi, size++, ids);
            } else if (better(s, d, hs[0], hi[0], ids)) {
                hs[0] = s;
                hi[0] = d;
                siftDown(hs, hi, size, ids);
            }
        }
        Integer[] order = new Integer[size];
        for (int i = 0; i < size; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> better(hs[a], hi[a], hs[b], hi[b], ids) ? -1
                : better(hs[b], hi[b], hs[a], hi[a], ids) ? 1 : 0);
        List<String> out = new ArrayList<>(size);
        for (int i : order) {
            out.add(ids.get(hi[i]));
        }
        return out;
    }

    /** True when (s1, d1) ranks before (s2, d2): higher score, then larger id (trec_eval order). */
    private static boolean better(float s1, int d1, float s2, int d2, List<String> ids) {
        if (s1 != s2) {
            return s1 > s2;
        }
        return ids.get(d1).compareTo(ids.get(d2)) > 0;
    }

    private static void siftUp(float[] hs, int[] hi, int i, List<String> ids) {
        while (i > 0) {
            int p = (i - 1) / 2;
            if (better(hs[p], hi[p], hs[i], hi[i], ids)) {
                swap(hs, hi, i, p);
                i = p;
            } else {
                return;
            }
        }
    }

    private static void siftDown(float[] hs, int[] hi, int size, List<String> ids) {
        int i = 0;
        while (true) {
            int l = 2 * i + 1;
            int r = l + 1;
            int worst = i;
            if (l < size && better(hs[worst], hi[worst], hs[l], hi[l], ids)) {
                worst = l;
            }
            if (r < size && better(hs[worst], hi[worst], hs[r], hi[r], ids)) {
                worst = r;
            }
            if (worst == i) {
                return;
            }
            swap(hs, hi, i, worst);
            i = worst;
        }
    }

    private static void swap(float[] hs, int[] hi, int a, int b) {
        float t = hs[a];
        hs[a] = hs[b];
        hs[b] = t;
        int u = hi[a];
        hi[a] = hi[b];
        hi[b] = u;
    }

    private static float score(Similarity sim, float[] d, float[] q) {
        if (sim == Similarity.EUCLIDEAN) {
            float s = 0;
            for (int i = 0; i < q.length; i++) {
                float diff = d[i] - q[i];
                s += diff * diff;
            }
            return 1f / (1f + s);
        }
        float s = 0;
        for (int i = 0; i < q.length; i++) {
            s += d[i] * q[i];
        }
        return s;
    }

    private static float[][] normalised(float[][] vs) {
        float[][] out = new float[vs.length][];
        for (int i = 0; i < vs.length; i++) {
            out[i] = normalised(vs[i]);
        }
        return out;
    }

    private static float[] normalised(float[] v) {
        double n = 0;
        for (float f : v) {
            n += f * f;
        }
        n = Math.sqrt(n);
        float[] out = v.clone();
        if (n > 0) {
            for (int i = 0; i < out.length; i++) {
                out[i] /= (float) n;
            }
        }
        return out;
    }

    /** The first {@code depth} candidates in the reranker's order (ties keep their order), then the rest as they were. */
    static List<String> rerank(Reranker reranker, String query, List<String> candidates, BeirDataset ds, int depth) {
        int n = Math.min(depth, candidates.size());
        List<String> head = candidates.subList(0, n);
        List<String> texts = new ArrayList<>(n);
        for (String id : head) {
            texts.add(ds.corpus().get(id).passage());
        }
        float[] s = n == 0 ? new float[0] : reranker.score(query, texts);
        if (s.length != n) {
            throw new IllegalStateException("reranker returned " + s.length + " scores for " + n + " passages");
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        // Stable: equal rerank scores keep the order they came in.
        Arrays.sort(order, (a, b) -> Float.compare(s[b], s[a]));
        List<String> out = new ArrayList<>(candidates.size());
        for (int i : order) {
            out.add(head.get(i));
        }
        out.addAll(candidates.subList(n, candidates.size()));
        return out;
    }

    static Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("java.version", System.getProperty("java.version"));
        env.put("java.vm", System.getProperty("java.vm.name") + " " + System.getProperty("java.vm.version"));
        env.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        env.put("availableProcessors", Integer.toString(Runtime.getRuntime().availableProcessors()));
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    env.put("cpu", line.substring(line.indexOf(':') + 1).strip());
                    break;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: no CPU model
        }
        return env;
    }
}
