package dev.neuralsearch.ann.write;

import dev.neuralsearch.ann.vector.Vectorization;
import io.github.jbellis.jvector.graph.RandomAccessVectorValues;
import io.github.jbellis.jvector.graph.similarity.BuildScoreProvider;
import io.github.jbellis.jvector.graph.similarity.DefaultSearchScoreProvider;
import io.github.jbellis.jvector.graph.similarity.SearchScoreProvider;
import io.github.jbellis.jvector.vector.VectorSimilarityFunction;
import io.github.jbellis.jvector.vector.types.VectorFloat;
import java.util.List;

/**
 * The exact scores a graph build compares vectors with. Where this JVM's {@link Vectorization} is the Vector API
 * one, they are computed by it on the vectors' own heap arrays; elsewhere (Java 17 to 21, or no
 * {@code jdk.incubator.vector}) by JVector's {@code randomAccessScoreProvider}, as before.
 *
 * <p>Why: a build spends most of its time in exact 384-float dot products between heap vectors. On Java 22+ JVector
 * 4.0.2 picks its native provider, one foreign-function call per dot product, and a profile of a 100k build
 * (JFR, 2 cores) had 59 % of the samples in that call and its wrapper; the build's time is measured both ways in
 * benchmarks/RESULTS-jmh.md, "Build scores". The search already scores with {@link Vectorization}, so build and
 * search now compute the same scores.
 */
final class BuildScores {
    private BuildScores() {
    }

    /** The provider a build of {@code vectors} (the ones {@code ravv} serves, by ordinal) should use. */
    static BuildScoreProvider of(List<VectorFloat<?>> vectors, RandomAccessVectorValues ravv,
                                 VectorSimilarityFunction vsf) {
        BuildScoreProvider jvector = BuildScoreProvider.randomAccessScoreProvider(ravv, vsf);
        Vectorization v = Vectorization.get();
        if (!v.name().equals("panama")) {
            return jvector;
        }
        float[][] arrays = new float[vectors.size()][];
        for (int i = 0; i < arrays.length; i++) {
            arrays[i] = v.heapArray(vectors.get(i));
            if (arrays[i] == null) {
                return jvector; // not a heap vector: copying them all would double the build's memory
            }
        }
        return new Heap(jvector, v.onHeap(arrays), arrays, vsf);
    }

    /** Scores by {@link Vectorization#onHeap}; the centroid (computed once) by JVector. */
    static final class Heap implements BuildScoreProvider {
        private final BuildScoreProvider jvector;
        private final Vectorization.StoredVectors stored;
        private final float[][] arrays;
        private final VectorSimilarityFunction vsf;

        Heap(BuildScoreProvider jvector, Vectorization.StoredVectors stored, float[][] arrays,
             VectorSimilarityFunction vsf) {
            this.jvector = jvector;
            this.stored = stored;
            this.arrays = arrays;
            this.vsf = vsf;
        }

        @Override
        public boolean isExact() {
            return true;
        }

        @Override
        public VectorFloat<?> approximateCentroid() {
            return jvector.approximateCentroid();
        }

        @Override
        public SearchScoreProvider searchProviderFor(VectorFloat<?> query) {
            float[] q = new float[query.length()];
            for (int i = 0; i < q.length; i++) {
                q[i] = query.get(i);
            }
            return new DefaultSearchScoreProvider(stored.scorer(q, vsf));
        }

        @Override
        public SearchScoreProvider searchProviderFor(int node) {
            return new DefaultSearchScoreProvider(stored.scorer(arrays[node], vsf));
        }

        @Override
        public SearchScoreProvider diversityProviderFor(int node) {
            return searchProviderFor(node);
        }
    }
}
