package dev.neuralsearch.ann.read;

import dev.neuralsearch.ann.format.legacy.GraphVectors;
import dev.neuralsearch.ann.vector.Vectorization;
import dev.neuralsearch.core.Filter;
import io.github.jbellis.jvector.graph.GraphSearcher;
import io.github.jbellis.jvector.graph.SearchResult;
import io.github.jbellis.jvector.graph.disk.OnDiskGraphIndex;
import io.github.jbellis.jvector.graph.similarity.DefaultSearchScoreProvider;
import io.github.jbellis.jvector.graph.similarity.ScoreFunction;
import io.github.jbellis.jvector.util.Bits;
import io.github.jbellis.jvector.util.FixedBitSet;
import io.github.jbellis.jvector.vector.VectorSimilarityFunction;
import io.github.jbellis.jvector.vector.types.VectorFloat;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The searches of one open {@link Segment}: per filter, a graph search (JVector's searcher, or our
 * {@link GraphSearch} where the segment has our vector readers) or an exact scan of the filter's matches, whichever
 * is cheaper ({@link FilterMatches}), and the exact scan itself.
 */
final class SegmentSearch {
    /** {@code -Dneuralsearch.graphSearch=jvector} searches every segment with JVector's searcher (comparisons). */
    private static final boolean OWN_GRAPH_SEARCH = !"jvector".equals(System.getProperty("neuralsearch.graphSearch"));

    private final Segment seg;

    SegmentSearch(Segment seg) {
        this.seg = seg;
    }

    /**
     * Collects up to k candidates of this segment into {@code out}; an approximate traversal keeps {@code rerankK}
     * and rescores the best {@code rescoreK} of them exactly.
     */
    void search(VectorFloat<?> q, int k, int rerankK, int rescoreK, Filter filter, VectorSimilarityFunction vsf,
                int bruteForceLimit, boolean usePq, Candidates out) {
        // When the graph search would consider as many candidates as the segment holds, an exact scan costs the
        // same and cannot miss a node that the graph fails to reach.
        int candidates = Math.max(k, rerankK);
        ConcurrentBits deleted = seg.deleted;
        Bits accept;
        if (filter.matchesAll()) {
            if (seg.count <= candidates) {
                exact(q, k, null, vsf, out);
                return;
            }
            accept = deleted.isEmpty() ? Bits.ALL : (Bits) ord -> !deleted.get(ord);
        } else {
            FilterMatches.Match m = seg.filters.match(filter);
            if (m.cardinality() == 0) {
                return;
            }
            if (m.cardinality() <= Math.max(bruteForceLimit, candidates)) {
                exact(q, k, m.bits(), vsf, out);
                return;
            }
            // Graph search or exact scan of the matches, whichever is cheaper: a selective filter makes the graph
            // search score many non-matching nodes (10 % of 100k: 6x the nodes of an unfiltered search, more than
            // the 10,000 matches). The cost per filter is learnt from earlier searches; the first one (or any that
            // turns out too expensive) is abandoned once it has spent what the scan costs.
            boolean pq = usePq && seg.entry().pq();
            double visitCost = pq ? FilterMatches.PQ_VISIT_COST : FilterMatches.EXACT_VISIT_COST;
            double perCandidate = m.visitsPerCandidate();
            if (!Double.isNaN(perCandidate) && perCandidate * candidates * visitCost >= m.cardinality()) {
                exact(q, k, m.bits(), vsf, out);
                return;
            }
            FixedBitSet bits = m.bits();
            accept = deleted.isEmpty() ? bits : (Bits) ord -> bits.get(ord) && !deleted.get(ord);
            VisitBudget budget = new VisitBudget((int) Math.min(Integer.MAX_VALUE, m.cardinality() / visitCost));
            if (!graphSearch(q, k, rerankK, rescoreK, accept, vsf, pq, budget, out)) {
                m.observe((double) budget.visits() / candidates);
                exact(q, k, m.bits(), vsf, out);
                return;
            }
            m.observe((double) budget.visits() / candidates);
            return;
        }
        graphSearch(q, k, rerankK, rescoreK, accept, vsf, usePq && seg.entry().pq(), null, out);
    }

