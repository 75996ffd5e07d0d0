package dev.neuralsearch.ann.read;

import java.util.function.Supplier;

/**
 * The current {@link Snapshot} of an index instance and the {@link SearchGate} its reads pass, like Lucene's
 * {@code ReferenceManager}: reads {@link #acquire} the snapshot of the moment; the writer (or a reader's refresh)
 * {@link #publish}es the next one, and the previous one closes when its last read releases it.
 */
public final class SnapshotManager {
    private final SearchGate gate = new SearchGate();
    private volatile Snapshot state;
    private volatile boolean closed;
    /**
     * Counts replacements: an update appends the new copy where only the newest snapshot sees it (the write
     * buffer), then tombstones the old copy in place (segments and buffer entries are shared by snapshots). A reader
     * whose lookup found no live copy retries when this moved meanwhile (see {@code SnapshotSearcher#resolve}).
     */
    private volatile long replacements;

    public SnapshotManager(Snapshot initial) {
        this.state = initial;
    }

    /** The current snapshot, without a reference (the writer, under its lock). */
    public Snapshot current() {
        return state;
    }

    /**
     * The current snapshot, held until {@link Snapshot#release}. A read in flight always gets one: closing releases
     * the last snapshot only after the reads have left the gate.
     */
    public Snapshot acquire() {
        while (true) {
            Snapshot s = state;
            if (s.tryAcquire()) {
                return s;
            }
            if (closed) {
                throw SearchGate.closedError();
            }
        }
    }

    /** Makes {@code next} the current snapshot and releases the previous one. */
    public void publish(Snapshot next) {
        Snapshot old = state;
        state = next;
        old.release();
    }

    /** Runs a read inside the gate: refused once the index is closing, waited for by {@link #close}. */
    public <T> T read(Supplier<T> body) {
        gate.enter();
        try {
            return body.get();
        } finally {
            gate.leave();
        }
    }

    /** Runs {@code body} with no read running (e.g. to swap the lexical index). */
    public void exclusive(Runnable body) {
        gate.exclusive(body);
    }

    /** Counts a replacement, before the old copy is tombstoned: a reader that sees the tombstone sees this too. */
    public void replaced() {
        replacements++;
    }

    public long replacements() {
        return replacements;
    }

    public boolean closed() {
        return closed;
    }

    public void ensureOpen() {
        if (closed) {
            throw SearchGate.closedError();
        }
    }

    /**
     * Refuses new reads, waits for those in flight, releases the current snapshot and runs {@code release} (closing
     * what the reads used). Called once, by the closing thread.
     */
    public void close(Runnable release) {
        closed = true;
        gate.close(() -> {
            state.release();
            release.run();
        });
    }
}
