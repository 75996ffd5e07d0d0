package dev.neuralsearch.ann;

/**
 * The {@link dev.neuralsearch.core.VectorIndexContract} on the on-disk index with every segment in the
 * {@link PqLayout#INT8} layout (a threshold of 256 vectors): flushes of 700 documents traversed with int8 codes and
 * reranked from the vector file.
 */
class Int8IndexContractTest extends JVectorIndexContractTest {

    @Override
    protected JVectorIndexOptions options() {
        return super.options().withPqThreshold(256).withPqLayout(PqLayout.INT8);
    }
}
