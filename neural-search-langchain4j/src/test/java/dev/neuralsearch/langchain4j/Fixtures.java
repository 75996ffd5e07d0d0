package dev.neuralsearch.langchain4j;

import dev.neuralsearch.encoder.BiEncoder;
import dev.neuralsearch.encoder.Presets;
import java.nio.file.Path;

/** One encoder per test JVM (all-MiniLM-L6-v2, int8, from the packaged model jar), and stores on temp homes. */
final class Fixtures {
    private static BiEncoder encoder;

    private Fixtures() {
    }

    static synchronized BiEncoder encoder() {
        if (encoder == null) {
            encoder = BiEncoder.load(Presets.ALL_MINILM_L6_V2_Q);
        }
        return encoder;
    }

    static NeuralSearchEmbeddingModel model() {
        return NeuralSearchEmbeddingModel.of(encoder());
    }

    static NeuralSearchEmbeddingStore store(Path home) {
        return NeuralSearchEmbeddingStore.builder().home(home.resolve("index")).schemaOf(encoder()).build();
    }
}
