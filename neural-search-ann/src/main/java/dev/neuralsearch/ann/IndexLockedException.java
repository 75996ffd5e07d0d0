package dev.neuralsearch.ann;

import java.nio.file.Path;

/** Another process (or another open index in this JVM) holds the write lock of the index home. */
public class IndexLockedException extends IllegalStateException {
    public IndexLockedException(Path lockFile) {
        super("index home is already open for writing by another process or index instance (lock held on "
                + lockFile + "); close it first");
    }
}
