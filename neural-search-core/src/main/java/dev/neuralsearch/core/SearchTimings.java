package dev.neuralsearch.core;

/**
 * Wall-clock time spent in each stage of one query, in nanoseconds. In a batch the encode stage runs once
 * for all queries and each query is charged an equal share of it.
 *
 * @param encodeNanos encoding the query text into a vector
 * @param recallNanos the vector index search (recall stage)
 * @param rerankNanos scoring the recalled passages with the reranker; 0 when not reranked
 * @param totalNanos the whole query, including building the hits
 */
public record SearchTimings(long encodeNanos, long recallNanos, long rerankNanos, long totalNanos) {

    public double encodeMillis() {
        return encodeNanos / 1e6;
    }

    public double recallMillis() {
        return recallNanos / 1e6;
    }

    public double rerankMillis() {
        return rerankNanos / 1e6;
    }

    public double totalMillis() {
        return totalNanos / 1e6;
    }
}
