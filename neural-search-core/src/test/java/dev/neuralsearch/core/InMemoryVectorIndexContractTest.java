package dev.neuralsearch.core;

/** The {@link VectorIndexContract} on the in-memory index: exact, so its approximate search must be too. */
class InMemoryVectorIndexContractTest extends VectorIndexContract {

    @Override
    protected VectorIndex newIndex(IndexSchema schema) {
        return new InMemoryVectorIndex(schema);
    }

    @Override
    protected double minRecall() {
        return 1.0;
    }
}
