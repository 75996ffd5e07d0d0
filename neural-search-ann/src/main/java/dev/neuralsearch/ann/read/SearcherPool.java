package dev.neuralsearch.ann.read;

import java.io.Closeable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Supplier;

/** Searchers borrowed per query and given back for reuse (at most 64 kept), closed with the segment. */
final class SearcherPool<T extends Closeable> {
    private final ConcurrentLinkedQueue<T> idle = new ConcurrentLinkedQueue<>();

    T borrow(Supplier<T> create) {
        T t = idle.poll();
        return t != null ? t : create.get();
    }

    /** Keeps {@code t} for the next query if it ended cleanly ({@code reusable}), else closes it. */
    void giveBack(T t, boolean reusable) {
        if (reusable && idle.size() < 64) {
            idle.offer(t);
        } else {
            Segment.closeQuietly(t);
        }
    }

    void closeAll() {
        T t;
        while ((t = idle.poll()) != null) {
            Segment.closeQuietly(t);
        }
    }
}
