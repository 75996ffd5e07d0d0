package dev.neuralsearch.ann.format;

import dev.neuralsearch.ann.CorruptIndexException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/** The names of a segment's files, their deletion, and the size and checksum check of a file a manifest names. */
public final class SegmentFiles {
    private SegmentFiles() {
    }

    public static String graphName(int id) {
        return String.format("seg-%08d.graph", id);
    }

    public static String docsName(int id) {
        return String.format("seg-%08d.docs", id);
    }

    public static String pqName(int id) {
        return String.format("seg-%08d.pq", id);
    }

    public static String int8Name(int id) {
        return String.format("seg-%08d.i8", id);
    }

    public static String vectorsName(int id) {
        return String.format("seg-%08d.vec", id);
    }

    /** The files a segment of this id may have (whether its features include them or not). */
    public static List<Path> files(Path home, int id) {
        return List.of(home.resolve(graphName(id)), home.resolve(docsName(id)), home.resolve(pqName(id)),
                home.resolve(vectorsName(id)), home.resolve(int8Name(id)));
    }

    /**
     * Deletes the files of segment {@code id} (after a failed write, or once a segment written but not committed is
     * given up), adding any failure to {@code cause}: the space they hold is what a retry after a full disk needs.
     */
    public static void deleteFiles(Path home, int id, Throwable cause) {
        for (Path p : files(home, id)) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                cause.addSuppressed(e); // left for the next commit's or open's clean-up of unreferenced files
            }
        }
    }

    /**
     * Checks that {@code file} exists with the size the manifest records and, with {@code verifyCrc}, its CRC32.
     * With {@code direct}, a large file is checksummed without going through the page cache ({@link FileUtil}).
     */
    public static void check(Path file, long bytes, long crc, boolean verifyCrc, boolean direct) {
        long size;
        try {
            size = Files.size(file);
        } catch (NoSuchFileException ex) {
            throw new CorruptIndexException(file, "file referenced by the manifest is missing", ex);
        } catch (IOException ex) {
            throw new CorruptIndexException(file, "cannot stat: " + ex.getMessage(), ex);
        }
        if (size != bytes) {
            throw new CorruptIndexException(file, "size is " + size + " bytes, manifest says " + bytes
                    + " (truncated or overwritten)");
        }
        if (verifyCrc) {
            try {
                long actual = FileUtil.crc32(file, direct);
                if (actual != crc) {
                    throw new CorruptIndexException(file, String.format(
                            "CRC32 mismatch (manifest %08x, file %08x): the file is corrupted", crc, actual));
                }
            } catch (IOException ex) {
                throw new CorruptIndexException(file, "cannot read: " + ex.getMessage(), ex);
            }
        }
    }
}
