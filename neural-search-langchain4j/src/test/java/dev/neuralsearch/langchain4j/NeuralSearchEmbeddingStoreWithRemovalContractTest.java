package dev.neuralsearch.langchain4j;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.store.embedding.EmbeddingStore;
import dev.langchain4j.store.embedding.EmbeddingStoreWithRemovalIT;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/** LangChain4j's {@code EmbeddingStoreWithRemovalIT}, unmodified, against a store on a fresh index home per test. */
class NeuralSearchEmbeddingStoreWithRemovalContractTest extends EmbeddingStoreWithRemovalIT {

    @TempDir
    Path home;

    private NeuralSearchEmbeddingStore store;

    @Override
    public EmbeddingStore<TextSegment> embeddingStore() {
        if (store == null) {
            store = Fixtures.store(home);
        }
        return store;
    }

    @Override
    protected EmbeddingModel embeddingModel() {
        return Fixtures.model();
    }

    @AfterEach
    void closeStore() {
        if (store != null) {
            store.close();
        }
    }
}
