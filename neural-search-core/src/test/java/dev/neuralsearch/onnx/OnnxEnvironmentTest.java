package dev.neuralsearch.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.onnxruntime.OrtSession;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxEnvironmentTest {

    @Test
    @Tag("smoke")
    void loadsFromTheConfiguredNativeDirectoryAndCreatesSessions() throws Exception {
        assertThat(OnnxEnvironment.version()).isEqualTo("1.28.0");
        Path dir = OnnxEnvironment.nativeLibraryDirectory();
        assertThat(System.getProperty(OnnxEnvironment.NATIVE_PATH_PROPERTY)).isEqualTo(dir.toString());
        for (String lib : OnnxEnvironment.bundledLibraries()) {
            assertThat(dir.resolve(lib)).isRegularFile();
        }
        byte[] model;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("all-minilm-l6-v2-q.onnx")) {
            model = in.readAllBytes();
        }
        try (OrtSession s = OnnxEnvironment.createSession(model, "all-minilm-l6-v2-q.onnx",
                SessionConfig.DEFAULT.withOptimization(SessionConfig.Optimization.BASIC))) {
            assertThat(s.getInputNames()).contains("input_ids", "attention_mask");
        }
    }

    @Test
    void cudaOnTheCpuBuildGivesAClearError() {
        assumeFalse(OnnxEnvironment.cudaBuildPresent(), "the GPU build of ONNX Runtime is on the classpath (-Pgpu)");
        assertThatThrownBy(() -> OnnxEnvironment.options(SessionConfig.DEFAULT.withCuda(0)))
                .isInstanceOf(GpuUnavailableException.class)
                .hasMessageContaining("onnxruntime_gpu")
                .hasMessageContaining("CUDA 12")
                .hasMessageContaining("cuDNN 9");
    }

    /** Runs in the -Pgpu build on a machine without CUDA (like this project's): the missing libraries are named. */
    @Test
    void cudaOnTheGpuBuildWithoutCudaLibrariesNamesThem() throws Exception {
        assumeTrue(OnnxEnvironment.cudaBuildPresent(), "the CPU build of ONNX Runtime is on the classpath");
        assumeFalse(cudaRuntimeInstalled(), "a CUDA runtime is installed here: nothing is missing");
        // Session creation, not only the options: ORT may load the CUDA provider library lazily.
        byte[] model = modelBytes();
        assertThatThrownBy(() -> OnnxEnvironment.createSession(model, "all-minilm-l6-v2-q.onnx",
                SessionConfig.DEFAULT.withCuda(0)).close())
                .isInstanceOf(GpuUnavailableException.class)
                .hasMessageContaining("libcudart.so.12")
                .hasMessageContaining("cuDNN 9")
                .hasMessageContaining("LD_LIBRARY_PATH");
    }

    private static boolean cudaRuntimeInstalled() {
        for (String dir : List.of("/usr/lib/x86_64-linux-gnu", "/usr/local/cuda/lib64", "/usr/lib64")) {
            if (Files.exists(Path.of(dir, "libcudart.so.12"))) {
                return true;
            }
        }
        return false;
    }

    private byte[] modelBytes() throws Exception {
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("all-minilm-l6-v2-q.onnx")) {
            return in.readAllBytes();
        }
    }

    @Test
    void missingAndCorruptModelFilesAreNamed(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("nope.onnx");
        assertThatThrownBy(() -> OnnxEnvironment.createSession(missing, SessionConfig.DEFAULT))
                .isInstanceOf(OnnxException.class).hasMessageContaining("nope.onnx").hasMessageContaining("not found");
        Path corrupt = Files.write(dir.resolve("corrupt.onnx"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        assertThatThrownBy(() -> OnnxEnvironment.createSession(corrupt, SessionConfig.DEFAULT))
                .isInstanceOf(OnnxException.class).hasMessageContaining("corrupt.onnx");
    }

    @Test
    void rejectsBadConfig() {
        assertThatThrownBy(() -> SessionConfig.DEFAULT.withIntraOpThreads(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
