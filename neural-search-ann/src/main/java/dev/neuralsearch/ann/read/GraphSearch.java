package dev.neuralsearch.ann.read;

import dev.neuralsearch.ann.format.Adjacency;
import dev.neuralsearch.ann.vector.Vectorization;
import io.github.jbellis.jvector.graph.ImmutableGraphIndex;
import io.github.jbellis.jvector.graph.NodesIterator;
import io.github.jbellis.jvector.graph.disk.OnDiskGraphIndex;
import io.github.jbellis.jvector.util.Bits;
import java.io.Closeable;
import java.io.IOException;
import java.util.Arrays;

/**
 * Best-first search of a segment's graph: HNSW's search as Lucene runs it (greedy descent through the upper
 * layers, then a beam of {@code ef} results on layer 0, a neighbour entering the candidates only when it beats the
 * worst result), over JVector's on-disk graph; as in JVector's searcher, every node scored on the way down is a
 * starting point of layer 0 (at 1M with PQ scores: recall@10 0.952 instead of 0.947 at ef 100). Traverses with
 * exact scores (heap copies or the vector file), or with the PQ codes held in memory and then reranks the {@code ef}
 * results with exact scores, as JVector's searcher does; the older FusedPQ layout (codes inside the graph file)
 * keeps JVector's {@code GraphSearcher}.
 *
 * <p>Why our own loop: JVector's searcher scores one neighbour at a time through a callback and pushes every scored
 * neighbour into its candidate heap. Here the unvisited neighbours of an expanded node are gathered first and scored
 * in one call ({@link Vectorization.Scorer#similarityTo(int[], int, float[])}), which on Java 22+ reads four vectors
 *  at once so that their cache misses overlap, which matters where a visit costs a memory miss (large segments); the
 * heaps are smaller too. Measured against JVector's searcher in docs/index.md, "Our graph search".
 *
 * <p>Not thread-safe: one search at a time (the segment pools them). Owns a view of the graph, closed with it.
 */
public final class GraphSearch implements Closeable {
    private final OnDiskGraphIndex.View view;
    /** Layer-0 lists read in bulk, or null (then through the view). */
    private final Adjacency adjacency;
    private final int[] raw;
    /** One bit per node: visited in the current layer-0 search; cleared through {@link #touched}. */
    private final long[] visited;
    private int[] touched = new int[64];
    private int touchedCount;
    /** Max-heap of candidates to expand, as {@link #encode(float, int)} values. */
    private long[] candidates = new long[64];
    private int candidateCount;
    /** Min-heap of the best accepted nodes (at most ef), as {@link #encode(float, int)} values. */
    private long[] results = new long[64];
    private int resultCount;
    private int[] batch;
    private float[] scores;
    private int visits;
    /** Nodes scored on the upper layers, as {@link #encode(float, int)} values: layer 0 starts from all of them. */
    private long[] upper = new long[64];
    private int upperCount;

    GraphSearch(OnDiskGraphIndex graph, Adjacency adjacency) {
        this.view = graph.getView();
        this.adjacency = adjacency;
        this.raw = new int[Math.max(1, graph.maxDegree())];
        this.visited = new long[(Math.max(graph.size(0), view.getIdUpperBound()) + 63) >>> 6];
        int degree = Math.max(1, graph.maxDegree());
        this.batch = new int[degree];
        this.scores = new float[degree];
    }

    /** Nodes scored by the last search. */
    int visits() {
        return visits;
    }