    /** Returns false (and offers nothing) when {@code budget} ran out before the search finished. */
    private boolean graphSearch(VectorFloat<?> q, int k, int rerankK, int rescoreK, Bits accept,
                                VectorSimilarityFunction vsf, boolean pq, VisitBudget budget, Candidates out) {
        if (OWN_GRAPH_SEARCH && (seg.heapVectors != null || seg.vectorFile != null)
                && (!pq || seg.pqCodes != null || seg.int8Codes != null)) {
            return ownGraphSearch(q, k, Math.max(k, rerankK), Math.max(k, rescoreK), accept, vsf, pq, budget, out);
        }
        GraphSearcher searcher = seg.searchers.borrow(() -> new GraphSearcher(seg.graph));
        boolean ok = false;
        try {
            var view = (OnDiskGraphIndex.View) searcher.getView();
            ScoreFunction.ExactScoreFunction reranker = reranker(view, q, vsf);
            Vectorization.Scorer codes = !pq ? null
                    : seg.int8Codes != null ? seg.int8Codes.scorer(GraphVectors.toArray(q), vsf)
                    : seg.pqCodes != null ? seg.pqCodes.scorer(GraphVectors.toArray(q), vsf) : null;
            ScoreFunction traversal = !pq ? reranker
                    : codes != null ? (ScoreFunction.ApproximateScoreFunction) codes::similarityTo
                    : view.approximateScoreFunctionFor(q, vsf);
            if (budget != null) {
                traversal = budget.wrap(traversal);
            }
            DefaultSearchScoreProvider ssp = pq
                    ? new DefaultSearchScoreProvider(traversal, reranker)
                    : new DefaultSearchScoreProvider(traversal);
            SearchResult r;
            try {
                r = searcher.search(ssp, k, Math.max(k, rerankK), 0f, 0f, accept);
            } catch (RuntimeException e) {
                if (e != VisitBudget.EXCEEDED) {
                    throw e;
                }
                ok = true; // the searcher resets its state at the next search
                return false;
            }
            for (SearchResult.NodeScore ns : r.getNodes()) {
                out.offer(ns.score, seg.id, ns.node, seg.ids.get(ns.node), null);
            }
            ok = true;
            return true;
        } finally {
            seg.searchers.giveBack(searcher, ok);
        }
    }

    /**
     * {@link #graphSearch} with our {@link GraphSearch}: exact traversal, or (with {@code pq}) traversal of the int8
     * or PQ codes in memory and an exact rerank of the {@code ef} found.
     */
    private boolean ownGraphSearch(VectorFloat<?> q, int k, int ef, int rescore, Bits accept,
                                   VectorSimilarityFunction vsf, boolean pq, VisitBudget budget, Candidates out) {
        GraphSearch search = seg.ownSearches.borrow(() -> new GraphSearch(seg.graph, seg.adjacency));
        boolean ok = false;
        try {
            float[] query = GraphVectors.toArray(q);
            Vectorization.Scorer exact = seg.heapVectors != null ? seg.heapVectors.scorer(query, vsf)
                    : seg.vectorFile.scorer(query, vsf);
            Vectorization.Scorer traversal = exact;
            if (pq) {
                traversal = seg.int8Codes != null ? seg.int8Codes.scorer(query, vsf) : seg.pqCodes.scorer(query, vsf);
            }
            int[] nodes = new int[k];
            float[] scores = new float[k];
            int n;
            try {
                n = search.search(traversal, pq ? exact : null, k, ef, rescore, accept, budget, nodes, scores);
            } catch (RuntimeException e) {
                if (e != VisitBudget.EXCEEDED) {
                    throw e;
                }
                ok = true; // the search clears its state on the way out
                return false;
            }
            for (int i = 0; i < n; i++) {
                out.offer(scores[i], seg.id, nodes[i], seg.ids.get(nodes[i]), null);
            }
            ok = true;
            return true;
        } finally {
            seg.ownSearches.giveBack(search, ok);
        }
    }

    /**
     * Exact scores from the full vectors: heap copies when the segment has them, else the vector file (both through
     * the JVM's {@link Vectorization}: in place with the Vector API on Java 22+); for the older layouts JVector's
     * vectors in the graph file ({@link GraphVectors}). Used by one thread at a time, like the view.
     */
    private ScoreFunction.ExactScoreFunction reranker(OnDiskGraphIndex.View view, VectorFloat<?> q,
                                                     VectorSimilarityFunction vsf) {
        if (seg.heapVectors != null) {
            return seg.heapVectors.scorer(GraphVectors.toArray(q), vsf);
        }
        if (seg.vectorFile != null) {
            return seg.vectorFile.scorer(GraphVectors.toArray(q), vsf);
        }
        return GraphVectors.reranker(view, q, vsf, seg.features.separatedVectors());
    }

    /** Exact scan over live ordinals, restricted to {@code accept} unless it is null. */
    void exact(VectorFloat<?> q, int k, FixedBitSet accept, VectorSimilarityFunction vsf, Candidates out) {
        try (var view = seg.graph.getView()) {
            ScoreFunction.ExactScoreFunction sf = reranker(view, q, vsf);
            Candidates local = new Candidates(k);
            int count = seg.count;
            int id = seg.id;
            ConcurrentBits deleted = seg.deleted;
            if (accept == null) {
                for (int i = 0; i < count; i++) {
                    if (!deleted.get(i)) {
                        local.offer(sf.similarityTo(i), id, i, null, null);
                    }
                }
            } else {
                for (int i = accept.nextSetBit(0); i >= 0 && i < count; i = i + 1 < count ? accept.nextSetBit(i + 1) : -1) {
                    if (!deleted.get(i)) {
                        local.offer(sf.similarityTo(i), id, i, null, null);
                    }
                }
            }
            local.drainTo(out, seg.ids::get); // ids made for the k kept, not for every ordinal scanned
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
