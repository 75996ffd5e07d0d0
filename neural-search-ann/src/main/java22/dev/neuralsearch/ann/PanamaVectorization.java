package dev.neuralsearch.ann;

import io.github.jbellis.jvector.graph.similarity.ScoreFunction;
import io.github.jbellis.jvector.vector.VectorSimilarityFunction;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Java 22+ {@link Vectorization} (compiled into the jar's {@code META-INF/versions/22}): a vector file is one
 * read-only {@link MemorySegment} mapping in a shared {@link Arena} (closed, and so unmapped, by {@link
 * MappedVectors#close()}), and similarities are computed with the Vector API directly on the mapped floats, or on
 * the heap arrays: nothing is copied per visited vector. One accumulator: at random places in a large file the
 * loads, not the fused multiply-adds, are the cost, and the simplest loop lets the CPU issue them all early (four
 * accumulators measured 25 % slower per score there). The tail beyond a multiple of the species length is scalar.
 *
 * <p>The lanes are summed by {@code reduceLanes(ADD)}, whose order of additions may differ between interpreted and
 * compiled code: a score can change in its last bit while the JIT warms up (as Lucene's and JVector's do).
 */
final class PanamaVectorization extends Vectorization {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int LANES = SPECIES.length();
    private static final ValueLayout.OfFloat LE_FLOAT =
            ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    PanamaVectorization() {
        if (SPECIES.vectorBitSize() < 128) {
            // no SIMD worth the name (or C2 off): the Vector API would be slower than JVector's code
            throw new UnsupportedOperationException("preferred vector size " + SPECIES.vectorBitSize() + " bits");
        }
    }

    @Override
    String name() {
        return "panama";
    }

    @Override
    MappedVectors map(FileChannel ch, long offset, int count, int dimension, long maxChunkBytes)
            throws IOException {
        Arena arena = Arena.ofShared();
        try {
            MemorySegment segment = ch.map(FileChannel.MapMode.READ_ONLY, offset,
                    (long) count * dimension * Float.BYTES, arena);
            return new Mapped(segment, arena, dimension);
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    @Override
    StoredVectors onHeap(float[][] vectors) {
        return new HeapVectors(vectors) {
            @Override
            public ScoreFunction.ExactScoreFunction scorer(float[] query, VectorSimilarityFunction vsf) {
                float[] q = query.clone();
                return switch (vsf) {
                    case DOT_PRODUCT -> node -> (1 + dot(q, vectors[node])) / 2;
                    case COSINE -> {
                        float qq = dot(q, q);
                        yield node -> {
                            float[] v = vectors[node];
                            return (1 + cosine(dot(q, v), qq, squareNorm(v))) / 2;
                        };
                    }
                    case EUCLIDEAN -> node -> 1 / (1 + squareDistance(q, vectors[node]));
                };
            }
        };
    }

    /** One mapping of the whole file. */
    private static final class Mapped implements MappedVectors {
        private final MemorySegment segment;
        private final Arena arena;
        private final int dimension;
        private final long stride;

        Mapped(MemorySegment segment, Arena arena, int dimension) {
            this.segment = segment;
            this.arena = arena;
            this.dimension = dimension;
            this.stride = (long) dimension * Float.BYTES;
        }

        @Override
        public void read(int ordinal, float[] dst) {
            MemorySegment.copy(segment, LE_FLOAT, ordinal * stride, dst, 0, dimension);
        }

        @Override
        public ScoreFunction.ExactScoreFunction scorer(float[] query, VectorSimilarityFunction vsf) {
            float[] q = query.clone();
            MemorySegment s = segment;
            long st = stride;
            return switch (vsf) {
                case DOT_PRODUCT -> node -> (1 + dot(q, s, node * st)) / 2;
                case COSINE -> {
                    float qq = dot(q, q);
                    yield node -> {
                        long off = node * st;
                        return (1 + cosine(dot(q, s, off), qq, squareNorm(s, off, q.length))) / 2;
                    };
                }
                case EUCLIDEAN -> node -> 1 / (1 + squareDistance(q, s, node * st));
            };
        }

        @Override
        public void close() {
            arena.close();
        }
    }

    private static float cosine(float dot, float queryNorm2, float vectorNorm2) {
        return (float) (dot / Math.sqrt((double) queryNorm2 * vectorNorm2));
    }

    static float dot(float[] a, MemorySegment s, long off) {
        FloatVector acc = FloatVector.zero(SPECIES);
        int i = 0;
        for (int bound = SPECIES.loopBound(a.length); i < bound; i += LANES) {
            acc = FloatVector.fromArray(SPECIES, a, i).fma(FloatVector.fromMemorySegment(SPECIES, s, off + 4L * i, LE), acc);
        }
        float r = acc.reduceLanes(VectorOperators.ADD);
        for (; i < a.length; i++) {
            r += a[i] * s.get(LE_FLOAT, off + 4L * i);
        }
        return r;
    }

    static float squareNorm(MemorySegment s, long off, int n) {
        FloatVector acc = FloatVector.zero(SPECIES);
        int i = 0;
        for (int bound = SPECIES.loopBound(n); i < bound; i += LANES) {
            FloatVector v = FloatVector.fromMemorySegment(SPECIES, s, off + 4L * i, LE);
            acc = v.fma(v, acc);
        }
        float r = acc.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            float x = s.get(LE_FLOAT, off + 4L * i);
            r += x * x;
        }
        return r;
    }

    static float squareDistance(float[] a, MemorySegment s, long off) {
        FloatVector acc = FloatVector.zero(SPECIES);
        int i = 0;
        for (int bound = SPECIES.loopBound(a.length); i < bound; i += LANES) {
            FloatVector d = FloatVector.fromArray(SPECIES, a, i)
                    .sub(FloatVector.fromMemorySegment(SPECIES, s, off + 4L * i, LE));
            acc = d.fma(d, acc);
        }
        float r = acc.reduceLanes(VectorOperators.ADD);
        for (; i < a.length; i++) {
            float d = a[i] - s.get(LE_FLOAT, off + 4L * i);
            r += d * d;
        }
        return r;
    }

    static float dot(float[] a, float[] b) {
        FloatVector acc = FloatVector.zero(SPECIES);
        int i = 0;
        for (int bound = SPECIES.loopBound(a.length); i < bound; i += LANES) {
            acc = FloatVector.fromArray(SPECIES, a, i).fma(FloatVector.fromArray(SPECIES, b, i), acc);
        }
        float r = acc.reduceLanes(VectorOperators.ADD);
        for (; i < a.length; i++) {
            r += a[i] * b[i];
        }
        return r;
    }

    static float squareNorm(float[] a) {
        return dot(a, a);
    }

    static float squareDistance(float[] a, float[] b) {
        FloatVector acc = FloatVector.zero(SPECIES);
        int i = 0;
        for (int bound = SPECIES.loopBound(a.length); i < bound; i += LANES) {
            FloatVector d = FloatVector.fromArray(SPECIES, a, i).sub(FloatVector.fromArray(SPECIES, b, i));
            acc = d.fma(d, acc);
        }
        float r = acc.reduceLanes(VectorOperators.ADD);
        for (; i < a.length; i++) {
            float d = a[i] - b[i];
            r += d * d;
        }
        return r;
    }
}
