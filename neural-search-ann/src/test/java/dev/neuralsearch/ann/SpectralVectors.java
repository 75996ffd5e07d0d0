package dev.neuralsearch.ann;

import java.util.Random;

/**
 * Embedding-like synthetic data (for recall of quantized search at sizes no cached real corpus reaches):
 * {@code normalize(mean + R s)} with {@code s} Gaussian with a power-law spectrum (variance of component j
 * proportional to {@code (j+1)^-alpha}) and {@code R} a fixed random rotation, so that energy is spread over all
 * coordinates as in real sentence embeddings, which share a common direction (the mean) and have a decaying
 * spectrum. {@code alpha} and the mean's norm are calibrated against the SciFact all-MiniLM-L6-v2 vectors (see
 * docs/index.md, "Benchmark").
 */
public final class SpectralVectors implements VectorSource {
    private final int dim;
    private final float[][] rotation;
    private final float[] sd;
    private final float[] mean;
    private final Random random;

    public SpectralVectors(int dim, double alpha, double meanNorm, long seed) {
        this.dim = dim;
        Random r = new Random(seed);
        rotation = new float[dim][];
        for (int j = 0; j < dim; j++) {
            rotation[j] = TestVectors.normalize(gaussian(r, dim));
        }
        sd = new float[dim];
        double total = 0;
        for (int j = 0; j < dim; j++) {
            total += Math.pow(j + 1, -alpha);
        }
        for (int j = 0; j < dim; j++) {
            sd[j] = (float) Math.sqrt(Math.pow(j + 1, -alpha) / total); // total variance 1
        }
        mean = TestVectors.normalize(gaussian(r, dim));
        for (int i = 0; i < dim; i++) {
            mean[i] *= (float) meanNorm;
        }
        random = new Random(seed * 31 + 1);
    }

    private static float[] gaussian(Random r, int dim) {
        float[] v = new float[dim];
        for (int i = 0; i < dim; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }

    @Override
    public float[] next() {
        float[] v = mean.clone();
        for (int j = 0; j < dim; j++) {
            float c = sd[j] * (float) random.nextGaussian();
            float[] axis = rotation[j];
            for (int i = 0; i < dim; i++) {
                v[i] += c * axis[i];
            }
        }
        return TestVectors.normalize(v);
    }
}
