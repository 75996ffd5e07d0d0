package dev.neuralsearch.core;

/** Receives progress of a long operation (bulk encoding, indexing). Called from worker threads. */
@FunctionalInterface
public interface ProgressListener {
    ProgressListener NONE = (done, total) -> { };

    void onProgress(long done, long total);
}
