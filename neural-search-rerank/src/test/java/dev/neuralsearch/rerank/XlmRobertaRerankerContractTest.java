package dev.neuralsearch.rerank;

import dev.neuralsearch.core.Reranker;
import dev.neuralsearch.testing.SharedData;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** The {@link RerankerContract} on the shared tiny XLM-R cross-encoder (skipped when ../shared is absent). */
class XlmRobertaRerankerContractTest extends RerankerContract {

    @TempDir
    static Path tmp;
    static CrossEncoderReranker reranker;

    @BeforeAll
    static void load() throws IOException {
        Path dir = XlmRobertaCrossEncoderTest.unzip(
                SharedData.require("models/fixtures/TinyXLMRoberta-CE-onnx.zip"), tmp.resolve("tiny-xlmr"));
        reranker = CrossEncoderReranker.builder(dir).maxLength(62).maxBatchSize(2).build();
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

    @Override
    protected float tolerance() {
        return 1e-5f; // a real transformer: other batch shapes may round differently
    }
}
