package dev.neuralsearch.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Puts an index's files into the page cache the same way for every side before it is searched: drop the page cache
 * (root only), then read the files front to back. Why: on the machines here, how a file came into the cache changes
 * its random reads a lot. Measured 2026-12-05 (Temurin 25, 2 cores, a Firecracker VM whose kernel runs DAMON
 * pageout): the same 384-float dot product at random places cost 325 ns per vector in our {@code .vec} file, written
 * an hour before and partly paged out and back, against 225 ns in Lucene's, and 225 ns in both once dropped and read
 * again sequentially. A comparison without this measures the history of the page cache, not the indexes.
 */
final class PageCache {
    private PageCache() {
    }

    /** {@code sync}, then {@code echo 3 > /proc/sys/vm/drop_caches}; false (and nothing dropped) when not permitted. */
    static boolean drop() {
        Path control = Path.of("/proc/sys/vm/drop_caches");
        if (!Files.isWritable(control)) {
            return false;
        }
        try {
            new ProcessBuilder("sync").inheritIO().start().waitFor();
            Files.writeString(control, "3");
            return true;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Reads every file under {@code dir} front to back (the kernel's read-ahead caches it); returns the bytes read. */
    static long readSequentially(Path dir) throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.walk(dir)) {
            files = s.filter(Files::isRegularFile).sorted().toList();
        }
        byte[] buffer = new byte[1 << 20];
        long total = 0;
        for (Path f : files) {
            try (InputStream in = Files.newInputStream(f)) {
                for (int n; (n = in.read(buffer)) > 0; ) {
                    total += n;
                }
            }
        }
        return total;
    }

    /** {@link #drop()} then {@link #readSequentially(Path)}; a line that says what was done. */
    static String reset(Path dir) throws IOException {
        boolean dropped = drop();
        long bytes = readSequentially(dir);
        return String.format("page cache %s, then %,d bytes of %s read front to back", dropped ? "dropped"
                : "not dropped (needs root)", bytes, dir.getFileName());
    }
}
