package dev.neuralsearch.ann.format;

import dev.neuralsearch.ann.CorruptIndexException;
import dev.neuralsearch.ann.vector.Vectorization;
import io.github.jbellis.jvector.vector.VectorSimilarityFunction;
import io.github.jbellis.jvector.vector.types.VectorFloat;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;

/**
 * The full vectors of a segment ({@code seg-N.vec}), little-endian float32 at a fixed stride, memory-mapped and read
 * by the JVM's {@link Vectorization}: on Java 22+ one {@code MemorySegment} scored in place with the Vector API, else
 * {@code FloatBuffer}s with one bulk copy per vector. No per-read lookup and no byte swapping on little-endian CPUs.
 *
 * <p>Why not JVector's own vector storage: its inline and separated vectors are big-endian, and every read goes
 * through a feature lookup and a byte-swapping copy; little-endian floats at a fixed stride are read with one bulk
 * copy, or none (measured in docs/index.md, "Full vectors in a file of their own").
 *
 * <p>Layout: 64-byte header ({@link #MAGIC}, int count, int dimension, big-endian like the other segment files,
 * zero padding), then {@code count x dimension} floats, little-endian, ordinal order. The 64-byte header keeps
 * every vector 4-byte aligned (and, at 16 or more dimensions that are a multiple of 16, cache-line aligned).
 *
 * <p>Thread-safe. {@link #close()} unmaps; the caller guarantees no read is in flight (segments close when their
 * last reader releases them).
 */
public final class VectorFile implements Closeable {
    static final byte[] MAGIC = "NSVEC001".getBytes(StandardCharsets.US_ASCII);
    public static final int HEADER_BYTES = 64;
    /** Largest mapping, in bytes, where the implementation maps in chunks: one {@code MappedByteBuffer} addresses 2 GiB. */
    private static final long MAX_CHUNK_BYTES = Integer.MAX_VALUE;

    private final Path file;
    private final int count;
    private final int dimension;
    private final Vectorization.MappedVectors vectors;
    private volatile boolean closed;

    private VectorFile(Path file, int count, int dimension, Vectorization.MappedVectors vectors) {
        this.file = file;
        this.count = count;
        this.dimension = dimension;
        this.vectors = vectors;
    }

    static long fileBytes(int count, int dimension) {
        return HEADER_BYTES + (long) count * dimension * Float.BYTES;
    }

    /** Writes {@code vectors} (all of {@code dimension}) to {@code file} and fsyncs it. */
    public static void write(Path file, List<VectorFloat<?>> vectors, int dimension) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.BIG_ENDIAN);
        header.put(MAGIC).putInt(vectors.size()).putInt(dimension);
        ByteBuffer row = ByteBuffer.allocate(dimension * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE), 1 << 16)) {
            out.write(header.array());
            for (VectorFloat<?> v : vectors) {
                if (v.length() != dimension) {
                    throw new IllegalArgumentException("vector of " + v.length() + " dimensions in a file of "
                            + dimension);
                }
                row.clear();
                for (int i = 0; i < dimension; i++) {
                    row.putFloat(v.get(i));
                }
                out.write(row.array());
            }
        }
        FileUtil.fsync(file);
    }

    /**
     * Maps {@code file}, checking its header against the manifest's {@code count} and {@code dimension} and its
     * size against both.
     */
    public static VectorFile open(Path file, int count, int dimension) {
        return open(file, count, dimension, false);
    }

    /**
     * With {@code randomAccess} (a PQ segment's vectors, read only to rerank a few candidates), the mapping is
     * advised for random reads where the JVM can ({@link Vectorization#map}); without (exact traversal, which reads
     * the whole file), the kernel's read-around fills the page cache in large reads.
     */
    public static VectorFile open(Path file, int count, int dimension, boolean randomAccess) {
        return open(file, count, dimension, MAX_CHUNK_BYTES, Vectorization.get(), randomAccess);
    }

    /**
     * {@link #open(Path, int, int)} with a given implementation and, where it maps in chunks, mappings of at most
     * {@code maxChunkBytes} (whole vectors; for tests).
     */
    public static VectorFile open(Path file, int count, int dimension, long maxChunkBytes, Vectorization vectorization) {
        return open(file, count, dimension, maxChunkBytes, vectorization, false);
    }

    private static VectorFile open(Path file, int count, int dimension, long maxChunkBytes,
                                   Vectorization vectorization, boolean randomAccess) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.BIG_ENDIAN);
            while (header.hasRemaining() && ch.read(header, header.position()) > 0) {
                // read the whole header
            }
            header.flip();
            byte[] magic = new byte[MAGIC.length];
            if (header.remaining() < HEADER_BYTES) {
                throw new CorruptIndexException(file, "vector file is truncated (no header)");
            }
            header.get(magic);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new CorruptIndexException(file, "not a vector file (bad magic)");
            }
            int n = header.getInt();
            int dim = header.getInt();
            if (n != count || dim != dimension) {
                throw new CorruptIndexException(file, "vector file holds " + n + " vectors of " + dim
                        + " dimensions, the manifest says " + count + " of " + dimension);
            }
            if (size != fileBytes(count, dimension)) {
                throw new CorruptIndexException(file, "vector file is " + size + " bytes, " + count + " vectors of "
                        + dimension + " dimensions take " + fileBytes(count, dimension));
            }
            return new VectorFile(file, count, dimension,
                    vectorization.map(ch, HEADER_BYTES, count, dimension, maxChunkBytes, randomAccess));
        } catch (CorruptIndexException e) {
            throw e;
        } catch (IOException e) {
            throw new CorruptIndexException(file, "cannot map vector file: " + e.getMessage(), e);
        }
    }

    int count() {
        return count;
    }

    int dimension() {
        return dimension;
    }

    /** Copies the vector of {@code ordinal} into {@code dst[0 .. dimension)}. */
    void read(int ordinal, float[] dst) {
        if (ordinal < 0 || ordinal >= count) {
            throw new IndexOutOfBoundsException("ordinal " + ordinal + " of " + count + " in " + file);
        }
        if (closed) {
            throw new IllegalStateException("vector file " + file + " is closed");
        }
        vectors.read(ordinal, dst);
    }

    /** A new array with the vector of {@code ordinal}. */
    public float[] copy(int ordinal) {
        float[] v = new float[dimension];
        read(ordinal, v);
        return v;
    }

    /**
     * Exact similarity of {@code query} to the vector of a node (an ordinal in range: the graph's), computed in place
     * where the implementation can; for one thread at a time.
     */
    public Vectorization.Scorer scorer(float[] query, VectorSimilarityFunction vsf) {
        if (closed) {
            throw new IllegalStateException("vector file " + file + " is closed");
        }
        return vectors.scorer(query, vsf);
    }

    /** Unmaps the file (without waiting for the garbage collector), so that a deleted file frees its space. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        vectors.close();
    }
}
