package dev.neuralsearch.ann.format.legacy;

import io.github.jbellis.jvector.graph.disk.OnDiskGraphIndex;
import io.github.jbellis.jvector.graph.similarity.ScoreFunction;
import io.github.jbellis.jvector.vector.VectorSimilarityFunction;
import io.github.jbellis.jvector.vector.VectorizationProvider;
import io.github.jbellis.jvector.vector.types.VectorFloat;
import io.github.jbellis.jvector.vector.types.VectorTypeSupport;

/**
 * Full vectors kept inside a JVector graph file, as the layouts before the vector file did (INLINE, FUSED_PQ: inline
 * in each node record; PQ_IN_MEMORY: a separated region), read through JVector's graph view. Such segments are read
 * as they are and rewritten with a vector file by a compaction.
 */
public final class GraphVectors {
    private static final VectorTypeSupport VTS = VectorizationProvider.getInstance().getVectorTypeSupport();

    private GraphVectors() {
    }

    /**
     * Exact scores of {@code q}: JVector's reranker for inline vectors, or for separated vectors (which JVector
     * 4.0.2's {@code View.rerankerFor} does not support) a reader of the separated region. Used by one thread at a
     * time, like the view.
     */
    public static ScoreFunction.ExactScoreFunction reranker(OnDiskGraphIndex.View view, VectorFloat<?> q,
                                                            VectorSimilarityFunction vsf, boolean separated) {
        if (!separated) {
            return view.rerankerFor(q, vsf);
        }
        VectorFloat<?> tmp = VTS.createFloatVector(q.length());
        return node -> {
            view.getVectorInto(node, tmp, 0);
            return vsf.compare(q, tmp);
        };
    }

    /** A heap copy of the vector of {@code ord}. */
    public static VectorFloat<?> copy(OnDiskGraphIndex.View view, int ord) {
        return view.getVector(ord).copy();
    }

    /** The vector of {@code ord} as an array. */
    public static float[] toArray(OnDiskGraphIndex.View view, int ord) {
        return toArray(view.getVector(ord));
    }

    public static float[] toArray(VectorFloat<?> v) {
        float[] f = new float[v.length()];
        for (int i = 0; i < f.length; i++) {
            f[i] = v.get(i);
        }
        return f;
    }
}
