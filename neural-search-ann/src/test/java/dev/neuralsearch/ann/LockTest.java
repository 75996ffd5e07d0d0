package dev.neuralsearch.ann;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A second process opening the same home for writing gets a clear exception; the lock dies with its holder. */
class LockTest {
    @TempDir
    Path home;

    @Test
    void secondProcessIsRefusedUntilTheFirstDies() throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("--add-") || a.startsWith("--enable-native-access") || a.startsWith("--sun-misc")
                    || a.startsWith("-Dchronicle")) {
                cmd.add(a);
            }
        }
        cmd.addAll(List.of("-Xmx256m", "-cp", System.getProperty("java.class.path"), HoldIndexOpen.class.getName(),
                home.toString()));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
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
}