    /**
     * Searches for the {@code ef} best nodes that {@code accept} admits by {@code scorer}, and writes up to {@code k}
     * of them, best first, to {@code nodes} and {@code nodeScores}; returns how many. With a {@code reranker} (when
     * {@code scorer} is approximate), the best {@code rescore} of the {@code ef} found by {@code scorer} (all of them
     * when {@code rescore >= ef}) are scored again by it and the best {@code k} of those scores returned.
     * {@code budget} (or null) is charged for every traversal score and ends the search by throwing
     * {@link VisitBudget#EXCEEDED}.
     */
    int search(Vectorization.Scorer scorer, Vectorization.Scorer reranker, int k, int ef, int rescore, Bits accept,
               VisitBudget budget, int[] nodes, float[] nodeScores) {
        visits = 0;
        ImmutableGraphIndex.NodeAtLevel entry = view.entryNode();
        if (entry == null) {
            return 0;
        }
        try {
            int current = entry.node;
            float currentScore = scorer.similarityTo(current);
            charge(budget, 1);
            upperCount = 0;
            for (int level = entry.level; level > 0; level--) {
                // greedy: move to the best neighbour while one is better
                boolean moved = true;
                while (moved) {
                    moved = false;
                    int m = neighbours(level, current, false);
                    scorer.similarityTo(batch, m, scores);
                    charge(budget, m);
                    for (int i = 0; i < m; i++) {
                        if (upperCount == upper.length) {
                            upper = Arrays.copyOf(upper, upperCount * 2);
                        }
                        upper[upperCount++] = encode(scores[i], batch[i]);
                        if (scores[i] > currentScore) {
                            currentScore = scores[i];
                            current = batch[i];
                            moved = true;
                        }
                    }
                }
            }
            layer0(scorer, current, currentScore, ef, accept, budget);
            return reranker == null ? best(k, nodes, nodeScores) : rerank(reranker, k, rescore, nodes, nodeScores);
        } finally {
            clearVisited();
        }
    }

    private void layer0(Vectorization.Scorer scorer, int start, float startScore, int ef, Bits accept,
                        VisitBudget budget) {
        candidateCount = 0;
        resultCount = 0;
        if (results.length < ef) {
            results = new long[ef];
        }
        markVisited(start);
        pushCandidate(encode(startScore, start));
        if (accept.get(start)) {
            offerResult(encode(startScore, start), ef);
        }
        // every node scored on the way down is a starting point too, as JVector's searcher keeps them: with
        // approximate (PQ) scores the best of layer 1 is not always the way to the best of layer 0
        for (int i = 0; i < upperCount; i++) {
            long e = upper[i];
            int node = node(e);
            if (markVisited(node)) {
                pushCandidate(e);
                if (accept.get(node)) {
                    offerResult(e, ef);
                }
            }
        }
        while (candidateCount > 0) {
            long top = popCandidate();
            if (resultCount >= ef && top < results[0]) {
                break; // the best candidate is worse than the worst of ef results: nothing left can enter
            }
            int m = neighbours(0, node(top), true);
            if (m == 0) {
                continue;
            }
            scorer.similarityTo(batch, m, scores);
            charge(budget, m);
            for (int i = 0; i < m; i++) {
                long e = encode(scores[i], batch[i]);
                if (resultCount < ef || e > results[0]) {
                    pushCandidate(e);
                    if (accept.get(batch[i])) {
                        offerResult(e, ef);
                    }
                }
            }
        }
    }

    /** The best {@code k} results, best first (results is a min-heap: the worst are popped first). */
    private int best(int k, int[] nodes, float[] nodeScores) {
        int n = Math.min(k, resultCount);
        while (resultCount > n) {
            popResult();
        }
        for (int i = n - 1; i >= 0; i--) {
            long e = results[0];
            nodes[i] = node(e);
            nodeScores[i] = score(e);
            popResult();
        }
        return n;
    }

    /**
     * The best {@code rescore} results (at least {@code k}) scored by {@code reranker}; the best {@code k} of those
     * scores, best first.
     */
    private int rerank(Vectorization.Scorer reranker, int k, int rescore, int[] nodes, float[] nodeScores) {
        while (resultCount > Math.max(k, rescore)) {
            popResult(); // the worst by the traversal's score
        }
        int m = resultCount;
        if (batch.length < m) {
            batch = new int[m];
            scores = new float[m];
        }
        for (int i = 0; i < m; i++) {
            batch[i] = node(results[i]);
        }
        reranker.similarityTo(batch, m, scores);
        resultCount = 0;
        for (int i = 0; i < m; i++) {
            offerResult(encode(scores[i], batch[i]), k);
        }
        return best(k, nodes, nodeScores);
    }

