package dev.neuralsearch.ann.bench;

import dev.neuralsearch.ann.TestVectors;
import io.github.jbellis.jvector.disk.ReaderSupplierFactory;
import io.github.jbellis.jvector.graph.*;
import io.github.jbellis.jvector.graph.disk.*;
import io.github.jbellis.jvector.graph.disk.feature.*;
import io.github.jbellis.jvector.graph.similarity.*;
import io.github.jbellis.jvector.util.*;
import io.github.jbellis.jvector.vector.*;
import io.github.jbellis.jvector.vector.types.*;
import java.nio.file.*;
import java.util.*;
import java.util.concurrent.ForkJoinPool;
import java.util.function.IntFunction;

/**
 * Measures JVector 4's experimental OnDiskGraphIndexCompactor against a rebuild from the live vectors (4 graphs
 * of n vectors, 10% deleted): time and recall@10 of the merged graph. Not a unit test. Argument: n per source.
 */
@SuppressWarnings("deprecation")
public final class CompactorProbe {
    static VectorTypeSupport vts = VectorizationProvider.getInstance().getVectorTypeSupport();
    public static void main(String[] a) throws Exception {
        int n = Integer.parseInt(a[0]); int dim = 384; int parts = 4;
        TestVectors tv = new TestVectors(dim, 128, 0.03f, 5);
        ForkJoinPool pool = new ForkJoinPool(2);
        Path dir = Files.createTempDirectory("probe");
        List<OnDiskGraphIndex> graphs = new ArrayList<>();
        List<FixedBitSet> live = new ArrayList<>();
        List<List<VectorFloat<?>>> all = new ArrayList<>();
        long tb = 0;
        for (int p = 0; p < parts; p++) {
            List<VectorFloat<?>> vecs = new ArrayList<>();
            for (int i = 0; i < n; i++) vecs.add(vts.createFloatVector(tv.next()));
            all.add(vecs);
            var ravv = new ListRandomAccessVectorValues(vecs, dim);
            long t0 = System.nanoTime();
            var b = new GraphIndexBuilder(BuildScoreProvider.randomAccessScoreProvider(ravv, VectorSimilarityFunction.DOT_PRODUCT), dim, 32, 100, 1.2f, 1.2f, true, true, pool, pool);
            var g = b.build(ravv);
            tb += System.nanoTime() - t0;
            Path f = dir.resolve("p" + p);
            try (var w = new OnDiskGraphIndexWriter.Builder(g, f).withMapper(new OrdinalMapper.IdentityMapper(n - 1)).with(new InlineVectors(dim)).build()) {
                Map<FeatureId, IntFunction<Feature.State>> s = new EnumMap<>(FeatureId.class);
                s.put(FeatureId.INLINE_VECTORS, o -> new InlineVectors.State(ravv.getVector(o)));
                w.write(s);
            }
            b.close();
            graphs.add(OnDiskGraphIndex.load(ReaderSupplierFactory.open(f)));
            FixedBitSet bits = new FixedBitSet(n);
            for (int i = 0; i < n; i++) if (i % 10 != 0) bits.set(i); // 10% deleted
            live.add(bits);
        }
        System.out.printf("build of %d parts x %d: %.1f s%n", parts, n, tb / 1e9);
        long c0 = System.nanoTime();
        var comp = new OnDiskGraphIndexCompactor(graphs, live, VectorSimilarityFunction.DOT_PRODUCT, pool);
        Path out = dir.resolve("merged");
        comp.compact(out);
        System.out.printf("JVector OnDiskGraphIndexCompactor: %.1f s%n", (System.nanoTime() - c0) / 1e9);
        var merged = OnDiskGraphIndex.load(ReaderSupplierFactory.open(out));
        System.out.println("merged size " + merged.size(0) + " features " + merged.getFeatureSet());
        // rebuild for comparison
        List<VectorFloat<?>> liveVecs = new ArrayList<>();
        for (int p = 0; p < parts; p++) for (int i = 0; i < n; i++) if (i % 10 != 0) liveVecs.add(all.get(p).get(i));
        var ravv = new ListRandomAccessVectorValues(liveVecs, dim);
        long r0 = System.nanoTime();
        var b = new GraphIndexBuilder(BuildScoreProvider.randomAccessScoreProvider(ravv, VectorSimilarityFunction.DOT_PRODUCT), dim, 32, 100, 1.2f, 1.2f, true, true, pool, pool);
        var rg = b.build(ravv);
        System.out.printf("rebuild of %d live: %.1f s%n", liveVecs.size(), (System.nanoTime() - r0) / 1e9);
        // recall of merged graph vs exact
        var mappers = comp.ordinalMappers();
        double rec = 0; int Q = 100;
        for (int q = 0; q < Q; q++) {
            VectorFloat<?> qv = vts.createFloatVector(tv.next());
            // exact over live
            PriorityQueue<float[]> pq = new PriorityQueue<>((x, y) -> Float.compare(x[0], y[0]));
            for (int p = 0; p < parts; p++) for (int i = 0; i < n; i++) if (i % 10 != 0) {
                float s = VectorSimilarityFunction.DOT_PRODUCT.compare(qv, all.get(p).get(i));
                int nw = mappers.get(p).oldToNew(i);
                pq.add(new float[]{s, nw}); if (pq.size() > 10) pq.poll();
            }
            Set<Integer> truth = new HashSet<>(); for (float[] x : pq) truth.add((int) x[1]);
            try (var searcher = new GraphSearcher(merged)) {
                var view = (ImmutableGraphIndex.ScoringView) searcher.getView();
                var r = searcher.search(new DefaultSearchScoreProvider(view.rerankerFor(qv, VectorSimilarityFunction.DOT_PRODUCT)), 10, 100, 0f, 0f, Bits.ALL);
                int hit = 0; for (var ns : r.getNodes()) if (truth.contains(ns.node)) hit++;
                rec += hit / 10.0;
            }
        }
        System.out.printf("merged graph recall@10 (rerank 100): %.4f%n", rec / Q);
        pool.shutdown();
    }
}
