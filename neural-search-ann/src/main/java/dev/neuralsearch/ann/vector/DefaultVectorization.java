package dev.neuralsearch.ann.vector;

import io.github.jbellis.jvector.vector.VectorSimilarityFunction;
import io.github.jbellis.jvector.vector.VectorizationProvider;
import io.github.jbellis.jvector.vector.types.VectorFloat;
import io.github.jbellis.jvector.vector.types.VectorTypeSupport;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Arrays;

/**
 * The Java 17 {@link Vectorization}: vector files read through memory-mapped {@link FloatBuffer}s (at most 2 GiB
 * per mapping, one bulk copy per vector into a scratch array, no byte swapping on little-endian CPUs), similarities
 * by JVector's {@link VectorSimilarityFunction} on arrays it wraps.
 */
public final class DefaultVectorization extends Vectorization {
    public static final DefaultVectorization INSTANCE = new DefaultVectorization();
    private static final VectorTypeSupport VTS = VectorizationProvider.getInstance().getVectorTypeSupport();

    /**
     * Whether JVector's {@code createFloatVector(float[])} wraps the array (both its array and its MemorySegment
     * providers do in 4.0.2), so that one vector can be refilled in place; checked once rather than assumed.
     */
    public static final boolean VECTORS_WRAP_ARRAYS;

    static {
        float[] probe = {1f};
        VectorFloat<?> v = VTS.createFloatVector(probe);
        probe[0] = 2f;
        VECTORS_WRAP_ARRAYS = v.get(0) == 2f;
    }

    private DefaultVectorization() {
    }

    @Override
    public String name() {
        return "default";
    }

    @Override
    public MappedVectors map(FileChannel ch, long offset, int count, int dimension, long maxChunkBytes,
                      boolean randomAccess) throws IOException { // no madvise before Java 22's FFM API
        long vectorBytes = (long) dimension * Float.BYTES;
        int perChunk = (int) Math.max(1, Math.min(count, Math.min(Integer.MAX_VALUE, maxChunkBytes) / vectorBytes));
        int chunkCount = count == 0 ? 0 : (count + perChunk - 1) / perChunk;
        MappedByteBuffer[] maps = new MappedByteBuffer[chunkCount];
        for (int c = 0; c < chunkCount; c++) {
            int first = c * perChunk;
            int inChunk = Math.min(perChunk, count - first);
            maps[c] = ch.map(FileChannel.MapMode.READ_ONLY, offset + first * vectorBytes, inChunk * vectorBytes);
        }
        return new Buffers(dimension, perChunk, maps);
    }

    @Override
    public MappedInts mapInts(FileChannel ch, boolean randomAccess) throws IOException { // no madvise before 22
        long size = ch.size();
        if (size > Integer.MAX_VALUE) {
            return null; // one buffer only: larger graph files are read through JVector
        }
        MappedByteBuffer map = ch.map(FileChannel.MapMode.READ_ONLY, 0, size); // big-endian, as JVector writes
        return new MappedInts() {
            @Override
            public int readInt(long offset) {
                return map.getInt(Math.toIntExact(offset));
            }

            @Override
            public void readInts(long offset, int[] dst, int count) {
                int at = Math.toIntExact(offset);
                for (int i = 0; i < count; i++) {
                    dst[i] = map.getInt(at + 4 * i);
                }
            }

            @Override
            public void close() {
                Unmapper.unmap(map);
            }
        };
    }

    @Override
    public StoredVectors onHeap(float[][] vectors) {
        VectorFloat<?>[] wrapped = new VectorFloat<?>[vectors.length];
        for (int i = 0; i < vectors.length; i++) {
            wrapped[i] = VTS.createFloatVector(vectors[i]);
        }
        return new HeapVectors(vectors) {
            @Override
            public Scorer scorer(float[] query, VectorSimilarityFunction vsf) {
                VectorFloat<?> q = VTS.createFloatVector(query.clone());
                return node -> vsf.compare(q, wrapped[node]);
            }
        };
    }

    /** Mapped chunks of whole vectors. */
    private static final class Buffers implements MappedVectors {
        private final int dimension;
        private final int vectorsPerChunk;
        private final MappedByteBuffer[] mappings;
        private final FloatBuffer[] chunks;

        Buffers(int dimension, int vectorsPerChunk, MappedByteBuffer[] mappings) {
            this.dimension = dimension;
            this.vectorsPerChunk = vectorsPerChunk;
            this.mappings = mappings;
            this.chunks = new FloatBuffer[mappings.length];
            for (int i = 0; i < mappings.length; i++) {
                chunks[i] = mappings[i].duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
            }
        }

        @Override
        public void read(int ordinal, float[] dst) {
            chunks[ordinal / vectorsPerChunk].get((ordinal % vectorsPerChunk) * dimension, dst, 0, dimension);
        }

        @Override
        public Scorer scorer(float[] query, VectorSimilarityFunction vsf) {
            VectorFloat<?> q = VTS.createFloatVector(query.clone());
            float[] buffer = new float[dimension];
            if (!VECTORS_WRAP_ARRAYS) { // then createFloatVector copies the buffer
                return node -> {
                    read(node, buffer);
                    return vsf.compare(q, VTS.createFloatVector(buffer));
                };
            }
            VectorFloat<?> v = VTS.createFloatVector(buffer); // wraps the array: each read updates v
            return node -> {
                read(node, buffer);
                return vsf.compare(q, v);
            };
        }

        @Override
        public void close() {
            Arrays.fill(chunks, null);
            for (MappedByteBuffer m : mappings) {
                Unmapper.unmap(m);
            }
        }
    }

    /**
     * {@code sun.misc.Unsafe.invokeCleaner} (module jdk.unsupported, no flags needed), as Lucene's MMapDirectory did
     * before Java 21; when it is not reachable, the mapping is released by the garbage collector instead.
     */
    private static final class Unmapper {
        private static final Object UNSAFE;
        private static final Method INVOKE_CLEANER;

        static {
            Object unsafe;
            Method m;
            try {
                Class<?> c = Class.forName("sun.misc.Unsafe");
                Field f = c.getDeclaredField("theUnsafe");
                f.setAccessible(true);
                unsafe = f.get(null);
                m = c.getMethod("invokeCleaner", ByteBuffer.class);
            } catch (ReflectiveOperationException | RuntimeException e) {
                unsafe = null;
                m = null;
            }
            UNSAFE = unsafe;
            INVOKE_CLEANER = m;
        }

        static void unmap(MappedByteBuffer b) {
            if (INVOKE_CLEANER == null) {
                return;
            }
            try {
                INVOKE_CLEANER.invoke(UNSAFE, b);
            } catch (ReflectiveOperationException | RuntimeException e) {
                // left to the garbage collector
            }
        }
    }
}
