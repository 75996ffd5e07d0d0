package dev.neuralsearch.ann.write;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.neuralsearch.ann.vector.Vectorization;
import io.github.jbellis.jvector.graph.ListRandomAccessVectorValues;
import io.github.jbellis.jvector.graph.RandomAccessVectorValues;
import io.github.jbellis.jvector.graph.similarity.BuildScoreProvider;
import io.github.jbellis.jvector.graph.similarity.ScoreFunction;
import io.github.jbellis.jvector.vector.VectorSimilarityFunction;
import io.github.jbellis.jvector.vector.VectorizationProvider;
import io.github.jbellis.jvector.vector.types.VectorFloat;
import io.github.jbellis.jvector.vector.types.VectorTypeSupport;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BuildScoresTest {
    private static final VectorTypeSupport VTS = VectorizationProvider.getInstance().getVectorTypeSupport();
    private static final int DIM = 384;

    private static List<VectorFloat<?>> vectors(int n, long seed) {
        Random r = new Random(seed);
        List<VectorFloat<?>> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            float[] v = new float[DIM];
            double norm = 0;
            for (int d = 0; d < DIM; d++) {
                v[d] = (float) r.nextGaussian();
                norm += v[d] * v[d];
            }
            for (int d = 0; d < DIM; d++) {
                v[d] /= (float) Math.sqrt(norm);
            }
            out.add(VTS.createFloatVector(v));
        }
        return out;
    }

    @Test
    void scoresWithOurVectorizationWhereItIsTheVectorApiOne() {
        List<VectorFloat<?>> vs = vectors(10, 1);
        BuildScoreProvider bsp = BuildScores.of(vs, new ListRandomAccessVectorValues(vs, DIM),
                VectorSimilarityFunction.DOT_PRODUCT);
        boolean panama = Vectorization.get().name().equals("panama");
        assertEquals(panama, bsp instanceof BuildScores.Heap,
                "vectorization " + Vectorization.get().name() + ", provider " + bsp.getClass().getName());
        if (panama) {
            // the vectors are used in place: no second copy of a build's vectors
            for (VectorFloat<?> v : vs) {
                float[] a = Vectorization.get().heapArray(v);
                assertTrue(a != null && a.length == DIM && a[0] == v.get(0));
            }
        }
    }

    @Test
    void agreesWithJVectorsScoresForEverySimilarity() {
        List<VectorFloat<?>> vs = vectors(200, 2);
        RandomAccessVectorValues ravv = new ListRandomAccessVectorValues(vs, DIM);
        VectorFloat<?> query = vectors(1, 3).get(0);
        for (VectorSimilarityFunction vsf : VectorSimilarityFunction.values()) {
            BuildScoreProvider ours = BuildScores.of(vs, ravv, vsf);
            BuildScoreProvider theirs = BuildScoreProvider.randomAccessScoreProvider(ravv, vsf);
            assertTrue(ours.isExact());
            for (int node : new int[] {0, 17, 199}) {
                ScoreFunction a = ours.searchProviderFor(node).scoreFunction();
                ScoreFunction b = theirs.searchProviderFor(node).scoreFunction();
                ScoreFunction ad = ours.diversityProviderFor(node).scoreFunction();
                for (int other = 0; other < vs.size(); other++) {
                    float expected = b.similarityTo(other);
                    assertEquals(expected, a.similarityTo(other), 1e-5f, vsf + " " + node + "->" + other);
                    assertEquals(expected, ad.similarityTo(other), 1e-5f, vsf + " diversity " + node + "->" + other);
                }
            }
            ScoreFunction q = ours.searchProviderFor(query).scoreFunction();
            ScoreFunction qj = theirs.searchProviderFor(query).scoreFunction();
            for (int other = 0; other < vs.size(); other++) {
                assertEquals(qj.similarityTo(other), q.similarityTo(other), 1e-5f, vsf + " query->" + other);
            }
            VectorFloat<?> centroid = ours.approximateCentroid();
            VectorFloat<?> expected = theirs.approximateCentroid();
            for (int d = 0; d < DIM; d++) {
                assertEquals(expected.get(d), centroid.get(d), 1e-6f);
            }
        }
    }
}
