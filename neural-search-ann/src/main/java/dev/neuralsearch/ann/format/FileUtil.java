package dev.neuralsearch.ann.format;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32;

public final class FileUtil {
    private FileUtil() {
    }

    public static void fsync(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
    }

    /**
     * Makes the entries of a directory (files created, renamed or deleted in it) durable. A platform that cannot
     * open a directory (Windows) skips it; a failing fsync of an opened directory is reported.
     */
    static void fsyncDir(Path dir) throws IOException {
        FileChannel ch;
        try {
            ch = FileChannel.open(dir, StandardOpenOption.READ);
        } catch (IOException | UnsupportedOperationException e) {
            return; // cannot open directories here
        }
        try (ch) {
            ch.force(true);
        }
    }

    /** Files from this size on are checksummed with direct I/O when asked for and the file system allows it. */
    static final long DIRECT_CRC_BYTES = 8L << 20;

    /** The CRC32 of a file, read through the page cache. */
    public static long crc32(Path file) throws IOException {
        return crc32(file, false);
    }

    /**
     * The CRC32 of a file; with {@code direct}, a file of {@link #DIRECT_CRC_BYTES} or more is read with direct I/O
     * ({@code O_DIRECT}, Linux) where the file system supports it, so that the check leaves nothing in the page
     * cache. For files a search reads only sparsely (the vector file of a PQ segment, read only to rerank): a
     * buffered check would cache all of it, and a process mapping the file afterwards gets the cached pages around
     * each fault mapped into its resident set (the kernel's fault-around), so a search that reads a tenth of the
     * vectors looked like one that needs them all (docs/index.md, "Random-access advice"). Files a search reads
     * whole (graphs, the vectors of exact segments) are better left cached by the check.
     */
    public static long crc32(Path file, boolean direct) throws IOException {
        if (direct && Files.size(file) >= DIRECT_CRC_BYTES) {
            Long crc = crc32Direct(file);
            if (crc != null) {
                return crc;
            }
        }
        CRC32 crc = new CRC32();
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buf)) > 0) {
                crc.update(buf, 0, n);
            }
        }
        return crc.getValue();
    }

    /** The CRC32 read with {@code O_DIRECT}, or null where direct I/O is not supported for this file. */
    public static Long crc32Direct(Path file) throws IOException {
        FileChannel ch;
        int block;
        try {
            block = (int) Math.max(4096, Files.getFileStore(file).getBlockSize());
            ch = FileChannel.open(file, StandardOpenOption.READ, com.sun.nio.file.ExtendedOpenOption.DIRECT);
        } catch (UnsupportedOperationException | IOException e) {
            return null; // not Linux, or a file system without O_DIRECT (tmpfs): open refuses it
        }
        int chunk = 1 << 20;
        try (ch) {
            long size = ch.size();
            java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocateDirect(chunk + block).alignedSlice(block);
            CRC32 crc = new CRC32();
            long pos = 0;
            while (pos < size && pos % block == 0) { // direct reads start at block boundaries
                buf.clear().limit(chunk);
                int n;
                try {
                    n = ch.read(buf, pos);
                } catch (IOException e) {
                    if (pos == 0) {
                        return null; // some file systems accept the flag and fail the read (EINVAL)
                    }
                    throw e;
                }
                if (n <= 0) {
                    break;
                }
                buf.flip();
                crc.update(buf);
                pos += n;
            }
            if (pos < size) { // a short read off a block boundary: the rest buffered
                try (FileChannel rest = FileChannel.open(file, StandardOpenOption.READ)) {
                    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(chunk);
                    int n;
                    while ((n = rest.read(b.clear(), pos)) > 0) {
                        crc.update(b.flip());
                        pos += n;
                    }
                }
            }
            return crc.getValue();
        }
    }

    /**
     * Writes bytes to a temp file, fsyncs it and the directory, renames it over {@code target} atomically and fsyncs
     * the directory again. The first directory fsync makes the entries of the files created in the directory since
     * (the segment files a new manifest names, each fsynced by its writer) durable before the rename publishes the
     * commit: without it a power loss could keep the new manifest and lose the entry of a file it names. The second
     * makes the rename itself durable.
     */
    public static void atomicWrite(Path target, byte[] bytes) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                java.nio.ByteBuffer bb = java.nio.ByteBuffer.wrap(bytes);
                while (bb.hasRemaining()) {
                    ch.write(bb);
                }
                ch.force(true);
            }
            fsyncDir(target.getParent());
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(tmp); // a full disk: give the space back; the target is untouched
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
        try {
            fsyncDir(target.getParent());
        } catch (IOException e) {
            throw new SyncAfterRenameException(target, e);
        }
    }

    /**
     * The new file is in place (renamed over the target) but the directory fsync after the rename failed: the
     * replacement is visible, and may not survive a power loss. A caller must treat the write as done.
     */
    public static final class SyncAfterRenameException extends IOException {
        public SyncAfterRenameException(Path target, IOException cause) {
            super(target.getFileName() + " was replaced, but the directory fsync after it failed: "
                    + cause.getMessage(), cause);
        }
    }
}
