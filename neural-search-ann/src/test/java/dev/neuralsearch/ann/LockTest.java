package dev.neuralsearch.ann;

import dev.neuralsearch.ann.commit.HomeLock;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A second process or a second instance in the same JVM opening the same home for writing gets a clear exception;
 * the lock dies with its holder, and a refused second open in the JVM does not release the first's OS lock.
 */
class LockTest {
    @TempDir
    Path home;

    @Test
    void secondProcessIsRefusedUntilTheFirstDies() throws Exception {
        Process p = startHolder();
        try {
            BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            assertThat(r.readLine()).startsWith("opened");
            assertThatThrownBy(() -> JVectorIndex.open(home, CrashWorker.SCHEMA, CrashWorker.OPTIONS))
                    .isInstanceOf(IndexLockedException.class)
                    .hasMessageContaining("already open for writing by another process");
        } finally {
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
        }
        try (JVectorIndex index = JVectorIndex.open(home, CrashWorker.SCHEMA, CrashWorker.OPTIONS)) {
            assertThat(index.stats().documents()).isZero();
        }
    }

    /**
     * Two opens in one JVM, the second through another spelling of the home (a symlink): the second is refused,
     * and the first's OS lock is still held afterwards (on Linux, closing any channel of the file would drop it),
     * so a second process is refused too. Once the first closes, the home opens again.
     */
    @Test
    void secondOpenInTheSameJvmIsRefusedAndKeepsTheFirstLock() throws Exception {
        Path link = Files.createSymbolicLink(home.resolveSibling(home.getFileName() + "-link"), home);
        try (JVectorIndex first = JVectorIndex.open(home, CrashWorker.SCHEMA, CrashWorker.OPTIONS)) {
            for (Path other : List.of(home, link, link.resolve(".").resolve("..").resolve(link.getFileName()))) {
                assertThatThrownBy(() -> JVectorIndex.open(other, CrashWorker.SCHEMA, CrashWorker.OPTIONS))
                        .as("second open through %s", other)
                        .isInstanceOf(IndexLockedException.class);
            }
            Process p = startHolder();
            try {
                BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                        StandardCharsets.UTF_8));
                assertThat(r.readLine()).as("the other process must be refused: the first instance's OS lock "
                        + "has to survive the refused second open").startsWith("locked");
                assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            } finally {
                p.destroyForcibly();
                p.waitFor(30, TimeUnit.SECONDS);
            }
            assertThat(first.stats().documents()).isZero(); // still usable
            assertThat(HomeLock.heldInThisJvm(home)).isTrue();
        } finally {
            Files.deleteIfExists(link);
        }
        assertThat(HomeLock.heldInThisJvm(home)).isFalse();
        try (JVectorIndex again = JVectorIndex.open(home, CrashWorker.SCHEMA, CrashWorker.OPTIONS)) {
            assertThat(again.generation()).isZero();
        }
    }

    private Process startHolder() throws Exception {
        return ForkedJvm.likeThisJvm(List.of("-Xmx256m"), HoldIndexOpen.class, home.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    }
}
