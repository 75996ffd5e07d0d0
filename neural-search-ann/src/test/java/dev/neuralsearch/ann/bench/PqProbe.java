package dev.neuralsearch.ann.bench;

import dev.neuralsearch.ann.TestVectors;
import dev.neuralsearch.ann.VectorsFile;
import io.github.jbellis.jvector.disk.ReaderSupplierFactory;
import io.github.jbellis.jvector.graph.GraphIndexBuilder;
import io.github.jbellis.jvector.graph.GraphSearcher;
import io.github.jbellis.jvector.graph.ImmutableGraphIndex;
import io.github.jbellis.jvector.graph.ListRandomAccessVectorValues;
import io.github.jbellis.jvector.graph.RandomAccessVectorValues;
import io.github.jbellis.jvector.graph.SearchResult;
import io.github.jbellis.jvector.graph.disk.OnDiskGraphIndex;
import io.github.jbellis.jvector.graph.disk.OnDiskGraphIndexWriter;
import io.github.jbellis.jvector.graph.disk.OrdinalMapper;
import io.github.jbellis.jvector.graph.disk.feature.Feature;
import io.github.jbellis.jvector.graph.disk.feature.FeatureId;
import io.github.jbellis.jvector.graph.disk.feature.FusedPQ;
import io.github.jbellis.jvector.graph.disk.feature.InlineVectors;
import io.github.jbellis.jvector.graph.similarity.BuildScoreProvider;
import io.github.jbellis.jvector.graph.similarity.DefaultSearchScoreProvider;
import io.github.jbellis.jvector.graph.similarity.ScoreFunction;
import io.github.jbellis.jvector.quantization.PQVectors;
import io.github.jbellis.jvector.quantization.ProductQuantization;
import io.github.jbellis.jvector.util.Bits;
import io.github.jbellis.jvector.vector.VectorSimilarityFunction;
import io.github.jbellis.jvector.vector.VectorizationProvider;
import io.github.jbellis.jvector.vector.types.VectorFloat;
import io.github.jbellis.jvector.vector.types.VectorTypeSupport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ForkJoinPool;
import java.util.function.IntFunction;

/**
 * Diagnostic (not a test): separates PQ quality, the FusedPQ decoder and the graph on one data set.
 * {@code PqProbe n=20000 [clusters=256 spread=0.03 | alpha=1 mean=0.5 | vectors=path] [pq=48] [center=false] [aniso=-1] [graph=true]
 * [rerank=50,100] [dir=target/pqprobe]}.
 */
public final class PqProbe {
    private static final VectorTypeSupport VTS = VectorizationProvider.getInstance().getVectorTypeSupport();

