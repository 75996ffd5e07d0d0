package dev.neuralsearch.onnx.internal;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sessions of one model, in one of two modes. Pooled: each call borrows a session of its own and
 * gives it back (the bi-encoder runs one single-threaded session per core, which measured fastest).
 * Shared: one session serves every call at once (ONNX Runtime sessions are safe for concurrent runs; the
 * cross-encoder does this).
 */
final class SessionPool implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SessionPool.class);

    private final List<OrtSession> sessions;
    /** Idle sessions in pooled mode; null in shared mode. */
    private final BlockingQueue<OrtSession> idle;

    private SessionPool(List<OrtSession> sessions, boolean shared) {
        this.sessions = List.copyOf(sessions);
        this.idle = shared ? null : new ArrayBlockingQueue<>(sessions.size(), false, sessions);
    }

    /**
     * Creates {@code count} sessions: the first alone (a bad file fails once, clearly), the others in
     * parallel on {@code helpers} (one after another when null). On failure every session made is closed.
     */
    static SessionPool create(Supplier<OrtSession> factory, int count, boolean shared, ExecutorService helpers) {
        if (count < 1 || (shared && count != 1)) {
            throw new IllegalArgumentException("session count " + count + (shared ? " for a shared session" : ""));
        }
        List<OrtSession> created = Collections.synchronizedList(new ArrayList<>(count));
        created.add(factory.get());
        List<Future<?>> more = new ArrayList<>(count - 1);
        try {
            for (int i = 1; i < count; i++) {
                if (helpers == null) {
                    created.add(factory.get());
                } else {
                    more.add(helpers.submit(() -> created.add(factory.get())));
                }
            }
            for (Future<?> f : more) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeAll(more, created);
            throw new IllegalStateException("interrupted while creating ONNX Runtime sessions", e);
        } catch (ExecutionException e) {
            closeAll(more, created);
            throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
        } catch (RuntimeException e) {
            closeAll(more, created);
            throw e;
        }
        return new SessionPool(created, shared);
    }

    /** Waits for the sessions still being made (so none leaks), then closes every one made. */
    private static void closeAll(List<Future<?>> running, List<OrtSession> created) {
        boolean interrupted = Thread.interrupted();
        for (Future<?> f : running) {
            try {
                f.get();
            } catch (InterruptedException e) {
                interrupted = true;
                break;
            } catch (ExecutionException e) {
                // the first failure is the one reported
            }
        }
        created.forEach(SessionPool::closeQuietly);
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    int size() {
        return sessions.size();
    }

    /** The first session (for inspecting inputs and outputs). */
    OrtSession first() {
        return sessions.get(0);
    }

    /** A session for one run: in pooled mode waits for an idle one. */
    OrtSession acquire() {
        if (idle == null) {
            return sessions.get(0);
        }
        try {
            return idle.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for an ONNX Runtime session", e);
        }
    }

    /** Gives back a session from {@link #acquire()}. */
    void release(OrtSession session) {
        if (idle != null) {
            idle.add(session);
        }
    }

    /** Closes every session, logging (not throwing) failures. */
    @Override
    public void close() {
        sessions.forEach(SessionPool::closeQuietly);
    }

    private static void closeQuietly(OrtSession s) {
        try {
            s.close();
        } catch (OrtException | RuntimeException e) {
            LOG.debug("closing session: {}", e.toString());
        }
    }
}
