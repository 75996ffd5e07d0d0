package dev.neuralsearch.ann;

import java.nio.file.Path;

/**
 * Child process for {@link LockTest}: opens an index for writing, says so, and waits to be killed; prints
 * "locked" and exits when the home is locked by another process.
 */
public final class HoldIndexOpen {
    public static void main(String[] args) throws Exception {
        JVectorIndex opened;
        try {
            opened = JVectorIndex.open(Path.of(args[0]), CrashWorker.SCHEMA, CrashWorker.OPTIONS);
        } catch (IndexLockedException e) {
            System.out.println("locked");
            System.out.flush();
            return;
        } catch (RuntimeException e) {
            System.out.println("failed " + e);
            System.out.flush();
            throw e;
        }
        try (JVectorIndex index = opened) {
            System.out.println("opened " + index.generation());
            System.out.flush();
            Thread.sleep(120_000);
        }
    }
}
