package dev.neuralsearch.ann;

import dev.neuralsearch.core.IndexSchema;
import dev.neuralsearch.core.VectorIndex;
import dev.neuralsearch.core.VectorIndexContract;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@link VectorIndexContract} on the on-disk index with every segment in the {@link PqLayout#INT8} layout (a
 * threshold of 256 vectors): flushes of 700 documents traversed with int8 codes and reranked from the vector file.
 */
class Int8IndexContractTest extends VectorIndexContract {

    private static final JVectorIndexOptions OPTIONS = JVectorIndexOptions.DEFAULT
            .withMaxBufferedDocs(700)
            .withFilterBruteForceLimit(50)
            .withBuildThreads(2)
            .withPqThreshold(256)
            .withPqLayout(PqLayout.INT8);

    @TempDir
    Path dir;
    private int homes;

    @Override
    protected VectorIndex newIndex(IndexSchema schema) {
        return JVectorIndex.open(dir.resolve("home-" + homes++), schema, OPTIONS);
    }

    @Override
    protected double minRecall() {
        return 0.9;
    }

    @Override
    protected boolean persistent() {
        return true;
    }

    @Override
    protected VectorIndex reopen(VectorIndex closed) {
        return JVectorIndex.open(((JVectorIndex) closed).home(), closed.schema(), OPTIONS);
    }
}
