package dev.neuralsearch.ann.vector;

import io.github.jbellis.jvector.graph.similarity.ScoreFunction;
import io.github.jbellis.jvector.vector.VectorSimilarityFunction;
import io.github.jbellis.jvector.vector.types.VectorFloat;
import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the exact similarities of stored full vectors (vector files and heap copies) are computed. Two
 * implementations, chosen once per JVM:
 * <ul>
 *   <li>{@code PanamaVectorization} (Java 22+, with {@code --add-modules jdk.incubator.vector}): the vector file is
 *   one {@code MemorySegment} mapping, and a similarity is computed with the Vector API straight from the mapped
 *   (or heap) floats: no copy per visited vector. It lives in {@code src/main/java22} and ships in the jar's
 *   {@code META-INF/versions/22} (a multi-release jar), so the library itself still targets Java 17.</li>
 *   <li>{@link DefaultVectorization} (Java 17 to 21, or without the incubator module): memory-mapped
 *   {@code FloatBuffer}s, one bulk copy per vector into a scratch array, JVector's similarity functions.</li>
 * </ul>
 * Why: a graph search at 100k x 384 spends most of its time scoring visited vectors at random places in the file,
 * and the copy made each one cost ~240 ns against ~160 ns computed in place (docs/index.md, "Scoring in place").
 * {@code -Dneuralsearch.vectorization=default} forces the default implementation. Scores agree with JVector's
 * definitions ({@code (1 + dot) / 2}, {@code (1 + cosine) / 2}, {@code 1 / (1 + squared distance)}) up to float
 * rounding; one JVM uses one implementation for heap copies and files alike, so a segment scores the same either way.
 */
public abstract class Vectorization {
    public static final String PROPERTY = "neuralsearch.vectorization";

    /** The implementation this JVM uses. */
    public static Vectorization get() {
        return Holder.INSTANCE;
    }

    /**
     * Chosen on first use, not while this class initializes: {@link DefaultVectorization} is a subclass, so touching it
     * first initializes this class, and a static here that read {@code DefaultVectorization.INSTANCE} would see null.
     */
    private static final class Holder {
        static final Vectorization INSTANCE = load();
    }

    /** "panama" or "default". */
    public abstract String name();

    /**
     * Maps {@code count} vectors of {@code dimension} little-endian floats that start at {@code offset} of
     * {@code ch}; {@code maxChunkBytes} bounds one mapping where the
     * implementation needs several (whole vectors per mapping). {@code randomAccess}: advise the kernel that the
     * vectors are read at random (no read-around), where the implementation can.
     */
    public abstract MappedVectors map(FileChannel ch, long offset, int count, int dimension, long maxChunkBytes,
                               boolean randomAccess) throws IOException;

    /**
     * Maps the whole of {@code ch} for big-endian int reads (the graph file's neighbour lists, {@code format.Adjacency}), or
     * returns null where this implementation cannot map it. {@code randomAccess}: advise the kernel that the file is
     * read at random (no read-around), where the implementation can.
     */
    public abstract MappedInts mapInts(FileChannel ch, boolean randomAccess) throws IOException;

    /** Heap copies {@code vectors} (not copied again: the caller no longer changes them). */
    public abstract StoredVectors onHeap(float[][] vectors);

    /**
     * The heap array that JVector's {@code vector} wraps, whole (not copied), or null where it wraps something
     * else. JVector 4.0.2's array vectors return theirs from {@code get()}; the Java 22+ implementation also sees
     * through the heap {@code MemorySegment} of JVector's native provider.
     */
    public float[] heapArray(VectorFloat<?> vector) {
        return vector.get() instanceof float[] a && a.length == vector.length() ? a : null;
    }

    /** {@code sum(q[i] * codes[offset + i])} for {@code i < q.length}: a float query against int8 codes. */
    public float dotInt8(float[] q, byte[] codes, int offset) {
        // four partial sums: one chain of dependent adds would wait on each add's latency
        float r0 = 0;
        float r1 = 0;
        float r2 = 0;
        float r3 = 0;
        int i = 0;
        for (; i + 4 <= q.length; i += 4) {
            r0 += q[i] * codes[offset + i];
            r1 += q[i + 1] * codes[offset + i + 1];
            r2 += q[i + 2] * codes[offset + i + 2];
            r3 += q[i + 3] * codes[offset + i + 3];
        }
        for (; i < q.length; i++) {
            r0 += q[i] * codes[offset + i];
        }
        return (r0 + r1) + (r2 + r3);
    }

