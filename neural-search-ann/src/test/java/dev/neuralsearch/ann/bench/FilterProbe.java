package dev.neuralsearch.ann.bench;

import dev.neuralsearch.ann.SpectralVectors;
import dev.neuralsearch.ann.TestVectors;
import dev.neuralsearch.ann.VectorSource;
import io.github.jbellis.jvector.disk.ReaderSupplierFactory;
import io.github.jbellis.jvector.graph.GraphSearcher;
import io.github.jbellis.jvector.graph.ImmutableGraphIndex;
import io.github.jbellis.jvector.graph.SearchResult;
import io.github.jbellis.jvector.graph.disk.OnDiskGraphIndex;
import io.github.jbellis.jvector.graph.similarity.DefaultSearchScoreProvider;
import io.github.jbellis.jvector.graph.similarity.ScoreFunction;
import io.github.jbellis.jvector.util.Bits;
import io.github.jbellis.jvector.util.FixedBitSet;
import io.github.jbellis.jvector.vector.VectorSimilarityFunction;
import io.github.jbellis.jvector.vector.VectorizationProvider;
import io.github.jbellis.jvector.vector.types.VectorFloat;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Diagnostic (not a test): cost of a filtered graph search vs an exact scan of the matching ordinals, on the graph
 * file of an AnnBench index ({@code bucket = ordinal % 10}).
 * {@code FilterProbe graph=target/bench-100k/seg-00000001.graph data=spectral|clustered queries=200 mod=10 [pq=true]}.
 */
public final class FilterProbe {
    public static void main(String[] args) throws Exception {
        Map<String, String> a = new java.util.HashMap<>();
        for (String s : args) {
            int eq = s.indexOf('=');
            a.put(s.substring(0, eq), s.substring(eq + 1));
        }
        Path graphPath = Path.of(a.get("graph"));
        int nq = Integer.parseInt(a.getOrDefault("queries", "200"));
        int mod = Integer.parseInt(a.getOrDefault("mod", "10"));
        VectorSimilarityFunction vsf = VectorSimilarityFunction.DOT_PRODUCT;
        var vts = VectorizationProvider.getInstance().getVectorTypeSupport();
        VectorSource src = "spectral".equals(a.getOrDefault("data", "spectral")) ? new SpectralVectors(384, 1.0, 0.4, 7)
                : new TestVectors(384, 256, 0.03f, 42);
        List<VectorFloat<?>> qs = new ArrayList<>();
        for (int i = 0; i < nq; i++) {
            qs.add(vts.createFloatVector(src.next()));
        }
        try (var rs = ReaderSupplierFactory.open(graphPath); OnDiskGraphIndex g = OnDiskGraphIndex.load(rs);
             GraphSearcher searcher = new GraphSearcher(g)) {
            int n = g.size();
            FixedBitSet bits = new FixedBitSet(n);
            for (int i = 3 % mod; i < n; i += mod) {
                bits.set(i);
            }
            System.out.printf("graph %s: %d nodes, filter matches %d%n", graphPath, n, bits.cardinality());
            // nodes touched per unfiltered query: an exact-score traversal reads the full vector of every scored
            // node; a FusedPQ traversal reads the record (neighbour codes) of every expanded node, then reranks
            boolean hasPq = a.containsKey("pq");
            for (String mode : hasPq ? List.of("exact", "fusedpq") : List.of("exact")) {
                for (int rerank : new int[] {100, 200, 300}) {
                    long visited = 0;
                    long expanded = 0;
                    long reranked = 0;
                    for (VectorFloat<?> q : qs) {
                        var view = (ImmutableGraphIndex.ScoringView) searcher.getView();
                        var rr = view.rerankerFor(q, vsf);
                        var ssp = mode.equals("exact") ? new DefaultSearchScoreProvider(rr)
                                : new DefaultSearchScoreProvider(view.approximateScoreFunctionFor(q, vsf), rr);
                        SearchResult r = searcher.search(ssp, 10, rerank, 0f, 0f, Bits.ALL);
                        visited += r.getVisitedCount();
                        expanded += r.getExpandedCount();
                        reranked += r.getRerankedCount();
                    }
                    System.out.printf("  %-7s rerank %3d per query: %6.0f scored, %5.0f expanded, %4.0f reranked%n", mode,
                            rerank, (double) visited / nq, (double) expanded / nq, (double) reranked / nq);
                }
            }
            for (int round = 0; round < 2; round++) {
                for (int rerank : new int[] {100, 50, 30}) {
                    for (Bits accept : new Bits[] {Bits.ALL, bits}) {
                        long visited = 0;
                        long t0 = System.nanoTime();
                        for (VectorFloat<?> q : qs) {
                            var view = (ImmutableGraphIndex.ScoringView) searcher.getView();
                            SearchResult r = searcher.search(new DefaultSearchScoreProvider(view.rerankerFor(q, vsf)), 10,
                                    rerank, 0f, 0f, accept);
                            visited += r.getVisitedCount();
                        }
                        double secs = (System.nanoTime() - t0) / 1e9;
                        System.out.printf("  %s rerank %3d: %6.0f visited/query, %5.0f QPS%n",
                                accept == Bits.ALL ? "unfiltered" : "filtered  ", rerank, (double) visited / nq, nq / secs);
                    }
                }
                long t0 = System.nanoTime();
                for (VectorFloat<?> q : qs) {
                    var view = (ImmutableGraphIndex.ScoringView) searcher.getView();
                    ScoreFunction.ExactScoreFunction sf = view.rerankerFor(q, vsf);
                    float best = -1;
                    for (int i = bits.nextSetBit(0); i >= 0 && i < n; i = i + 1 < n ? bits.nextSetBit(i + 1) : -1) {
                        best = Math.max(best, sf.similarityTo(i));
                    }
                }
                double secs = (System.nanoTime() - t0) / 1e9;
                System.out.printf("  exact scan of the %d matches: %.0f QPS (%.0f ns per vector)%n", bits.cardinality(),
                        nq / secs, secs * 1e9 / nq / bits.cardinality());
            }
        }
    }
}
