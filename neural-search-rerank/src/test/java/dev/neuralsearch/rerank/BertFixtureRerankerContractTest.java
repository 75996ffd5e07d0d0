package dev.neuralsearch.rerank;

import dev.neuralsearch.core.Reranker;
import dev.neuralsearch.rerank.fixtures.TinyCrossEncoder;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** The {@link RerankerContract} on the hand-written BERT-style fixture (two-class head, small batches). */
class BertFixtureRerankerContractTest extends RerankerContract {

    @TempDir
    static Path tmp;
    static CrossEncoderReranker reranker;

    @BeforeAll
    static void load() {
        reranker = CrossEncoderReranker.builder(TinyCrossEncoder.write(tmp.resolve("bert-2"), 2, true))
                .maxBatchSize(2).build();
    }

    @AfterAll
    static void close() {
        if (reranker != null) {
            reranker.close();
        }
    }

    @Override
    protected Reranker reranker() {
        return reranker;
    }
}
