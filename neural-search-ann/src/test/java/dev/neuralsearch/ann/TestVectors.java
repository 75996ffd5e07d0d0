package dev.neuralsearch.ann;

import dev.neuralsearch.core.ScoredDocument;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/** Synthetic data: Gaussian clusters on the unit sphere (uniform random 384-d vectors are pathological for ANN). */
public final class TestVectors implements VectorSource {
    private final float[][] centers;
    private final Random random;
    private final int dim;
    private final float spread;

    public TestVectors(int dim, int clusters, float spread, long seed) {
        this.dim = dim;
        this.spread = spread;
        this.random = new Random(seed);
        this.centers = new float[clusters][];
        for (int c = 0; c < clusters; c++) {
            float[] v = new float[dim];
            for (int i = 0; i < dim; i++) {
                v[i] = (float) random.nextGaussian();
            }
            centers[c] = normalize(v);
        }
    }

    public TestVectors(int dim, long seed) {
        this(dim, Math.max(8, dim / 4), 0.12f, seed);
    }

    @Override
    public float[] next() {
        float[] c = centers[random.nextInt(centers.length)];
        float[] v = new float[dim];
        for (int i = 0; i < dim; i++) {
            v[i] = c[i] + spread * (float) random.nextGaussian();
        }
        return normalize(v);
    }

    public static float[] normalize(float[] v) {
        double n = 0;
        for (float x : v) {
            n += x * x;
        }
        float inv = (float) (1 / Math.sqrt(n));
        for (int i = 0; i < v.length; i++) {
            v[i] *= inv;
        }
        return v;
    }

    public static double recall(List<ScoredDocument> approx, List<ScoredDocument> exact) {
        Set<String> truth = new HashSet<>();
        for (ScoredDocument d : exact) {
            truth.add(d.document().id());
        }
        int hit = 0;
        for (ScoredDocument d : approx) {
            if (truth.contains(d.document().id())) {
                hit++;
            }
        }
        return truth.isEmpty() ? 1.0 : (double) hit / truth.size();
    }
}
