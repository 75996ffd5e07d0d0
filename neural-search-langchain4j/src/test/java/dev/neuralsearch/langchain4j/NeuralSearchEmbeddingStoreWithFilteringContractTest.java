package dev.neuralsearch.langchain4j;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.store.embedding.EmbeddingStore;
import dev.langchain4j.store.embedding.EmbeddingStoreWithFilteringIT;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/** LangChain4j's {@code EmbeddingStoreWithFilteringIT}, unmodified, against a store on a fresh index home per test. */
class NeuralSearchEmbeddingStoreWithFilteringContractTest extends EmbeddingStoreWithFilteringIT {

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

    /** We translate ContainsString (core Filter.contains), so the suite runs its contains cases. */
    @Override
    protected boolean supportsContains() {
        return true;
    }

    @AfterEach
    void closeStore() {
        if (store != null) {
            store.close();
        }
    }
}
