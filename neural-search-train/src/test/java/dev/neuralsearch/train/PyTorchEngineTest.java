package dev.neuralsearch.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

class PyTorchEngineTest {
    @Test
    void engineLoadsOfflineAndComputesGradients() {
        Engine engine = Torch.engine();
        assertThat(engine.getEngineName()).isEqualTo("PyTorch");
        assertThat(engine.getVersion()).startsWith("2.7.1");
        try (NDManager m = engine.newBaseManager()) {
            NDArray w = m.create(new float[] {1f, 2f, 3f});
            w.setRequiresGradient(true);
            try (GradientCollector gc = engine.newGradientCollector()) {
                NDArray y = w.mul(w).sum();
                gc.backward(y);
            }
            assertThat(w.getGradient().toFloatArray()).containsExactly(2f, 4f, 6f);
        }
    }
}
