package dev.neuralsearch.ann.format;

import dev.neuralsearch.ann.CorruptIndexException;
import java.io.BufferedOutputStream;
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

/**
 * The int8 code file of a segment ({@code seg-N.i8}, layout {@link SegmentLayout#INT8_VECTOR_FILE}): a 64-byte
 * header ({@link #MAGIC}, int count, int dimension, big-endian like the other segment files, zero padding), then,
 * little-endian, {@code dimension} floats of range starts, {@code dimension} floats of steps, {@code count} floats
 * of the decoded vectors' squared norms, and {@code count x dimension} signed code bytes in ordinal order. Written
 * by the segment writer, read into memory ({@link Int8Codes}) when a segment opens.
 */
public final class Int8File {
    static final byte[] MAGIC = "NSI80001".getBytes(StandardCharsets.US_ASCII);
    static final int HEADER_BYTES = 64;
    private static final int READ_BYTES = 1 << 20;

    private Int8File() {
    }

    /** Bytes of the file of {@code count} vectors of {@code dimension}. */
    static long fileBytes(int count, int dimension) {
        return HEADER_BYTES + 8L * dimension + 4L * count + (long) count * dimension;
    }

    /** Writes {@code codes} to {@code file} and fsyncs it. */
    public static void write(Path file, Int8Codes codes) throws IOException {
        int dim = codes.dimension();
        int count = codes.count();
        ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.BIG_ENDIAN);
        header.put(MAGIC).putInt(count).putInt(dim);
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE), 1 << 16)) {
            out.write(header.array());
            out.write(floats(codes.rangeStarts()));
            out.write(floats(codes.steps()));
            out.write(floats(codes.squareNorms()));
            for (byte[] chunk : codes.chunks()) {
                for (int at = 0; at < chunk.length; at += READ_BYTES) { // bounded writes, as the reads below
                    out.write(chunk, at, Math.min(READ_BYTES, chunk.length - at));
                }
            }
        }
        FileUtil.fsync(file);
    }

    /** Loads the codes of {@code count} vectors of {@code dimension} into memory, checking header and size. */
    public static Int8Codes read(Path file, int count, int dimension) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size != fileBytes(count, dimension)) {
                throw new CorruptIndexException(file, "int8 code file is " + size + " bytes, "
                        + fileBytes(count, dimension) + " expected for " + count + " x " + dimension);
            }
            ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.BIG_ENDIAN);
            readFully(ch, header);
            byte[] magic = new byte[MAGIC.length];
            header.flip().get(magic);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new CorruptIndexException(file, "not an int8 code file (bad magic)");
            }
            int n = header.getInt();
            int d = header.getInt();
            if (n != count || d != dimension) {
                throw new CorruptIndexException(file, "int8 code file holds " + n + " x " + d + ", manifest says "
                        + count + " x " + dimension);
            }
            float[] starts = readFloats(ch, dimension);
            float[] steps = readFloats(ch, dimension);
            float[] norms = readFloats(ch, count);
            int perChunk = Int8Codes.vectorsPerChunk(dimension);
            int chunkCount = count == 0 ? 0 : (count + perChunk - 1) / perChunk;
            byte[][] chunks = new byte[chunkCount][];
            for (int c = 0; c < chunkCount; c++) {
                chunks[c] = new byte[Math.min(perChunk, count - c * perChunk) * dimension];
                readFully(ch, chunks[c]);
            }
            for (float s : steps) {
                if (!(s > 0) || !Float.isFinite(s)) {
                    throw new CorruptIndexException(file, "int8 code file has a step of " + s);
                }
            }
            return new Int8Codes(count, dimension, perChunk, chunks, starts, steps, norms);
        } catch (IOException ex) {
            throw new CorruptIndexException(file, "cannot read int8 codes: " + ex.getMessage(), ex);
        }
    }

    private static byte[] floats(float[] a) {
        ByteBuffer b = ByteBuffer.allocate(a.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(a);
        return b.array();
    }

    private static float[] readFloats(FileChannel ch, int n) throws IOException {
        byte[] bytes = new byte[n * Float.BYTES];
        readFully(ch, bytes);
        float[] out = new float[n];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
        return out;
    }

    /**
     * Fills {@code dst} in reads of at most {@link #READ_BYTES}: a channel reads into a heap buffer through a
     * temporary direct buffer as large as the read, which the JDK then keeps cached in the thread, so one read of a
     * large segment's codes would leave as much native memory resident (measured in benchmarks/RESULTS-jmh.md 3l).
     */
    private static void readFully(FileChannel ch, byte[] dst) throws IOException {
        for (int at = 0; at < dst.length; ) {
            readFully(ch, ByteBuffer.wrap(dst, at, Math.min(READ_BYTES, dst.length - at)));
            at += Math.min(READ_BYTES, dst.length - at);
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            if (ch.read(b) < 0) {
                throw new IOException("unexpected end of file");
            }
        }
    }
}
