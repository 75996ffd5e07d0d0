package dev.neuralsearch.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ONNX Runtime in a fresh JVM: a command line well over 8 KB (padded class path and a dummy 8 KB system
 * property) must not crash it (ORT 1.29's start-up telemetry does; 1.28.0 is pinned for that), the native
 * libraries must be extracted into the configured directory, and no {@code onnxruntime-java*} folder may
 * be left in {@code java.io.tmpdir}, neither while running nor after exit.
 */
class OnnxEnvironmentForkTest {

    @Test
    void longCommandLineFreshNativeDirectoryAndNoTempFolders(@TempDir Path work) throws Exception {
        Path tmp = Files.createDirectories(work.resolve("tmp"));
        Path nativeDir = work.resolve("native"); // does not exist yet: must be created and filled
        StringBuilder cp = new StringBuilder();
        for (int i = 0; cp.length() < 9000; i++) {
            cp.append(work.resolve("padding").resolve(String.format("no-such-dir-%04d", i))).append(File.pathSeparatorChar);
        }
        cp.append(System.getProperty("java.class.path"));
        String dummy = "x".repeat(8192);

        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.add("-Xmx1g");
        cmd.add("-Djava.io.tmpdir=" + tmp);
        cmd.add("-D" + OnnxEnvironment.NATIVE_PATH_PROPERTY + "=" + nativeDir);
        cmd.add("-Dneuralsearch.test.padding=" + dummy);
        cmd.add("-cp");
        cmd.add(cp.toString());
        cmd.add(ForkedSessionMain.class.getName());
        assertThat(String.join(" ", cmd).length()).isGreaterThan(16_000);

        Path log = work.resolve("child.log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean finished = p.waitFor(120, TimeUnit.SECONDS);
        if (!finished) {
            p.destroyForcibly();
        }
        String out = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(finished).as("child finished; output:%n%s", out).isTrue();
        assertThat(p.exitValue()).as("child exit code; output:%n%s", out).isZero();
        assertThat(out).contains("EMBEDDING [").contains("DONE");
        assertThat(out).doesNotContain("TMP onnxruntime-java");
        assertThat(out).contains("NATIVE " + nativeDir.toAbsolutePath());
        try (Stream<Path> s = Files.list(tmp)) {
            assertThat(s.map(x -> x.getFileName().toString())).noneMatch(n -> n.startsWith("onnxruntime-java"));
        }
        try (Stream<Path> s = Files.list(nativeDir)) {
            assertThat(s.map(x -> x.getFileName().toString()))
                    .contains("libonnxruntime.so", "libonnxruntime4j_jni.so")
                    .noneMatch(n -> n.endsWith(".part"));
        }
    }

    /**
     * Without {@value OnnxEnvironment#NATIVE_PATH_PROPERTY}: the default folder under {@code java.io.tmpdir}
     * already exists with mode 0777 and a planted library of the right size. The child must replace the plant
     * before loading (or ORT would crash on the garbage), and leave the folder at 0700.
     */
    @Test
    void aPlantedLibraryInTheDefaultFolderIsReplacedBeforeLoading(@TempDir Path work) throws Exception {
        Path tmp = Files.createDirectories(work.resolve("tmp"));
        String version = ai.onnxruntime.OrtEnvironment.class.getPackage().getImplementationVersion();
        String user = System.getProperty("user.name").replaceAll("[^A-Za-z0-9._-]", "_");
        Path dir = Files.createDirectory(tmp.resolve("neural-search-ort-" + version + "-" + user));
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        String lib = System.mapLibraryName("onnxruntime");
        byte[] real;
        try (var in = ai.onnxruntime.OrtEnvironment.class.getResourceAsStream(
                "/ai/onnxruntime/native/" + OnnxEnvironment.platform() + "/" + lib)) {
            real = in.readAllBytes();
        }
        Files.write(dir.resolve(lib), new byte[real.length]); // same size, all zeros

        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-Xmx1g", "-Djava.io.tmpdir=" + tmp,
                "-cp", System.getProperty("java.class.path"), ForkedSessionMain.class.getName());
        Path log = work.resolve("child.log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean finished = p.waitFor(120, TimeUnit.SECONDS);
        if (!finished) {
            p.destroyForcibly();
        }
        String out = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(finished).as("child finished; output:%n%s", out).isTrue();
        assertThat(p.exitValue()).as("child exit code; output:%n%s", out).isZero();
        assertThat(out).contains("EMBEDDING [").contains("NATIVE " + dir);
        assertThat(Files.readAllBytes(dir.resolve(lib))).isEqualTo(real);
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)))
                .isEqualTo("rwx------");
    }
}
