package dev.neuralsearch.ann.read;

import io.github.jbellis.jvector.graph.similarity.ScoreFunction;

/**
 * Caps the number of nodes a filtered graph search scores (Lucene's "visited limit"): a search that would score
 * more nodes than an exact scan of the filter's matches costs is abandoned with {@link #EXCEEDED} and the caller
 * scans instead. Counts every traversal score (exact or PQ), not the reranking.
 */
public final class VisitBudget {
    /** Thrown (stackless, preallocated) when the budget is spent; the searcher clears its state on any throwable. */
    static final RuntimeException EXCEEDED = new RuntimeException("visit budget exceeded", null, false, false) {
    };

    private final int limit;
    private int visits;

    VisitBudget(int limit) {
        this.limit = limit;
    }

    int visits() {
        return visits;
    }

    /** Charges {@code n} scores (our own graph search, which scores a node's neighbours together). */
    void spend(int n) {
        visits += n;
        if (visits > limit) {
            throw EXCEEDED;
        }
    }

    private void count() {
        spend(1);
    }

    ScoreFunction wrap(ScoreFunction sf) {
        return sf.isExact() ? new Exact((ScoreFunction.ExactScoreFunction) sf) : new Approximate(sf);
    }

    private final class Exact implements ScoreFunction.ExactScoreFunction {
        private final ScoreFunction.ExactScoreFunction sf;

        Exact(ScoreFunction.ExactScoreFunction sf) {
            this.sf = sf;
        }

        @Override
        public float similarityTo(int node) {
            count();
            return sf.similarityTo(node);
        }
    }

    private final class Approximate implements ScoreFunction.ApproximateScoreFunction {
        private final ScoreFunction sf;

        Approximate(ScoreFunction sf) {
            this.sf = sf;
        }

        @Override
        public float similarityTo(int node) {
            count();
            return sf.similarityTo(node);
        }

        @Override
        public boolean supportsSimilarityToNeighbors() {
            return sf.supportsSimilarityToNeighbors();
        }

        @Override
        public void enableSimilarityToNeighbors(int origin) {
            sf.enableSimilarityToNeighbors(origin);
        }

        @Override
        public float similarityToNeighbor(int origin, int neighborIndex) {
            count();
            return sf.similarityToNeighbor(origin, neighborIndex);
        }
    }
}