    /** Reads the neighbours of {@code node} at {@code level} into {@link #batch}, skipping and marking visited ones. */
    private int neighbours(int level, int node, boolean skipVisited) {
        if (level == 0 && adjacency != null && skipVisited) {
            int size = adjacency.read(node, raw);
            if (size > batch.length) {
                batch = new int[size];
                scores = new float[size];
            }
            int m = 0;
            for (int i = 0; i < size; i++) {
                int nb = raw[i];
                if (markVisited(nb)) {
                    batch[m++] = nb;
                }
            }
            return m;
        }
        NodesIterator it = view.getNeighborsIterator(level, node);
        int size = it.size();
        if (size > batch.length) {
            batch = new int[size];
            scores = new float[size];
        }
        int m = 0;
        while (it.hasNext()) {
            int nb = it.nextInt();
            if (!skipVisited || markVisited(nb)) {
                batch[m++] = nb;
            }
        }
        return m;
    }

    private void charge(VisitBudget budget, int n) {
        visits += n;
        if (budget != null) {
            budget.spend(n);
        }
    }

    /** Marks {@code node} visited; false if it already was. */
    private boolean markVisited(int node) {
        int w = node >>> 6;
        long word = visited[w];
        long bit = 1L << node; // shifts by node mod 64
        if ((word & bit) != 0) {
            return false;
        }
        if (word == 0) {
            if (touchedCount == touched.length) {
                touched = Arrays.copyOf(touched, touchedCount * 2);
            }
            touched[touchedCount++] = w;
        }
        visited[w] = word | bit;
        return true;
    }

    private void clearVisited() {
        for (int i = 0; i < touchedCount; i++) {
            visited[touched[i]] = 0;
        }
        touchedCount = 0;
    }

    /**
     * A score and a node in one long whose signed order is the score's (then the node's): the float's bits with
     * the negative range flipped, so that they compare as integers, in the high half.
     */
    static long encode(float score, int node) {
        int bits = Float.floatToIntBits(score);
        bits ^= (bits >> 31) & 0x7fffffff;
        return ((long) bits << 32) | (node & 0xffffffffL);
    }

    static float score(long encoded) {
        int bits = (int) (encoded >> 32);
        bits ^= (bits >> 31) & 0x7fffffff;
        return Float.intBitsToFloat(bits);
    }

    static int node(long encoded) {
        return (int) encoded;
    }

    private void pushCandidate(long e) {
        if (candidateCount == candidates.length) {
            candidates = Arrays.copyOf(candidates, candidateCount * 2);
        }
        long[] h = candidates;
        int i = candidateCount++;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (h[parent] >= e) {
                break;
            }
            h[i] = h[parent];
            i = parent;
        }
        h[i] = e;
    }

    private long popCandidate() {
        long[] h = candidates;
        long top = h[0];
        long last = h[--candidateCount];
        int n = candidateCount;
        int i = 0;
        while (true) {
            int child = 2 * i + 1;
            if (child >= n) {
                break;
            }
            if (child + 1 < n && h[child + 1] > h[child]) {
                child++;
            }
            if (h[child] <= last) {
                break;
            }
            h[i] = h[child];
            i = child;
        }
        if (n > 0) {
            h[i] = last;
        }
        return top;
    }

    /** Adds {@code e} to the results, dropping the worst when there are already {@code ef}. */
    private void offerResult(long e, int ef) {
        long[] h = results;
        if (resultCount < ef) {
            int i = resultCount++;
            while (i > 0) {
                int parent = (i - 1) >>> 1;
                if (h[parent] <= e) {
                    break;
                }
                h[i] = h[parent];
                i = parent;
            }
            h[i] = e;
        } else if (e > h[0]) {
            siftDownResult(e, resultCount);
        }
    }

    private void popResult() {
        long last = results[--resultCount];
        if (resultCount > 0) {
            siftDownResult(last, resultCount);
        }
    }

    /** Puts {@code e} at the root of the min-heap of {@code n} results and sifts it down. */
    private void siftDownResult(long e, int n) {
        long[] h = results;
        int i = 0;
        while (true) {
            int child = 2 * i + 1;
            if (child >= n) {
                break;
            }
            if (child + 1 < n && h[child + 1] < h[child]) {
                child++;
            }
            if (h[child] >= e) {
                break;
            }
            h[i] = h[child];
            i = child;
        }
        h[i] = e;
    }

    @Override
    public void close() throws IOException {
        view.close();
    }
}
