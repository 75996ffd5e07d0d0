package dev.neuralsearch.onnx.internal;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.neuralsearch.core.ProgressListener;
import dev.neuralsearch.encoder.ModelMismatchException;
import dev.neuralsearch.onnx.OnnxEnvironment;
import dev.neuralsearch.onnx.OnnxException;
import dev.neuralsearch.tokenize.TextTokenizer;
import dev.neuralsearch.tokenize.TokenizedText;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.BiPredicate;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Runs a tokenized-text ONNX model (a bi-encoder or a cross-encoder): owns the tokenizer and the sessions,
 * feeds the model's token inputs ({@link ModelInputs}), pads each batch ({@link PaddedBatch}), and hands
 * the output tensor to a caller's {@link OutputReader} (pooling for embeddings, logits to scores for a
 * reranker). It probes the model at load for the caller (vocabulary, batch invariance), plans length
 * batches and runs them in parallel on the calling thread and helper threads, and its {@link #close()}
 * waits for running calls.
 *
 * <p>Thread-safe. Internal: not part of the library's API.
 */
public final class OnnxModelRunner implements AutoCloseable {

    /** Turns a model output into the caller's result for a batch; the tensor is closed after it returns. */
    @FunctionalInterface
    public interface OutputReader<R> {
        R read(OnnxValue output, PaddedBatch batch) throws OrtException;
    }

    /** Receives one batch's result; {@code indices} are the batch's rows' positions in the input list. */
    @FunctionalInterface
    public interface BatchSink<R> {
        void accept(int[] indices, R result);
    }

    private final String name;
    private final String model;
    private final String tokenizerName;
    private final String failureHint;
    private final long padId;
    private final TextTokenizer tokenizer;
    private final SessionPool sessions;
    private final ModelInputs inputs;
    private final String outputName;
    private final int parallelism;
    /** Helper threads, {@code parallelism - 1} of them; null when parallelism is 1. */
    private final ExecutorService helpers;
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private boolean closed;

    private OnnxModelRunner(Builder b) {
        this.name = b.name;
        this.model = b.model;
        this.tokenizerName = b.tokenizerName != null ? b.tokenizerName : b.tokenizer.name();
        this.failureHint = b.failureHint;
        this.padId = b.padId;
        this.tokenizer = b.tokenizer;
        this.parallelism = b.parallelism;
        String threadPrefix = b.threadPrefix;
        AtomicInteger threads = new AtomicInteger();
        this.helpers = parallelism > 1 ? Executors.newFixedThreadPool(parallelism - 1, r -> {
            Thread t = new Thread(r, threadPrefix + "-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        }) : null;
        SessionPool pool = null;
        try {
            pool = SessionPool.create(b.sessionFactory, b.sessions, b.shared, helpers);
            OrtSession first = pool.first();
            this.inputs = ModelInputs.discover(first.getInputInfo(), model);
            this.outputName = b.outputSelector.apply(first.getOutputInfo());
        } catch (OrtException | RuntimeException e) {
            shutdown(helpers, pool, tokenizer);
            if (e instanceof RuntimeException re) {
                throw re;
            }
            throw new OnnxException("cannot inspect model " + model + ": " + e.getMessage(), e);
        }
        this.sessions = pool;
    }

    /**
     * Starts a runner.
     *
     * @param name           names the runner in messages and thread names ("encoder x", "cross-encoder y")
     * @param model          names the model (its file or artifact) in messages
     * @param tokenizer      owned by the runner from now on: closed on {@link #close()} or a failed build
     * @param sessionFactory makes one session of the model
     */
    public static Builder builder(String name, String model, TextTokenizer tokenizer, Supplier<OrtSession> sessionFactory) {
        return new Builder(name, model, tokenizer, sessionFactory);
    }

    public TextTokenizer tokenizer() {
        return tokenizer;
    }

    /** Whether the model takes {@code token_type_ids}. */
    public boolean usesTokenTypeIds() {
        return inputs.tokenTypes();
    }

    /** The output the readers get. */
    public String outputName() {
        return outputName;
    }

    public int sessionCount() {
        return sessions.size();
    }

    /**
     * Runs {@code work} while the runner is open; {@link #close()} waits for it. Wrap tokenization and runs
     * of one request in it, so that the tokenizer is not closed under them.
     *
     * @throws IllegalStateException when closed
     */
    public <T> T whileOpen(Supplier<T> work) {
        lock.readLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException(name + " is closed");
            }
            return work.get();
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Runs one batch (padded to its longest text) on the calling thread. */
    public <R> R run(List<TokenizedText> batch, OutputReader<R> reader) {
        return whileOpen(() -> runBatch(batch.toArray(new TokenizedText[0]), reader));
    }

    /**
     * Runs every text: plans length batches ({@link LengthBatches#plan}) and runs them on the calling thread
     * and up to {@code parallelism - 1} helpers, each taking the next batch until none is left. Each batch's
     * result goes to {@code sink} (from whichever thread ran it; each batch has its own indices), then
     * {@code progress} hears the texts done. The first failure stops the others after their current batch
     * and is thrown.
     */
    public <R> void runAll(List<TokenizedText> texts, int maxRows, int maxPaddedTokens, OutputReader<R> reader,
                           BatchSink<R> sink, ProgressListener progress) {
        whileOpen(() -> {
            List<int[]> plan = LengthBatches.plan(texts, maxRows, maxPaddedTokens);
            AtomicInteger next = new AtomicInteger();
            AtomicLong done = new AtomicLong();
            Runnable worker = () -> {
                for (int i = next.getAndIncrement(); i < plan.size(); i = next.getAndIncrement()) {
                    int[] rows = plan.get(i);
                    TokenizedText[] batch = new TokenizedText[rows.length];
                    for (int r = 0; r < rows.length; r++) {
                        batch[r] = texts.get(rows[r]);
                    }
                    sink.accept(rows, runBatch(batch, reader));
                    progress.onProgress(done.addAndGet(rows.length), texts.size());
                }
            };
            int workers = Math.min(parallelism, plan.size());
            List<Future<?>> running = new ArrayList<>(Math.max(0, workers - 1));
            for (int w = 1; w < workers; w++) {
                running.add(helpers.submit(worker));
            }
            RuntimeException failure = null;
            try {
                worker.run();
            } catch (RuntimeException e) {
                failure = e;
                next.set(plan.size()); // the helpers stop after their current batch
            }
            for (Future<?> f : running) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    if (failure == null) {
                        next.set(plan.size());
                        failure = e.getCause() instanceof RuntimeException re ? re
                                : new OnnxException(name + " failed: " + e.getCause(), e.getCause());
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    next.set(plan.size());
                    running.forEach(r -> r.cancel(true));
                    throw new IllegalStateException("interrupted while running " + name, e);
                }
            }
            if (failure != null) {
                throw failure;
            }
            return null;
        });
    }

    /**
     * Runs the highest token id the tokenizer can produce through the model, so that a tokenizer whose
     * vocabulary exceeds the model's embedding table fails here, at load time, rather than on some rare text
     * later. Returns the reader's result for that one-token text.
     *
     * @throws ModelMismatchException when the model refuses the id
     */
    public <R> R probeVocabulary(OutputReader<R> reader) {
        long maxId = tokenizer.vocabularySize() - 1L;
        TokenizedText probe = new TokenizedText(new long[] {maxId}, new long[] {1}, new long[] {0}, false);
        RuntimeException[] readerFailure = new RuntimeException[1];
        OutputReader<R> watched = (out, batch) -> {
            try {
                return reader.read(out, batch);
            } catch (RuntimeException e) {
                readerFailure[0] = e; // the reader's own complaint, not the model's
                throw e;
            }
        };
        try {
            return run(List.of(probe), watched);
        } catch (OnnxException | ModelMismatchException e) {
            if (e == readerFailure[0]) {
                throw e;
            }
            throw new ModelMismatchException("tokenizer " + tokenizerName + " does not match model " + model
                    + ": its vocabulary has " + tokenizer.vocabularySize() + " tokens, more than the model's "
                    + "embedding table holds (" + e.getMessage() + ")", e);
        }
    }

    /**
     * Runs {@code probe} alone and then after a much longer {@code companion} (so that it is padded) and
     * asks {@code same} whether the two results agree: {@code same.test(alone, batched)}, where the probe is
     * row 0 of {@code alone} and row 1 of {@code batched}. Float models agree up to rounding; dynamically
     * quantized int8 models, whose scale spans the whole padded batch, do not.
     */
    public <R> boolean probeBatchInvariance(TokenizedText probe, TokenizedText companion, OutputReader<R> reader,
                                            BiPredicate<R, R> same) {
        R alone = run(List.of(probe), reader);
        R batched = run(List.of(companion, probe), reader);
        return same.test(alone, batched);
    }

    private <R> R runBatch(TokenizedText[] batch, OutputReader<R> reader) {
        PaddedBatch padded = PaddedBatch.of(batch, padId, inputs.tokenTypes());
        OrtSession session = sessions.acquire();
        Map<String, OnnxTensor> feeds = Map.of();
        try {
            feeds = padded.tensors(OnnxEnvironment.get(), inputs);
            try (OrtSession.Result result = session.run(feeds, Set.of(outputName))) {
                return reader.read(result.get(0), padded);
            }
        } catch (OrtException e) {
            String msg = String.valueOf(e.getMessage());
            if (msg.contains("out of") && (msg.contains("bounds") || msg.contains("range")) || msg.contains("indices")) {
                throw new ModelMismatchException("model " + model + " rejected token ids from tokenizer "
                        + tokenizerName + " (the tokenizer does not belong to this model?): " + msg, e);
            }
            throw new OnnxException("model " + model + " failed on a batch of " + padded.rows() + " x "
                    + padded.width() + " tokens" + (failureHint == null ? "" : " (" + failureHint + ")") + ": " + msg, e);
        } finally {
            feeds.values().forEach(OnnxTensor::close);
            sessions.release(session);
        }
    }

    /** Waits for running calls, then closes the sessions and the tokenizer, logging (not throwing) failures. */
    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            shutdown(helpers, sessions, tokenizer); // helpers are idle: every call has finished
        } finally {
            lock.writeLock().unlock();
        }
    }

    private static void shutdown(ExecutorService helpers, SessionPool sessions, TextTokenizer tokenizer) {
        if (helpers != null) {
            helpers.shutdownNow();
        }
        try {
            if (sessions != null) {
                sessions.close();
            }
        } finally {
            tokenizer.close();
        }
    }

    @Override
    public String toString() {
        return "OnnxModelRunner[" + name + ", " + model + ", " + sessions.size() + " session(s)]";
    }

    /** How to run a model; see {@link OnnxModelRunner#builder}. */
    public static final class Builder {
        private final String name;
        private final String model;
        private final TextTokenizer tokenizer;
        private final Supplier<OrtSession> sessionFactory;
        private String tokenizerName;
        private String failureHint;
        private long padId;
        private int sessions = 1;
        private boolean shared = true;
        private int parallelism = 1;
        private String threadPrefix = "neural-search-onnx";
        private Function<Map<String, NodeInfo>, String> outputSelector = outputs -> outputs.keySet().iterator().next();

        private Builder(String name, String model, TextTokenizer tokenizer, Supplier<OrtSession> sessionFactory) {
            this.name = Objects.requireNonNull(name, "name");
            this.model = Objects.requireNonNull(model, "model");
            this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
            this.sessionFactory = Objects.requireNonNull(sessionFactory, "sessionFactory");
        }

        /** Names the tokenizer in messages (default: its {@link TextTokenizer#name()}). */
        public Builder tokenizerName(String tokenizerName) {
            this.tokenizerName = tokenizerName;
            return this;
        }

        /** Appended to a failed run's message: what the user might check. */
        public Builder failureHint(String hint) {
            this.failureHint = hint;
            return this;
        }

        /** The id padding fills {@code input_ids} with (default 0; masked out either way). */
        public Builder padId(long padId) {
            this.padId = padId;
            return this;
        }

        /** {@code count} sessions, each run borrowing one of its own (default: one shared session). */
        public Builder pooledSessions(int count) {
            this.sessions = count;
            this.shared = false;
            return this;
        }

        /** One session that every run uses at once (the default). */
        public Builder sharedSession() {
            this.sessions = 1;
            this.shared = true;
            return this;
        }

        /** Batches {@link #runAll} runs at once: the calling thread and {@code calls - 1} helpers (default 1). */
        public Builder parallelism(int calls, String threadPrefix) {
            if (calls < 1) {
                throw new IllegalArgumentException("parallelism must be >= 1, was " + calls);
            }
            this.parallelism = calls;
            this.threadPrefix = Objects.requireNonNull(threadPrefix, "threadPrefix");
            return this;
        }

        /** Picks the output to read from the model's outputs, or throws {@link ModelMismatchException}. */
        public Builder output(Function<Map<String, NodeInfo>, String> selector) {
            this.outputSelector = Objects.requireNonNull(selector, "selector");
            return this;
        }

        /** Creates the sessions and discovers the inputs; on failure closes what it made and the tokenizer. */
        public OnnxModelRunner build() {
            return new OnnxModelRunner(this);
        }
    }
}