    @SuppressWarnings("deprecation")
    public static void main(String[] args) throws Exception {
        Map<String, String> a = new java.util.HashMap<>();
        for (String s : args) {
            int eq = s.indexOf('=');
            a.put(s.substring(0, eq), s.substring(eq + 1));
        }
        int n = Integer.parseInt(a.getOrDefault("n", "20000"));
        int dim = Integer.parseInt(a.getOrDefault("dim", "384"));
        int m = Integer.parseInt(a.getOrDefault("pq", "48"));
        boolean center = Boolean.parseBoolean(a.getOrDefault("center", "false"));
        int nq = Integer.parseInt(a.getOrDefault("queries", "200"));
        VectorSimilarityFunction vsf = VectorSimilarityFunction.valueOf(a.getOrDefault("vsf", "DOT_PRODUCT"));
        int[] reranks = Arrays.stream(a.getOrDefault("rerank", "20,50,100,200").split(",")).mapToInt(Integer::parseInt).toArray();
        List<VectorFloat<?>> base = new ArrayList<>();
        List<VectorFloat<?>> queries = new ArrayList<>();
        if (a.containsKey("vectors")) {
            VectorsFile vf = VectorsFile.read(Path.of(a.get("vectors")));
            dim = vf.dimension();
            for (float[] v : vf.docVectors()) {
                base.add(VTS.createFloatVector(v));
            }
            for (float[] v : vf.queryVectors()) {
                queries.add(VTS.createFloatVector(v));
            }
            n = base.size();
        } else {
            dev.neuralsearch.ann.VectorSource tv = a.containsKey("alpha")
                    ? new dev.neuralsearch.ann.SpectralVectors(dim, Double.parseDouble(a.get("alpha")),
                            Double.parseDouble(a.getOrDefault("mean", "0.5")), 42)
                    : new TestVectors(dim, Integer.parseInt(a.getOrDefault("clusters", "256")),
                            Float.parseFloat(a.getOrDefault("spread", "0.03")), 42);
            for (int i = 0; i < n; i++) {
                base.add(VTS.createFloatVector(tv.next()));
            }
            for (int i = 0; i < nq; i++) {
                queries.add(VTS.createFloatVector(tv.next()));
            }
        }
        System.out.printf("PqProbe n=%d dim=%d queries=%d pq=%d center=%s vsf=%s%n", n, dim, queries.size(), m, center, vsf);
        RandomAccessVectorValues ravv = new ListRandomAccessVectorValues(base, dim);
        ForkJoinPool pool = new ForkJoinPool(Runtime.getRuntime().availableProcessors());
        // exact truth
        List<Set<Integer>> truth = new ArrayList<>();
        for (VectorFloat<?> q : queries) {
            truth.add(topK(i -> vsf.compare(q, base.get(i)), n, 10));
        }
        long t0 = System.nanoTime();
        float aniso = Float.parseFloat(a.getOrDefault("aniso", "-1"));
        ProductQuantization pq = aniso < 0 ? ProductQuantization.compute(ravv, m, 256, center)
                : ProductQuantization.compute(ravv, m, 256, center, aniso);
        PQVectors pqv = (PQVectors) pq.encodeAll(ravv, pool);
        stats(base, queries, vsf);
        System.out.printf("PQ compute+encode %.1f s%n", (System.nanoTime() - t0) / 1e9);
        // 1) brute-force PQ ranking, exact rerank of the top R
        for (int r : reranks) {
            double rec = 0;
            for (int qi = 0; qi < queries.size(); qi++) {
                VectorFloat<?> q = queries.get(qi);
                ScoreFunction.ApproximateScoreFunction sf = pqv.scoreFunctionFor(q, vsf);
                Set<Integer> cand = topK(sf::similarityTo, n, r);
                List<Integer> cl = new ArrayList<>(cand);
                Set<Integer> top = topK(j -> vsf.compare(q, base.get(cl.get(j))), cl.size(), 10);
                Set<Integer> res = new HashSet<>();
                for (int j : top) {
                    res.add(cl.get(j));
                }
                rec += overlap(res, truth.get(qi));
            }
            System.out.printf("brute-force PQ top %d + exact rerank: recall@10 %.4f%n", r, rec / queries.size());
        }
        if (!Boolean.parseBoolean(a.getOrDefault("graph", "true"))) {
            pool.shutdown();
            return;
        }
        Path dir = Path.of(a.getOrDefault("dir", "target/pqprobe"));
        Files.createDirectories(dir);
        Path path = dir.resolve("g.graph");
        Files.deleteIfExists(path);
        t0 = System.nanoTime();
        BuildScoreProvider bsp = BuildScoreProvider.randomAccessScoreProvider(ravv, vsf);
        try (GraphIndexBuilder builder = new GraphIndexBuilder(bsp, dim, 32, 100, 1.2f, 1.2f, true, true, pool, pool)) {
            ImmutableGraphIndex graph = builder.build(ravv);
            System.out.printf("graph %.1f s%n", (System.nanoTime() - t0) / 1e9);
            var b = new OnDiskGraphIndexWriter.Builder(graph, path).withMapper(new OrdinalMapper.IdentityMapper(n - 1))
                    .with(new InlineVectors(dim)).with(new FusedPQ(graph.maxDegree(), pq));
            try (var writer = b.build(); var view = graph.getView()) {
                Map<FeatureId, IntFunction<Feature.State>> suppliers = new EnumMap<>(FeatureId.class);
                suppliers.put(FeatureId.INLINE_VECTORS, ord -> new InlineVectors.State(ravv.getVector(ord)));
                suppliers.put(FeatureId.FUSED_PQ, ord -> new FusedPQ.State(view, pqv, ord));
                writer.write(suppliers);
            }
        }
        try (var rs = ReaderSupplierFactory.open(path); OnDiskGraphIndex g = OnDiskGraphIndex.load(rs)) {
            for (String mode : List.of("exact", "fused", "pqvectors")) {
                for (int r : reranks) {
                    double rec = 0;
                    double scoreErr = 0;
                    long s0 = System.nanoTime();
                    try (GraphSearcher searcher = new GraphSearcher(g)) {
                        for (int qi = 0; qi < queries.size(); qi++) {
                            VectorFloat<?> q = queries.get(qi);
                            var view = (ImmutableGraphIndex.ScoringView) searcher.getView();
                            ScoreFunction.ExactScoreFunction rr = view.rerankerFor(q, vsf);
                            DefaultSearchScoreProvider ssp = switch (mode) {
                                case "exact" -> new DefaultSearchScoreProvider(rr);
                                case "fused" -> new DefaultSearchScoreProvider(view.approximateScoreFunctionFor(q, vsf), rr);
                                default -> new DefaultSearchScoreProvider(pqv.scoreFunctionFor(q, vsf), rr);
                            };
                            SearchResult sr = searcher.search(ssp, 10, r, 0f, 0f, Bits.ALL);
                            Set<Integer> res = new HashSet<>();
                            for (SearchResult.NodeScore ns : sr.getNodes()) {
                                res.add(ns.node);
                                scoreErr = Math.max(scoreErr, Math.abs(ns.score - vsf.compare(q, base.get(ns.node))));
                            }
                            rec += overlap(res, truth.get(qi));
                        }
                    }
                    double secs = (System.nanoTime() - s0) / 1e9;
                    System.out.printf("graph %-9s rerank %4d: recall@10 %.4f, %.0f QPS, max |score - exact| %.2e%n", mode, r,
                            rec / queries.size(), queries.size() / secs, scoreErr);
                }
            }
        }
        pool.shutdown();
    }

