package dev.neuralsearch.ann;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A small tmpfs mounted for a full-disk test, so that writes really fail with "No space left on device". Needs root
 * ({@code mount}); a test that cannot mount one is skipped with the reason.
 */
final class SmallTmpfs {
    private SmallTmpfs() {
    }

    /** Mounts a tmpfs of {@code size} (e.g. "8m") on the existing empty directory {@code dir}, or skips the test. */
    static Path mount(Path dir, String size) throws IOException, InterruptedException {
        String out;
        boolean ok;
        try {
            Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", dir.toString())
                    .redirectErrorStream(true).start();
            out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            ok = p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            out = e.getMessage();
            ok = false;
        }
        Assumptions.assumeTrue(ok, "cannot mount a small tmpfs here (needs root), full-disk test skipped: " + out);
        return dir;
    }

    /**
     * Unmounts; when the mount is busy (on JDK 17 a closed index's file mappings go only when the GC frees them) it
     * is detached instead, and the kernel drops it once the last mapping is gone.
     */
    static void unmount(Path dir) throws IOException, InterruptedException {
        if (dir == null) {
            return;
        }
        Process p = new ProcessBuilder("umount", dir.toString()).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            new ProcessBuilder("umount", "-l", dir.toString()).redirectErrorStream(true).start()
                    .waitFor(30, TimeUnit.SECONDS);
        }
    }
}
