package dev.neuralsearch.ann.commit;

import dev.neuralsearch.ann.IndexLockedException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The write lock of an index home: an OS file lock on {@code write.lock} against other processes, plus a JVM-wide
 * set of the lock files this JVM holds against other instances in the same process.
 *
 * <p>The set is checked before any channel is opened on the file, as Lucene's {@code NativeFSLockFactory} does:
 * the OS lock is a POSIX record lock on Linux, which belongs to the process and is released when the process closes
 * <em>any</em> descriptor of the file. A second open in the same JVM that opened its own channel (and got
 * {@link OverlappingFileLockException}) and closed it again would drop the first instance's lock, and another
 * process could then open the home and delete the live instance's files.
 */
public final class HomeLock implements AutoCloseable {
    public static final String FILE_NAME = "write.lock";
    /** Real paths of the lock files held by this JVM. */
    private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

    private final Path realPath;
    private final FileChannel channel;
    private final FileLock lock;
    private boolean closed;

    private HomeLock(Path realPath, FileChannel channel, FileLock lock) {
        this.realPath = realPath;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Locks {@code home} (an existing directory) for writing.
     *
     * @throws IndexLockedException another index instance in this JVM or another process holds it
     */
    public static HomeLock acquire(Path home) throws IOException {
        Path lockFile = home.resolve(FILE_NAME);
        try {
            Files.createFile(lockFile);
        } catch (FileAlreadyExistsException ignored) {
            // left by an earlier instance; the file's existence means nothing, only the lock does
        }
        // the real path: two spellings of one home (a symlink, "a/../a") are one entry
        Path real = lockFile.toRealPath();
        if (!HELD.add(real)) {
            throw new IndexLockedException(lockFile); // no channel opened: the holder's OS lock is untouched
        }
        FileChannel ch = null;
        try {
            ch = FileChannel.open(real, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // cannot happen while HELD is the only way in; treated as held
            }
            if (lock == null) {
                throw new IndexLockedException(lockFile);
            }
            return new HomeLock(real, ch, lock);
        } catch (IOException | RuntimeException e) {
            if (ch != null) {
                try {
                    ch.close();
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            HELD.remove(real);
            throw e;
        }
    }

    /** Whether this JVM holds the lock of {@code home} (for tests). */
    public static boolean heldInThisJvm(Path home) {
        try {
            return HELD.contains(home.resolve(FILE_NAME).toRealPath());
        } catch (IOException e) {
            return false;
        }
    }

    /** Releases the OS lock, closes the channel and only then leaves the JVM-wide set. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            lock.release();
        } catch (IOException ignored) {
            // the channel close below releases it too
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // the OS releases it with the process
        }
        HELD.remove(realPath);
    }
}
