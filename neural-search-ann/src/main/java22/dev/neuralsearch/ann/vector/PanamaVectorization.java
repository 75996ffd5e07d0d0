package dev.neuralsearch.ann.vector;

import io.github.jbellis.jvector.vector.VectorSimilarityFunction;
import io.github.jbellis.jvector.vector.types.VectorFloat;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Java 22+ {@link Vectorization} (compiled into the jar's {@code META-INF/versions/22}): a vector file is one
 * read-only {@link MemorySegment} mapping in a shared {@link Arena} (closed, and so unmapped, by {@link
 * MappedVectors#close()}), and similarities are computed with the Vector API directly on the mapped floats, or on
 * the heap arrays: nothing is copied per visited vector. One accumulator: at random places in a large file the
 * loads, not the fused multiply-adds, are the cost, and the simplest loop lets the CPU issue them all early (four
 * accumulators were slower per score there). Several vectors at once are another matter: the graph search
 * scores a node's neighbours four at a time ({@code dot4}), whose independent loads overlap their cache misses.
 * The tail beyond a multiple of the species length is scalar.
 *
 * <p>The lanes are summed by {@code reduceLanes(ADD)}, whose order of additions may differ between interpreted and
 * compiled code: a score can change in its last bit while the JIT warms up (as Lucene's and JVector's do).
 */
public final class PanamaVectorization extends Vectorization {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int LANES = SPECIES.length();
    private static final ValueLayout.OfFloat LE_FLOAT =
            ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    /** As many bytes as {@link #SPECIES} has float lanes: one load widens to one float vector. */
    private static final VectorSpecies<Byte> BYTES = VectorSpecies.of(byte.class, VectorShape.forBitSize(LANES * 8));
    PanamaVectorization() {
        if (SPECIES.vectorBitSize() < 128) {
            // no SIMD worth the name (or C2 off): the Vector API would be slower than JVector's code
            throw new UnsupportedOperationException("preferred vector size " + SPECIES.vectorBitSize() + " bits");
        }
    }

    @Override
    public String name() {
        return "panama";
    }

    @Override
    public MappedVectors map(FileChannel ch, long offset, int count, int dimension, long maxChunkBytes,
                      boolean randomAccess) throws IOException {
        Arena arena = Arena.ofShared();
        try {
            MemorySegment segment = ch.map(FileChannel.MapMode.READ_ONLY, offset,
                    (long) count * dimension * Float.BYTES, arena);
            if (randomAccess) {
                Madvise.random(segment);
            }
            return new Mapped(segment, arena, dimension);
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    private static final ValueLayout.OfInt BE_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    @Override
    public MappedInts mapInts(FileChannel ch, boolean randomAccess) throws IOException {
        Arena arena = Arena.ofShared();
        try {
            MemorySegment segment = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
            if (randomAccess) {
                Madvise.random(segment);
            }
            return new MappedInts() {
                @Override
                public int readInt(long offset) {
                    return segment.get(BE_INT, offset);
                }

                @Override
                public void readInts(long offset, int[] dst, int count) {
                    MemorySegment.copy(segment, BE_INT, offset, dst, 0, count);
                }

                @Override
                public void close() {
                    arena.close();
                }
            };
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    @Override
    public StoredVectors onHeap(float[][] vectors) {
        return new HeapVectors(vectors) {
            @Override
            public Scorer scorer(float[] query, VectorSimilarityFunction vsf) {
                float[] q = query.clone();
                return switch (vsf) {
                    case DOT_PRODUCT -> new Scorer() {
                        @Override
                        public float similarityTo(int node) {
                            return (1 + dot(q, vectors[node])) / 2;
                        }

                        @Override
                        public void similarityTo(int[] nodes, int count, float[] scores) {
                            int i = 0;
                            for (; i + 4 <= count; i += 4) {
                                dot4(q, vectors[nodes[i]], vectors[nodes[i + 1]], vectors[nodes[i + 2]],
                                        vectors[nodes[i + 3]], scores, i);
                            }
                            for (; i < count; i++) {
                                scores[i] = similarityTo(nodes[i]);
                            }
                        }
                    };
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

    @Override
    public float[] heapArray(VectorFloat<?> vector) {
        if (vector.get() instanceof MemorySegment s && s.heapBase().orElse(null) instanceof float[] a
                && s.address() == 0 && s.byteSize() == (long) a.length * Float.BYTES && a.length == vector.length()) {
            return a;
        }
        return super.heapArray(vector);
    }

    /**
     * {@code madvise(MADV_RANDOM)} on the vector file mapping of a PQ segment (as Lucene advises its vector data):
     * its vectors are read only to rerank, at random places, one or a few pages each, so the kernel's read-around
     * of a faulting page (up to 128 KB) reads and keeps pages no search asked for. The same for a PQ segment's graph
     * file, whose adjacency lists a search reads a few at a time at random places. Not for exact segments, whose
     * traversal reads the whole file: there read-around fills the cache 32 pages per fault instead of one. Measured
     * on 1M x 384 with the PQ layout, whose rerank reads ~100 vectors per query: docs/index.md, "Random-access
     * advice". Best effort: where the C library has no {@code madvise}, or native access is denied, the mapping keeps
     * the default advice.
     */
    static final class Madvise {
        private static final int MADV_RANDOM = 1; // Linux, macOS and the BSDs
        private static final java.lang.invoke.MethodHandle MADVISE = find();

        private static java.lang.invoke.MethodHandle find() {
            String os = System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT);
            if (os.startsWith("windows")) {
                return null;
            }
            try {
                java.lang.foreign.Linker linker = java.lang.foreign.Linker.nativeLinker();
                return linker.defaultLookup().find("madvise").map(address -> linker.downcallHandle(address,
                        java.lang.foreign.FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS,
                                ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT))).orElse(null);
            } catch (RuntimeException | LinkageError e) {
                return null; // e.g. native access denied by --illegal-native-access=deny
            }
        }

        /** True if the advice was taken. */
        static boolean random(MemorySegment mapping) {
            if (MADVISE == null || mapping.byteSize() == 0) {
                return false;
            }
            long pageSize = 4096;
            long start = mapping.address() & -pageSize; // madvise wants a page-aligned start
            long length = mapping.address() + mapping.byteSize() - start;
            try {
                return (int) MADVISE.invokeExact(MemorySegment.ofAddress(start), length, MADV_RANDOM) == 0;
            } catch (Throwable e) {
                return false;
            }
        }
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
        public Scorer scorer(float[] query, VectorSimilarityFunction vsf) {
            float[] q = query.clone();
            MemorySegment s = segment;
            long st = stride;
            return switch (vsf) {
                case DOT_PRODUCT -> new Scorer() {
                    @Override
                    public float similarityTo(int node) {
                        return (1 + dot(q, s, node * st)) / 2;
                    }

                    @Override
                    public void similarityTo(int[] nodes, int count, float[] scores) {
                        int i = 0;
                        for (; i + 4 <= count; i += 4) {
                            dot4(q, s, nodes[i] * st, nodes[i + 1] * st, nodes[i + 2] * st, nodes[i + 3] * st,
                                    scores, i);
                        }
                        for (; i < count; i++) {
                            scores[i] = similarityTo(nodes[i]);
                        }
                    }
                };
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

    @Override
    public float dotInt8(float[] q, byte[] codes, int offset) {
        FloatVector acc = FloatVector.zero(SPECIES);
        int i = 0;
        for (int bound = SPECIES.loopBound(q.length); i < bound; i += LANES) {
            acc = FloatVector.fromArray(SPECIES, q, i).fma(widen(codes, offset + i), acc);
        }
        float r = acc.reduceLanes(VectorOperators.ADD);
        for (; i < q.length; i++) {
            r += q[i] * codes[offset + i];
        }
        return r;
    }

    @Override
    public void dotInt8x4(float[] q, byte[] c0, int o0, byte[] c1, int o1, byte[] c2, int o2, byte[] c3, int o3,
                          float[] out, int at) {
        FloatVector acc0 = FloatVector.zero(SPECIES);
        FloatVector acc1 = FloatVector.zero(SPECIES);
        FloatVector acc2 = FloatVector.zero(SPECIES);
        FloatVector acc3 = FloatVector.zero(SPECIES);
        int i = 0;
        for (int bound = SPECIES.loopBound(q.length); i < bound; i += LANES) {
            FloatVector x = FloatVector.fromArray(SPECIES, q, i);
            acc0 = x.fma(widen(c0, o0 + i), acc0);
            acc1 = x.fma(widen(c1, o1 + i), acc1);
            acc2 = x.fma(widen(c2, o2 + i), acc2);
            acc3 = x.fma(widen(c3, o3 + i), acc3);
        }
        float r0 = acc0.reduceLanes(VectorOperators.ADD);
        float r1 = acc1.reduceLanes(VectorOperators.ADD);
        float r2 = acc2.reduceLanes(VectorOperators.ADD);
        float r3 = acc3.reduceLanes(VectorOperators.ADD);
        for (; i < q.length; i++) {
            r0 += q[i] * c0[o0 + i];
            r1 += q[i] * c1[o1 + i];
            r2 += q[i] * c2[o2 + i];
            r3 += q[i] * c3[o3 + i];
        }
        out[at] = r0;
        out[at + 1] = r1;
        out[at + 2] = r2;
        out[at + 3] = r3;
    }

    /** {@code LANES} signed bytes from {@code a[from ..]} as floats. */
    private static FloatVector widen(byte[] a, int from) {
        return (FloatVector) ByteVector.fromArray(BYTES, a, from).convertShape(VectorOperators.B2F, SPECIES, 0);
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

    /**
     * {@code (1 + dot) / 2} of {@code a} with four mapped vectors, into {@code out[at .. at + 4)}: the four loads of
     * a step are issued together (one accumulator each, summed as {@link #dot(float[], MemorySegment, long)} sums,
     * so each score is bit for bit the single one).
     */
    static void dot4(float[] a, MemorySegment s, long o0, long o1, long o2, long o3, float[] out, int at) {
        FloatVector acc0 = FloatVector.zero(SPECIES);
        FloatVector acc1 = FloatVector.zero(SPECIES);
        FloatVector acc2 = FloatVector.zero(SPECIES);
        FloatVector acc3 = FloatVector.zero(SPECIES);
        int i = 0;
        for (int bound = SPECIES.loopBound(a.length); i < bound; i += LANES) {
            FloatVector q = FloatVector.fromArray(SPECIES, a, i);
            long d = 4L * i;
            acc0 = q.fma(FloatVector.fromMemorySegment(SPECIES, s, o0 + d, LE), acc0);
            acc1 = q.fma(FloatVector.fromMemorySegment(SPECIES, s, o1 + d, LE), acc1);
            acc2 = q.fma(FloatVector.fromMemorySegment(SPECIES, s, o2 + d, LE), acc2);
            acc3 = q.fma(FloatVector.fromMemorySegment(SPECIES, s, o3 + d, LE), acc3);
        }
        float r0 = acc0.reduceLanes(VectorOperators.ADD);
        float r1 = acc1.reduceLanes(VectorOperators.ADD);
        float r2 = acc2.reduceLanes(VectorOperators.ADD);
        float r3 = acc3.reduceLanes(VectorOperators.ADD);
        for (; i < a.length; i++) {
            long d = 4L * i;
            r0 += a[i] * s.get(LE_FLOAT, o0 + d);
            r1 += a[i] * s.get(LE_FLOAT, o1 + d);
            r2 += a[i] * s.get(LE_FLOAT, o2 + d);
            r3 += a[i] * s.get(LE_FLOAT, o3 + d);
        }
        out[at] = (1 + r0) / 2;
        out[at + 1] = (1 + r1) / 2;
        out[at + 2] = (1 + r2) / 2;
        out[at + 3] = (1 + r3) / 2;
    }

    /** {@link #dot4(float[], MemorySegment, long, long, long, long, float[], int)} for heap copies. */
    static void dot4(float[] a, float[] b0, float[] b1, float[] b2, float[] b3, float[] out, int at) {
        FloatVector acc0 = FloatVector.zero(SPECIES);
        FloatVector acc1 = FloatVector.zero(SPECIES);
        FloatVector acc2 = FloatVector.zero(SPECIES);
        FloatVector acc3 = FloatVector.zero(SPECIES);
        int i = 0;
        for (int bound = SPECIES.loopBound(a.length); i < bound; i += LANES) {
            FloatVector q = FloatVector.fromArray(SPECIES, a, i);
            acc0 = q.fma(FloatVector.fromArray(SPECIES, b0, i), acc0);
            acc1 = q.fma(FloatVector.fromArray(SPECIES, b1, i), acc1);
            acc2 = q.fma(FloatVector.fromArray(SPECIES, b2, i), acc2);
            acc3 = q.fma(FloatVector.fromArray(SPECIES, b3, i), acc3);
        }
        float r0 = acc0.reduceLanes(VectorOperators.ADD);
        float r1 = acc1.reduceLanes(VectorOperators.ADD);
        float r2 = acc2.reduceLanes(VectorOperators.ADD);
        float r3 = acc3.reduceLanes(VectorOperators.ADD);
        for (; i < a.length; i++) {
            r0 += a[i] * b0[i];
            r1 += a[i] * b1[i];
            r2 += a[i] * b2[i];
            r3 += a[i] * b3[i];
        }
        out[at] = (1 + r0) / 2;
        out[at + 1] = (1 + r1) / 2;
        out[at + 2] = (1 + r2) / 2;
        out[at + 3] = (1 + r3) / 2;
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
