package dev.neuralsearch.ann.format;

import dev.neuralsearch.ann.CorruptIndexException;
import io.github.jbellis.jvector.disk.BufferedRandomAccessWriter;
import io.github.jbellis.jvector.disk.RandomAccessReader;
import io.github.jbellis.jvector.disk.ReaderSupplier;
import io.github.jbellis.jvector.disk.ReaderSupplierFactory;
import io.github.jbellis.jvector.graph.disk.OnDiskGraphIndex;
import io.github.jbellis.jvector.quantization.PQVectors;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The PQ code file of a segment ({@code seg-N.pq}): magic {@link #MAGIC}, int count, int dimension, then JVector's
 * {@code PQVectors.write}. Written by the segment writer, read into memory ({@link PqCodes}) when a segment opens.
 */
public final class PqFile {
    static final byte[] MAGIC = "NSPQ0001".getBytes(StandardCharsets.US_ASCII);

    private PqFile() {
    }

    public static void write(Path file, PQVectors codes, int count, int dim) throws IOException {
        try (var out = new BufferedRandomAccessWriter(file)) {
            out.write(MAGIC);
            out.writeInt(count);
            out.writeInt(dim);
            codes.write(out, OnDiskGraphIndex.CURRENT_VERSION);
            out.flush();
        }
        FileUtil.fsync(file);
    }

    /** Loads the codes of {@code count} vectors into memory. */
    public static PqCodes read(Path file, int count) {
        try (ReaderSupplier rs = ReaderSupplierFactory.open(file); RandomAccessReader in = rs.get()) {
            byte[] magic = new byte[MAGIC.length];
            in.readFully(magic);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new CorruptIndexException(file, "not a PQ code file (bad magic)");
            }
            int n = in.readInt();
            in.readInt(); // dimension, informative
            if (n != count) {
                throw new CorruptIndexException(file, "PQ code file holds " + n + " vectors, manifest says " + count);
            }
            PqCodes codes = PqCodes.read(in);
            if (codes.count() != count) {
                throw new CorruptIndexException(file, "PQ code file decodes to " + codes.count()
                        + " vectors, manifest says " + count);
            }
            if (in.getPosition() != in.length()) {
                throw new CorruptIndexException(file, (in.length() - in.getPosition())
                        + " bytes after the PQ codes");
            }
            return codes;
        } catch (CorruptIndexException ex) {
            throw ex;
        } catch (IOException | RuntimeException ex) {
            throw new CorruptIndexException(file, "cannot load PQ codes: " + ex, ex);
        }
    }
}
