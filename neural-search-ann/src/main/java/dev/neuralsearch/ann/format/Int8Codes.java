package dev.neuralsearch.ann.format;

import dev.neuralsearch.ann.vector.Vectorization;
import io.github.jbellis.jvector.vector.VectorSimilarityFunction;
import io.github.jbellis.jvector.vector.types.VectorFloat;

/**
 * Int8 codes of a segment's full vectors, held in byte arrays, and the approximate scores of a query computed from
 * them: scalar quantization with one range per dimension, {@code x[i] ~ min[i] + step[i] * (code[i] + 128)}, as
 * Lucene's 8-bit scalar quantization stores vectors. A score is one dot product of the query (scaled by the steps)
 * with the codes, so {@code dimension} bytes are read per scored node (PQ reads {@code dimension / 4} and sums as
 * many table lookups), and the order is nearly the exact one: fewer nodes need to be traversed and reranked to
 * reach a given recall.
 */
public final class Int8Codes {
    private final int count;
    private final int dimension;
    private final int vectorsPerChunk;
    private final byte[][] chunks;
    private final float[] min;
    private final float[] step;
    /** Per vector, the squared norm of its decoded codes (Euclidean and cosine scores). */
    private final float[] squareNorms;

    Int8Codes(int count, int dimension, int vectorsPerChunk, byte[][] chunks, float[] min, float[] step,
              float[] squareNorms) {
        this.count = count;
        this.dimension = dimension;
        this.vectorsPerChunk = vectorsPerChunk;
        this.chunks = chunks;
        this.min = min;
        this.step = step;
        this.squareNorms = squareNorms;
    }

    /**
     * Quantizes {@code vectors} (all of {@code dimension}): one pass for the ranges, one for the codes. A vector that
     * wraps a heap array is read in place ({@link Vectorization#heapArray}), others are copied.
     */
    public static Int8Codes quantize(java.util.List<VectorFloat<?>> vectors, int dimension) {
        int count = vectors.size();
        Vectorization vz = Vectorization.get();
        float[] copy = new float[dimension];
        java.util.function.IntFunction<float[]> source = ord -> {
            VectorFloat<?> x = vectors.get(ord);
            float[] a = vz.heapArray(x);
            if (a != null) {
                return a;
            }
            for (int i = 0; i < dimension; i++) {
                copy[i] = x.get(i);
            }
            return copy;
        };
        float[] lo = new float[dimension];
        float[] hi = new float[dimension];
        java.util.Arrays.fill(lo, Float.POSITIVE_INFINITY);
        java.util.Arrays.fill(hi, Float.NEGATIVE_INFINITY);
        for (int n = 0; n < count; n++) {
            float[] v = source.apply(n);
            for (int i = 0; i < dimension; i++) {
                lo[i] = Math.min(lo[i], v[i]);
                hi[i] = Math.max(hi[i], v[i]);
            }
        }
        float[] step = new float[dimension];
        for (int i = 0; i < dimension; i++) {
            if (count == 0) {
                lo[i] = 0;
            }
            float range = count == 0 ? 0 : hi[i] - lo[i];
            step[i] = range > 0 ? range / 255f : 1f;
        }
        int perChunk = vectorsPerChunk(dimension);
        int chunkCount = count == 0 ? 0 : (count + perChunk - 1) / perChunk;
        byte[][] chunks = new byte[chunkCount][];
        for (int c = 0; c < chunkCount; c++) {
            chunks[c] = new byte[Math.min(perChunk, count - c * perChunk) * dimension];
        }
        float[] norms = new float[count];
        for (int n = 0; n < count; n++) {
            float[] v = source.apply(n);
            byte[] chunk = chunks[n / perChunk];
            int at = (n % perChunk) * dimension;
            float s = 0;
            for (int i = 0; i < dimension; i++) {
                int code = Math.round((v[i] - lo[i]) / step[i]);
                code = Math.max(0, Math.min(255, code));
                chunk[at + i] = (byte) (code - 128);
                float decoded = lo[i] + step[i] * code;
                s += decoded * decoded;
            }
            norms[n] = s;
        }
        return new Int8Codes(count, dimension, perChunk, chunks, lo, step, norms);
    }

    /** Vectors per code array: whole vectors, at most 1 GiB. */
    static int vectorsPerChunk(int dimension) {
        return Math.max(1, (1 << 30) / Math.max(1, dimension));
    }

    int dimension() {
        return dimension;
    }

    float[] rangeStarts() {
        return min;
    }

    float[] steps() {
        return step;
    }

    float[] squareNorms() {
        return squareNorms;
    }

    byte[][] chunks() {
        return chunks;
    }

    public int count() {
        return count;
    }

    /** Approximate scores of {@code query} (not retained) against the codes; for one thread at a time. */
    public Vectorization.Scorer scorer(float[] query, VectorSimilarityFunction vsf) {
        float[] q = new float[dimension];
        float base = 0;
        float qq = 0;
        for (int i = 0; i < dimension; i++) {
            q[i] = query[i] * step[i];
            base += query[i] * (min[i] + 128 * step[i]);
            qq += query[i] * query[i];
        }
        Vectorization vz = Vectorization.get();
        float b = base;
        float queryNorm2 = qq;
        return new Vectorization.Scorer() {
            @Override
            public float similarityTo(int node) {
                return score(b + vz.dotInt8(q, chunks[node / vectorsPerChunk], (node % vectorsPerChunk) * dimension),
                        node);
            }

            @Override
            public void similarityTo(int[] nodes, int n, float[] scores) {
                int i = 0;
                int per = vectorsPerChunk;
                int d = dimension;
                for (; i + 4 <= n; i += 4) {
                    int n0 = nodes[i];
                    int n1 = nodes[i + 1];
                    int n2 = nodes[i + 2];
                    int n3 = nodes[i + 3];
                    vz.dotInt8x4(q, chunks[n0 / per], (n0 % per) * d, chunks[n1 / per], (n1 % per) * d,
                            chunks[n2 / per], (n2 % per) * d, chunks[n3 / per], (n3 % per) * d, scores, i);
                    for (int j = i; j < i + 4; j++) {
                        scores[j] = score(b + scores[j], nodes[j]);
                    }
                }
                for (; i < n; i++) {
                    scores[i] = similarityTo(nodes[i]);
                }
            }

            private float score(float dot, int node) {
                return switch (vsf) {
                    case DOT_PRODUCT -> (1 + dot) / 2;
                    case COSINE -> (float) ((1 + dot / Math.sqrt((double) queryNorm2 * squareNorms[node])) / 2);
                    case EUCLIDEAN -> 1 / (1 + Math.max(0f, queryNorm2 - 2 * dot + squareNorms[node]));
                };
            }
        };
    }
}
