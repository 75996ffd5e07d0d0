package dev.neuralsearch.ann.format;

import dev.neuralsearch.ann.PqLayout;
import dev.neuralsearch.ann.vector.Vectorization;
import io.github.jbellis.jvector.disk.RandomAccessReader;
import io.github.jbellis.jvector.quantization.ProductQuantization;
import io.github.jbellis.jvector.vector.VectorSimilarityFunction;
import io.github.jbellis.jvector.vector.types.VectorFloat;
import java.io.IOException;

/**
 * The PQ codes of a segment in the {@link PqLayout#IN_MEMORY} layout, held in byte arrays, and the approximate
 * scores of a query computed from them: JVector's {@code ProductQuantization} (codebooks) and the code layout of its
 * {@code PQVectors}, read from the same file, with our own scoring loop.
 *
 * <p>Why not JVector's {@code PQVectors} score functions: a PQ score is a sum of one table lookup per subspace
 * (96 at 384 dimensions), and at 1M vectors the node's 96 code bytes are a cache miss (and often a TLB miss) at a
 * random place in 96 MB; JVector scores one node per (native) call, so those misses come one after the other.
 * The graph search hands us all unvisited neighbours of a node at once
 * ({@link Vectorization.Scorer#similarityTo(int[], int, float[])}); touching the first and last code byte of each
 * before summing, then summing four nodes per pass, lets the misses overlap (measured in docs/index.md, "PQ
 * scores four at a time"). Scores equal JVector's precomputed decoders' up to float rounding (the sums are added in
 * another order): {@code (1 + dot) / 2}, {@code 1 / (1 + squared distance)} and {@code (1 + cosine) / 2}, with the
 * query centred on the codebooks' global centroid when they have one.
 */
public final class PqCodes {
    /** Vectors per code array (whole vectors, below the 2 GB array limit). */
    private final int vectorsPerChunk;
    private final byte[][] chunks;
    private final ProductQuantization pq;
    private final int count;
    private final int subspaces;
    private final int clusters;
    /** Per subspace: first dimension and number of dimensions. */
    private final int[] offsets;
    private final int[] sizes;
    /** Per subspace and centroid, its squared norm (cosine). */
    private final float[] centroidNorms;
    /**
     * Per subspace, the codebook transposed: {@code books[m][j * clusters + c]} is dimension j of centroid c, so
     * that a query's table is built by loops over the centroids that the JIT vectorizes.
     */
    private final float[][] books;

    private PqCodes(ProductQuantization pq, int count, byte[][] chunks, int vectorsPerChunk) {
        this.pq = pq;
        this.count = count;
        this.chunks = chunks;
        this.vectorsPerChunk = vectorsPerChunk;
        this.subspaces = pq.getSubspaceCount();
        this.clusters = pq.getClusterCount();
        this.offsets = new int[subspaces];
        this.sizes = new int[subspaces];
        int off = 0;
        for (int m = 0; m < subspaces; m++) {
            offsets[m] = off;
            sizes[m] = pq.getSubvectorSize(m);
            off += sizes[m];
        }
        this.centroidNorms = new float[subspaces * clusters];
        this.books = new float[subspaces][];
        for (int m = 0; m < subspaces; m++) {
            VectorFloat<?> book = pq.getCodebookVector(m);
            int size = sizes[m];
            books[m] = new float[size * clusters];
            for (int c = 0; c < clusters; c++) {
                float s = 0;
                for (int j = 0; j < size; j++) {
                    float x = book.get(c * size + j);
                    books[m][j * clusters + c] = x;
                    s += x * x;
                }
                centroidNorms[m * clusters + c] = s;
            }
        }
    }

    /**
     * Reads what JVector's {@code PQVectors.write} wrote: the quantizer, the vector count, the subspace count, then
     * each vector's code bytes in ordinal order.
     */
    public static PqCodes read(RandomAccessReader in) throws IOException {
        ProductQuantization pq = ProductQuantization.load(in);
        int n = in.readInt();
        int m = in.readInt();
        if (n < 0 || m != pq.getSubspaceCount()) {
            throw new IOException("PQ codes of " + n + " vectors x " + m + " bytes, quantizer has "
                    + pq.getSubspaceCount() + " subspaces");
        }
        int perChunk = Math.max(1, (1 << 30) / m);
        int chunkCount = n == 0 ? 0 : (n + perChunk - 1) / perChunk;
        byte[][] chunks = new byte[chunkCount][];
        for (int c = 0; c < chunkCount; c++) {
            int vectors = Math.min(perChunk, n - c * perChunk);
            chunks[c] = new byte[vectors * m];
            in.readFully(chunks[c]);
        }
        return new PqCodes(pq, n, chunks, perChunk);
    }

    public int count() {
        return count;
    }

    int subspaces() {
        return subspaces;
    }

    /** Heap bytes held: the codes and the codebooks. */
    long ramBytes() {
        return (long) count * subspaces + pq.ramBytesUsed() + 4L * centroidNorms.length;
    }

