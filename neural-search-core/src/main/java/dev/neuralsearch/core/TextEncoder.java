package dev.neuralsearch.core;

import java.util.List;

/**
 * Turns text into vectors. Queries and passages may be encoded differently (prefixes, instructions).
 * Implementations are thread-safe.
 */
public interface TextEncoder extends AutoCloseable {

    /** Identifies the model and its settings; recorded in index manifests. */
    String modelId();

    int dimension();

    /** The similarity the vectors are meant for (DOT_PRODUCT for normalised outputs). */
    Similarity similarity();

    /**
     * The language the model was made for ({@code "en"}, {@code "zh"}), or {@code null} when unknown (the default).
     * {@link NeuralSearch.Builder} hands it to {@link IndexFactory#open(IndexSchema, String)}, so that a new index
     * home's lexical route can analyze text for that language.
     */
    default String language() {
        return null;
    }

    float[] encodeQuery(String query);

    List<float[]> encodeQueries(List<String> queries);

    /** Bulk-encodes passages; the result is in input order. */
    List<float[]> encodePassages(List<String> passages, ProgressListener progress);

    default List<float[]> encodePassages(List<String> passages) {
        return encodePassages(passages, ProgressListener.NONE);
    }

    @Override
    void close();
}