    /**
     * {@link #dotInt8} of four code vectors into {@code out[at .. at + 4)}, each bit for bit the single one; the
     * Vector API implementation issues the four loads of a step together, so that their cache misses overlap.
     */
    public void dotInt8x4(float[] q, byte[] c0, int o0, byte[] c1, int o1, byte[] c2, int o2, byte[] c3, int o3,
                          float[] out, int at) {
        out[at] = dotInt8(q, c0, o0);
        out[at + 1] = dotInt8(q, c1, o1);
        out[at + 2] = dotInt8(q, c2, o2);
        out[at + 3] = dotInt8(q, c3, o3);
    }

    /** Full vectors by ordinal. Thread-safe. */
    public interface StoredVectors {
        /** Copies vector {@code ordinal} (in range) into {@code dst[0 .. dimension)}. */
        void read(int ordinal, float[] dst);

        /**
         * Exact similarity of {@code query} (not retained: copied if needed) to the stored vector of a node; the
         * function is used by one thread at a time.
         */
        Scorer scorer(float[] query, VectorSimilarityFunction vsf);
    }

    /**
     * An exact score function that also scores several nodes in one call: the graph search ({@code read.GraphSearch})
     * scores the unvisited neighbours of a node together, and the Vector API implementation interleaves their loads
     * (four vectors per pass), which hides part of the memory latency of reading vectors at random places.
     */
    public interface Scorer extends ScoreFunction.ExactScoreFunction {
        /** {@code scores[i] = similarityTo(nodes[i])} for {@code i < count}, bit for bit. */
        default void similarityTo(int[] nodes, int count, float[] scores) {
            for (int i = 0; i < count; i++) {
                scores[i] = similarityTo(nodes[i]);
            }
        }
    }

    /** Heap copies: reads are array copies; the implementation supplies the scorer. */
    abstract static class HeapVectors implements StoredVectors {
        final float[][] vectors;

        HeapVectors(float[][] vectors) {
            this.vectors = vectors;
        }

        @Override
        public void read(int ordinal, float[] dst) {
            System.arraycopy(vectors[ordinal], 0, dst, 0, vectors[ordinal].length);
        }
    }

    /** A mapped file of big-endian ints at any byte offset. Thread-safe; closing during a read is the caller's bug. */
    public interface MappedInts extends Closeable {
        int readInt(long offset);

        /** Copies {@code count} ints starting at byte {@code offset} into {@code dst[0 .. count)}. */
        void readInts(long offset, int[] dst, int count);

        @Override
        void close();
    }

    /** Mapped full vectors; closing while a read is in flight is the caller's error. */
    public interface MappedVectors extends StoredVectors, Closeable {
        /** Unmaps. */
        @Override
        void close();
    }

    private static Vectorization load() {
        Vectorization v = choose();
        Logger log = LoggerFactory.getLogger(Vectorization.class);
        if (v.name().equals("default") && Runtime.version().feature() >= 22
                && ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            // the one accelerator of ours that a flag turns on: say so once, like the document store does
            log.info("neural-search: exact vector scores copy each vector first; start the JVM with --add-modules"
                    + " jdk.incubator.vector to score them in place with the Vector API (README, \"JVM flags\")");
        } else {
            log.debug("neural-search: exact vector scores: {}", v.name());
        }
        return v;
    }

    private static Vectorization choose() {
        String forced = System.getProperty(PROPERTY, "");
        if (!forced.equals("default") && Runtime.version().feature() >= 22
                && ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
            try {
                return (Vectorization) Class.forName("dev.neuralsearch.ann.vector.PanamaVectorization")
                        .getDeclaredConstructor().newInstance();
            } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
                if (forced.equals("panama")) {
                    throw new IllegalStateException("-D" + PROPERTY + "=panama, but it cannot load: " + e, e);
                }
                // a jar built on a JDK older than 22 has no versions/22 classes: the default is correct, only slower
            }
        } else if (forced.equals("panama")) {
            throw new IllegalStateException("-D" + PROPERTY + "=panama needs Java 22+ and --add-modules"
                    + " jdk.incubator.vector (running " + Runtime.version() + ")");
        }
        return DefaultVectorization.INSTANCE;
    }
}
