package dev.neuralsearch.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Starts every side's search from the same page-cache state: dropped (root only), so each side faults in what its
 * searches read, during the harness's warm-up. Why: on the machines here, how a file came into the cache changes its
 * random reads a lot. Measured 2026-12-05 (Temurin 25, 2 cores, a Firecracker VM whose kernel runs DAMON
 * {@code pageout}): the same 384-float dot product at random places cost 325 ns per vector in our {@code .vec}
 * file, written an hour before and partly paged out and back, against 225 ns in Lucene's; 225-235 ns in both after a
 * drop, whether the files were then read front to back or faulted in by the random reads themselves. Only dropped,
 * not read back in: reading a whole index into the cache lets the kernel's fault-around map cached neighbours of
 * every touched page, so the resident set of a large, sparsely read file (our document store, sized for the expected
 * documents) grew by ~500 MB at 1M without one more byte being read by a search.
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

    /** {@link #drop()}; a line that says what was done. */
    static String reset() {
        return drop() ? "page cache dropped" : "page cache not dropped (needs root): searches start from its state";
    }
}
