package dev.neuralsearch.ann.read;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A reference count that starts at 1 (the owner's) and, once it has dropped to 0, can never be taken again: what
 * segments and snapshots use so that a search, a writer's next snapshot and a reader's refresh share them safely.
 */
public final class RefCount {
    private final AtomicInteger refs = new AtomicInteger(1);

    /** Takes a reference unless the count has already dropped to 0 (the object is closed or closing). */
    boolean tryAcquire() {
        while (true) {
            int r = refs.get();
            if (r <= 0) {
                return false;
            }
            if (refs.compareAndSet(r, r + 1)) {
                return true;
            }
        }
    }

    /** Gives a reference back; true for the caller that dropped the count to 0, who then closes the object. */
    boolean release() {
        return refs.decrementAndGet() == 0;
    }

    /** Whether the count has dropped to 0. */
    boolean closed() {
        return refs.get() <= 0;
    }
}