    /** Norm of the mean vector, mean similarity of random pairs and of each query to its 10th neighbour. */
    private static void stats(List<VectorFloat<?>> base, List<VectorFloat<?>> queries, VectorSimilarityFunction vsf) {
        int dim = base.get(0).length();
        double[] mean = new double[dim];
        for (VectorFloat<?> v : base) {
            for (int i = 0; i < dim; i++) {
                mean[i] += v.get(i) / base.size();
            }
        }
        double norm = 0;
        for (double x : mean) {
            norm += x * x;
        }
        java.util.Random r = new java.util.Random(1);
        double pair = 0;
        for (int i = 0; i < 2000; i++) {
            pair += vsf.compare(base.get(r.nextInt(base.size())), base.get(r.nextInt(base.size())));
        }
        double[] top1 = new double[1];
        double[] top10 = new double[1];
        int nq = Math.min(100, queries.size());
        for (int qi = 0; qi < nq; qi++) {
            VectorFloat<?> q = queries.get(qi);
            double[] s = new double[base.size()];
            for (int i = 0; i < s.length; i++) {
                s[i] = vsf.compare(q, base.get(i));
            }
            Arrays.sort(s);
            top1[0] += s[s.length - 1] / nq;
            top10[0] += s[s.length - 10] / nq;
        }
        System.out.printf("data: |mean| %.3f, random pair score %.3f, query top-1 score %.3f, top-10 score %.3f%n",
                Math.sqrt(norm), pair / 2000, top1[0], top10[0]);
    }

    private static double overlap(Set<Integer> res, Set<Integer> truth) {
        int hit = 0;
        for (int i : res) {
            if (truth.contains(i)) {
                hit++;
            }
        }
        return (double) hit / truth.size();
    }

    private static Set<Integer> topK(java.util.function.IntToDoubleFunction score, int n, int k) {
        java.util.PriorityQueue<double[]> heap = new java.util.PriorityQueue<>((x, y) -> Double.compare(x[0], y[0]));
        for (int i = 0; i < n; i++) {
            double s = score.applyAsDouble(i);
            if (heap.size() < k) {
                heap.add(new double[] {s, i});
            } else if (s > heap.peek()[0]) {
                heap.poll();
                heap.add(new double[] {s, i});
            }
        }
        Set<Integer> out = new HashSet<>();
        for (double[] e : heap) {
            out.add((int) e[1]);
        }
        return out;
    }
}
