package dev.neuralsearch.ann;

import dev.neuralsearch.core.IndexSchema;
import dev.neuralsearch.core.VectorIndex;
import dev.neuralsearch.core.VectorIndexContract;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@link VectorIndexContract} on the on-disk index. The options make the contract's 2,000 documents take
 * the index's approximate paths: flushes into several graph segments before a commit, and graph search under
 * filters (brute force only where a filter leaves at most 50 documents of a segment).
 */
class JVectorIndexContractTest extends VectorIndexContract {

    private static final JVectorIndexOptions OPTIONS = JVectorIndexOptions.DEFAULT
            .withMaxBufferedDocs(700)
            .withFilterBruteForceLimit(50)
            .withBuildThreads(2);

    @TempDir
    Path dir;
    private int homes;

    /** The options every home of this contract run is opened with. */
    protected JVectorIndexOptions options() {
        return OPTIONS;
    }

    @Override
    protected VectorIndex newIndex(IndexSchema schema) {
        return JVectorIndex.open(dir.resolve("home-" + homes++), schema, options());
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
        return JVectorIndex.open(((JVectorIndex) closed).home(), closed.schema(), options());
    }
}
