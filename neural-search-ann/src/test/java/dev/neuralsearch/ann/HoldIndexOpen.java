package dev.neuralsearch.ann;

import java.nio.file.Path;

/** Child process for {@link LockTest}: opens an index for writing, says so, and waits to be killed. */
public final class HoldIndexOpen {
    public static void main(String[] args) throws Exception {
        try (JVectorIndex index = JVectorIndex.open(Path.of(args[0]), CrashWorker.SCHEMA, CrashWorker.OPTIONS)) {
            System.out.println("opened " + index.generation());
            System.out.flush();
            Thread.sleep(120_000);
        }
    }
}
