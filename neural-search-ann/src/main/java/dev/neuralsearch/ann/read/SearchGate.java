package dev.neuralsearch.ann.read;

import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Lets reads (searches, gets, stats) run concurrently while the index is open and makes {@link #close} wait for
 * those in flight: each read holds the read lock of a {@link ReentrantReadWriteLock} while it runs, and closing
 * takes the write lock, so the store and the lexical index are closed only once no read uses them.
 *
 * <p>A read enters once, at the public entry point; code inside a read must not enter again (a nested entry after
 * {@link #close} began would be refused in the middle of the read).
 */
public final class SearchGate {
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private volatile boolean closed;

    /** Starts a read; pair with {@link #leave} in a finally block. */
    public void enter() {
        if (closed) {
            throw closedError();
        }
        lock.readLock().lock();
        if (closed) { // closing began while this read waited (behind the closer in the lock's queue)
            lock.readLock().unlock();
            throw closedError();
        }
    }

    public void leave() {
        lock.readLock().unlock();
    }

    /**
     * Refuses new reads, waits for the reads in flight, then runs {@code release} with no read running. Reads that
     * queued behind the closer are let through afterwards only to be refused.
     */
    public void close(Runnable release) {
        closed = true;
        lock.writeLock().lock();
        try {
            release.run();
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Runs {@code body} with no read running (reads that arrive meanwhile wait), e.g. to swap a component. */
    public void exclusive(Runnable body) {
        lock.writeLock().lock();
        try {
            body.run();
        } finally {
            lock.writeLock().unlock();
        }
    }

    public static IllegalStateException closedError() {
        return new IllegalStateException("index is closed");
    }
}