    /** Approximate scores of {@code query} (not retained) against the codes; for one thread at a time. */
    public Vectorization.Scorer scorer(float[] query, VectorSimilarityFunction vsf) {
        VectorFloat<?> centroid = pq.getGlobalCentroid();
        float[] q = query.clone();
        if (centroid != null) {
            for (int i = 0; i < q.length; i++) {
                q[i] -= centroid.get(i);
            }
        }
        float[] table = new float[subspaces * clusters];
        boolean euclidean = vsf == VectorSimilarityFunction.EUCLIDEAN;
        int k = clusters;
        for (int m = 0; m < subspaces; m++) {
            float[] book = books[m];
            int t = m * k;
            for (int j = 0; j < sizes[m]; j++) {
                if (euclidean) {
                    addSquaredDifferences(table, t, q[offsets[m] + j], book, j * k, k);
                } else {
                    addProducts(table, t, q[offsets[m] + j], book, j * k, k);
                }
            }
        }
        return switch (vsf) {
            case DOT_PRODUCT -> new Sums(table) {
                @Override
                float score(float sum, int node) {
                    return (1 + sum) / 2;
                }
            };
            case EUCLIDEAN -> new Sums(table) {
                @Override
                float score(float sum, int node) {
                    return 1 / (1 + sum);
                }
            };
            case COSINE -> {
                float qq = 0;
                for (float x : q) {
                    qq += x * x;
                }
                float queryNorm = qq;
                yield new Sums(table) {
                    @Override
                    float score(float sum, int node) {
                        float cosine = sum / (float) Math.sqrt(queryNorm * sum(centroidNorms, node));
                        return (1 + cosine) / 2;
                    }
                };
            }
        };
    }

    /** {@code dst[d + i] += x * src[s + i]}: a loop the JIT turns into SIMD. */
    private static void addProducts(float[] dst, int d, float x, float[] src, int s, int n) {
        for (int i = 0; i < n; i++) {
            dst[d + i] += x * src[s + i];
        }
    }

    /** {@code dst[d + i] += (x - src[s + i])²}. */
    private static void addSquaredDifferences(float[] dst, int d, float x, float[] src, int s, int n) {
        for (int i = 0; i < n; i++) {
            float diff = x - src[s + i];
            dst[d + i] += diff * diff;
        }
    }

    /** Sum of {@code table[m][code m of node]} over the subspaces. */
    private float sum(float[] table, int node) {
        byte[] codes = chunks[node / vectorsPerChunk];
        int base = (node % vectorsPerChunk) * subspaces;
        float s = 0;
        for (int m = 0, t = 0; m < subspaces; m++, t += clusters) {
            s += table[t + (codes[base + m] & 0xff)];
        }
        return s;
    }

    /** A scorer summing a per-query table; {@link #score} turns the sum into the similarity. */
    private abstract class Sums implements Vectorization.Scorer {
        private final float[] table;
        /** Keeps the touches of the code bytes from being optimised away. */
        private int sink;

        Sums(float[] table) {
            this.table = table;
        }

        abstract float score(float sum, int node);

        @Override
        public float similarityTo(int node) {
            return score(sum(table, node), node);
        }

        @Override
        public void similarityTo(int[] nodes, int count, float[] scores) {
            // first the code bytes of every node (their cache misses then overlap), then the sums, four at a time
            int touched = 0;
            for (int i = 0; i < count; i++) {
                int node = nodes[i];
                byte[] codes = chunks[node / vectorsPerChunk];
                int base = (node % vectorsPerChunk) * subspaces;
                touched += codes[base] + codes[base + subspaces - 1];
            }
            sink += touched;
            int i = 0;
            for (; i + 4 <= count; i += 4) {
                sum4(nodes[i], nodes[i + 1], nodes[i + 2], nodes[i + 3], scores, i);
            }
            for (; i < count; i++) {
                scores[i] = similarityTo(nodes[i]);
            }
        }

        private void sum4(int n0, int n1, int n2, int n3, float[] scores, int at) {
            byte[] c0 = chunks[n0 / vectorsPerChunk];
            byte[] c1 = chunks[n1 / vectorsPerChunk];
            byte[] c2 = chunks[n2 / vectorsPerChunk];
            byte[] c3 = chunks[n3 / vectorsPerChunk];
            int b0 = (n0 % vectorsPerChunk) * subspaces;
            int b1 = (n1 % vectorsPerChunk) * subspaces;
            int b2 = (n2 % vectorsPerChunk) * subspaces;
            int b3 = (n3 % vectorsPerChunk) * subspaces;
            float[] t = table;
            float s0 = 0;
            float s1 = 0;
            float s2 = 0;
            float s3 = 0;
            for (int m = 0, o = 0; m < subspaces; m++, o += clusters) {
                s0 += t[o + (c0[b0 + m] & 0xff)];
                s1 += t[o + (c1[b1 + m] & 0xff)];
                s2 += t[o + (c2[b2 + m] & 0xff)];
                s3 += t[o + (c3[b3 + m] & 0xff)];
            }
            scores[at] = score(s0, n0);
            scores[at + 1] = score(s1, n1);
            scores[at + 2] = score(s2, n2);
            scores[at + 3] = score(s3, n3);
        }
    }
}
