package dev.neuralsearch.ann;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Chronicle store on a really full disk (an 8 MB tmpfs): Chronicle writes through memory mappings, where a page
 * without disk behind it is a SIGBUS that kills the JVM. The writer runs in a child JVM ({@link FullDiskWriter}) so
 * that a crash fails the test instead of ending the test run. Needs root for {@code mount}; skipped otherwise.
 */
class FullDiskTest {
    @TempDir
    Path tmp;
    private Path mount;

    @BeforeEach
    void mountSmallFileSystem() throws Exception {
        mount = SmallTmpfs.mount(Files.createDirectories(tmp.resolve("small")), "8m");
    }

    @AfterEach
    void unmount() throws Exception {
        SmallTmpfs.unmount(mount);
    }

    @Test
    void aFullDiskFailsTheStoreWithAnIOExceptionAndTheStoreStaysReadable() throws Exception {
        ForkedJvm.Result r = runWriter("store", mount.resolve("store"));
        assertThat(r.exitCode()).as("%s", r).isZero();
        assertThat(r.stdout()).as("%s", r)
                .containsPattern("store-failed java.io.UncheckedIOException io=java.io.IOException .* after \\d+")
                .contains("store-read d0 d", "store-reopened true d0", "done");
        assertThat(r.stderr()).doesNotContain("SIGBUS", "hs_err", "InternalError");
    }

    @Test
    void aFullDiskFailsACommitCleanlyAndTheLastCommitStaysSearchable() throws Exception {
        ForkedJvm.Result r = runWriter("index", mount.resolve("home"));
        assertThat(r.exitCode()).as("%s", r).isZero();
        assertThat(r.stdout()).as("%s", r)
                .containsPattern("index-failed java.io.UncheckedIOException io=java.io.IOException")
                .contains("index-search 5 c0-0", "done");
        assertThat(r.stderr()).doesNotContain("SIGBUS", "hs_err", "InternalError");
    }

    @Test
    void withoutSpaceForAChronicleMapAutoFallsBackToTheSegmentFiles() throws Exception {
        ForkedJvm.Result r = runWriter("fallback", mount.resolve("home"));
        assertThat(r.exitCode()).as("%s", r).isZero();
        assertThat(r.stdout()).as("%s", r).contains("fallback SEGMENT_FILES beta store-dir false", "done");
        assertThat(r.stderr()).as("%s", r).contains("WARN", "Chronicle Map document store cannot open",
                "java.io.IOException: Not enough space");
    }

    private ForkedJvm.Result runWriter(String mode, Path path) throws Exception {
        List<String> flags = new ArrayList<>();
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("--add-") || a.startsWith("--enable-native-access") || a.startsWith("--sun-misc")
                    || a.startsWith("-Dchronicle")) {
                flags.add(a);
            }
        }
        flags.add("-Xmx256m");
        flags.add("-XX:ErrorFile=" + tmp.resolve("hs_err_%p.log"));
        ForkedJvm.Result r = ForkedJvm.run(ForkedJvm.currentJdk(), flags, 300, FullDiskWriter.class, mode,
                path.toString());
        try (var files = Files.list(tmp)) {
            assertThat(files.filter(f -> f.getFileName().toString().startsWith("hs_err"))).as("JVM crash logs")
                    .isEmpty();
        }
        return r;
    }
}
