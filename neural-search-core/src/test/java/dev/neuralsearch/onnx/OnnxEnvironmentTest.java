package dev.neuralsearch.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnxruntime.OrtSession;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
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
        assertThat(OnnxEnvironment.cudaBuildPresent()).isFalse();
        assertThatThrownBy(() -> OnnxEnvironment.options(SessionConfig.DEFAULT.withCuda(0)))
                .isInstanceOf(GpuUnavailableException.class)
                .hasMessageContaining("onnxruntime_gpu")
                .hasMessageContaining("CUDA 12")
                .hasMessageContaining("cuDNN 9");
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
