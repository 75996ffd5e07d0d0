package dev.neuralsearch.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * The search engine in one object: an encoder, a vector index and optionally a reranker, behind a fluent
 * query API.
 *
 * <pre>{@code
 * try (NeuralSearch search = NeuralSearch.builder()
 *         .encoder(encoder)                 // a TextEncoder, e.g. BiEncoder.preset(...)
 *         .index(JVectorIndex.at(home))     // an IndexFactory, or an open VectorIndex
 *         .reranker(reranker)               // optional
 *         .build()) {
 *     search.add(documents);
 *     search.commit();
 *     List<Hit> hits = search.query("text").filter(Filter.eq("year", 2021)).limit(10).execute();
 * }
 * }</pre>
 *
 * <h2>Threads</h2>
 * Queries, {@link #add}, {@link #delete} and {@link #commit} may be called from many threads at once; writes
 * (add, delete, commit) are serialised among themselves, queries run concurrently with them.
 *
 * <h2>Closing</h2>
 * {@link #close()} refuses new operations at once ({@link IllegalStateException}), waits for the operations
 * already running to finish, then closes the components. So a query never runs on a closed ONNX session or
 * index. A bulk {@link #add} in progress stops at its next chunk boundary with an {@link IllegalStateException}
 * (the chunks already added stay added, uncommitted). {@code close()} does not commit.
 *
 * <h2>Ownership</h2>
 * By default the engine owns what it is given: closing it closes the encoder, the index and the reranker.
 * With {@link Builder#closeComponents(boolean) closeComponents(false)} it closes only an index it opened itself
 * through an {@link IndexFactory}; an encoder, reranker or {@link VectorIndex} passed in stay open for the
 * caller. Ownership passes at {@link Builder#build()}: if build fails, the components the engine would have
 * owned are closed too.
 */
public final class NeuralSearch implements AutoCloseable {

    /** Documents encoded and handed to the index per step of a bulk add. */
    public static final int DEFAULT_ADD_CHUNK = 1024;

    private final TextEncoder encoder;
    private final VectorIndex index;
    private final Reranker reranker;
    private final ProgressListener defaultProgress;
    private final int addChunk;
    private final boolean closeEncoderAndReranker;
    private final boolean closeIndex;

    /** Set while a progress listener runs (on whatever thread the encoder calls it from). */
    private static final ThreadLocal<Boolean> IN_CALLBACK = new ThreadLocal<>();

    /** Read side: every operation. Write side: close. */
    private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
    /** Serialises writers: the index allows one writer at a time. */
    private final ReentrantLock writer = new ReentrantLock();
    private volatile boolean closing;
    private boolean closed;

    private NeuralSearch(Builder b, VectorIndex index) {
        this.encoder = b.encoder;
        this.index = index;
        this.reranker = b.reranker;
        this.defaultProgress = b.progress;
        this.addChunk = b.addChunk;
        this.closeEncoderAndReranker = b.closeComponents;
        this.closeIndex = b.closeComponents || b.indexFactory != null;
    }

    public static Builder builder() {
        return new Builder();
    }

    // ---------------------------------------------------------------- queries

    /** Starts a query; set its knobs, then {@link Query#execute()} or {@link Query#run()}. */
    public Query query(String text) {
        ensureOpen();
        return new Query(this, text);
    }

    /** Starts a batch of queries sharing one set of knobs; the texts are encoded together. */
    public BatchQuery queries(List<String> texts) {
        ensureOpen();
        return new BatchQuery(this, texts);
    }

    /** The vector a query text is searched with (query prefix or instruction applied). */
    public float[] queryVector(String text) {
        checkQueryText(text, -1);
        return guarded(() -> encoder.encodeQuery(text));
    }

    /** The vector a passage text would be stored with (passage prefix applied). */
    public float[] passageVector(String text) {
        Objects.requireNonNull(text, "text");
        return guarded(() -> encoder.encodePassages(List.of(text)).get(0));
    }

    /** The stored vector of a document in the index. */
    public Optional<float[]> documentVector(String id) {
        return guarded(() -> index.vector(id));
    }

    /** A stored document by id. */
    public Optional<Document> get(String id) {
        return guarded(() -> index.get(id));
    }

    // ---------------------------------------------------------------- writes

    /**
     * Encodes and adds documents, replacing any with the same id (so this is also the update). Visible to
     * queries at once, durable after {@link #commit()}. Progress goes to the builder's listener.
     *
     * @return how many documents were added
     */
    public int add(List<Document> documents) {
        return add(documents, defaultProgress);
    }

    public int add(Document... documents) {
        return add(Arrays.asList(documents));
    }

    /**
     * As {@link #add(List)}, reporting progress (documents encoded so far, total) to {@code progress}: one call
     * at a time, possibly from the encoder's worker threads, with {@code done} rising and ending at the total.
     */
    public int add(List<Document> documents, ProgressListener progress) {
        Objects.requireNonNull(documents, "documents");
        Objects.requireNonNull(progress, "progress");
        Set<String> ids = new HashSet<>();
        for (Document d : documents) {
            Objects.requireNonNull(d, "documents contain null");
            if (!ids.add(d.id())) {
                throw new IllegalArgumentException("document id '" + d.id() + "' occurs twice in one add");
            }
        }
        Forward forward = new Forward(progress);
        return guarded(() -> {
            int total = documents.size();
            int done = 0;
            for (int from = 0; from < total; from += addChunk) {
                if (closing) {
                    throw new IllegalStateException("NeuralSearch closed during add: " + done + " of " + total
                            + " documents were added (uncommitted)");
                }
                List<Document> chunk = documents.subList(from, Math.min(total, from + addChunk));
                final long base = done;
                List<float[]> vectors = encoder.encodePassages(chunk.stream().map(Document::text).toList(),
                        (d, t) -> forward.report(base + d, total));
                writer.lock();
                try {
                    index.add(chunk, vectors);
                } finally {
                    writer.unlock();
                }
                done += chunk.size();
                forward.report(done, total);
            }
            return total;
        });
    }

    /**
     * Hands progress to a listener one call at a time and only forwards (encoders report from worker threads,
     * not necessarily in order), marking the thread so that a close() from inside the listener is refused
     * rather than deadlocked.
     */
    private static final class Forward {
        private final ProgressListener listener;
        private long high = -1;

        Forward(ProgressListener listener) {
            this.listener = listener;
        }

        synchronized void report(long done, long total) {
            if (done <= high) {
                return;
            }
            high = done;
            IN_CALLBACK.set(Boolean.TRUE);
            try {
                listener.onProgress(done, total);
            } finally {
                IN_CALLBACK.remove();
            }
        }
    }

    /** Deletes documents by id; returns how many existed. Visible at once, durable after {@link #commit()}. */
    public int delete(Collection<String> ids) {
        Objects.requireNonNull(ids, "ids");
        return guarded(() -> {
            writer.lock();
            try {
                return index.delete(ids);
            } finally {
                writer.unlock();
            }
        });
    }

    public int delete(String... ids) {
        return delete(Arrays.asList(ids));
    }

    /** Makes every add and delete so far durable. */
    public void commit() {
        guarded(() -> {
            writer.lock();
            try {
                index.commit();
            } finally {
                writer.unlock();
            }
            return null;
        });
    }

    // ---------------------------------------------------------------- information

    public IndexStats stats() {
        return guarded(index::stats);
    }

    public IndexSchema schema() {
        return index.schema();
    }

    public boolean hasReranker() {
        return reranker != null;
    }

    /** The encoder's model id (also recorded in the index schema). */
    public String modelId() {
        return encoder.modelId();
    }

    /** The reranker's id, if there is one. */
    public Optional<String> rerankerId() {
        return Optional.ofNullable(reranker).map(Reranker::id);
    }

    /** Whether the index has a lexical route, so queries may ask for {@code .lexical(depth)}. */
    public boolean supportsLexical() {
        return index.supportsLexical();
    }

    public boolean isClosed() {
        return closing;
    }

    // ---------------------------------------------------------------- the query pipeline

    List<SearchResult> run(List<String> texts, AbstractQuery.Plan plan) {
        return guarded(() -> {
            long start = System.nanoTime();
            List<float[]> vectors = plan.denseDepth() == 0 ? java.util.Collections.nCopies(texts.size(), null)
                    : texts.size() == 1
                    ? List.of(encoder.encodeQuery(texts.get(0)))
                    : encoder.encodeQueries(texts);
            long encodeShare = (System.nanoTime() - start) / texts.size();
            List<SearchResult> results = new ArrayList<>(texts.size());
            for (int q = 0; q < texts.size(); q++) {
                results.add(runOne(texts.get(q), vectors.get(q), plan, encodeShare));
            }
            return results;
        });
    }

    private SearchResult runOne(String text, float[] vector, AbstractQuery.Plan plan, long encodeNanos) {
        long t0 = System.nanoTime();
        List<ScoredDocument> dense = plan.denseDepth() == 0 ? List.of() : plan.exact()
                ? index.exactSearch(vector, plan.denseDepth(), plan.filter())
                : index.search(vector, plan.denseDepth(), plan.filter(), plan.options());
        List<ScoredDocument> lexical = plan.lexicalDepth() == 0 ? List.of()
                : index.lexicalSearch(text, plan.lexicalDepth(), plan.filter());
        List<ScoredDocument> recalled;
        List<Map<String, Integer>> routeRanks;
        if (plan.hybrid()) {
            List<RankFusion.Fused<ScoredDocument>> fused = plan.fusion().fuse(List.of(dense, lexical),
                    sd -> sd.document().id(), ScoredDocument::score);
            recalled = new ArrayList<>(fused.size());
            routeRanks = new ArrayList<>(fused.size());
            for (RankFusion.Fused<ScoredDocument> f : fused) {
                recalled.add(new ScoredDocument(f.item().document(), (float) f.score()));
                Map<String, Integer> ranks = new java.util.LinkedHashMap<>();
                if (f.ranks()[0] > 0) {
                    ranks.put(Route.DENSE.key(), f.ranks()[0]);
                }
                if (f.ranks()[1] > 0) {
                    ranks.put(Route.LEXICAL.key(), f.ranks()[1]);
                }
                routeRanks.add(ranks);
            }
        } else {
            recalled = plan.denseDepth() > 0 ? dense : lexical;
            String key = (plan.denseDepth() > 0 ? Route.DENSE : Route.LEXICAL).key();
            routeRanks = new ArrayList<>(recalled.size());
            for (int i = 0; i < recalled.size(); i++) {
                routeRanks.add(Map.of(key, i + 1));
            }
        }
        long t1 = System.nanoTime();
        int rerankDepth = Math.min(plan.rerank(), recalled.size());
        List<Hit> hits = new ArrayList<>(Math.min(plan.limit(), recalled.size()));
        if (rerankDepth > 0) {
            List<String> passages = new ArrayList<>(rerankDepth);
            for (int i = 0; i < rerankDepth; i++) {
                passages.add(recalled.get(i).document().text());
            }
            float[] scores = reranker.score(text, passages);
            if (scores.length != rerankDepth) {
                throw new IllegalStateException("reranker " + reranker.id() + " returned " + scores.length
                        + " scores for " + rerankDepth + " passages");
            }
            Integer[] order = new Integer[rerankDepth];
            for (int i = 0; i < rerankDepth; i++) {
                order[i] = i;
            }
            // Best rerank score first; ties keep recall order (the sort is stable).
            Arrays.sort(order, (a, b) -> Float.compare(scores[b], scores[a]));
            for (int r = 0; r < rerankDepth && hits.size() < plan.limit(); r++) {
                int i = order[r];
                hits.add(hit(recalled.get(i), i + 1, scores[i], r + 1, routeRanks.get(i)));
            }
        }
        long t2 = System.nanoTime();
        for (int i = rerankDepth; i < recalled.size() && hits.size() < plan.limit(); i++) {
            hits.add(hit(recalled.get(i), i + 1, null, null, routeRanks.get(i)));
        }
        long end = System.nanoTime();
        return new SearchResult(text, hits, recalled.size(), rerankDepth,
                new SearchTimings(encodeNanos, t1 - t0, rerankDepth > 0 ? t2 - t1 : 0, encodeNanos + end - t0));
    }

    private static Hit hit(ScoredDocument sd, int recallRank, Float rerankScore, Integer rerankRank,
                           Map<String, Integer> routeRanks) {
        Document d = sd.document();
        return new Hit(d.id(), d.text(), d.metadata(), sd.score(), recallRank, rerankScore, rerankRank, routeRanks);
    }

    /** @param position index in a batch, or -1 for a single query */
    static String checkQueryText(String text, int position) {
        String which = position < 0 ? "query" : "query " + position + " of the batch";
        if (text == null) {
            throw new IllegalArgumentException(which + " is null");
        }
        if (text.isBlank()) {
            throw new IllegalArgumentException(which + " is empty or blank");
        }
        return text;
    }

    // ---------------------------------------------------------------- lifecycle

    private void ensureOpen() {
        if (closing) {
            throw new IllegalStateException("NeuralSearch is closed");
        }
    }

    private <T> T guarded(Supplier<T> operation) {
        ensureOpen();
        lifecycle.readLock().lock();
        try {
            ensureOpen();
            return operation.get();
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    /**
     * Refuses new operations, waits for running ones, then closes the owned components (see the class
     * comment). Idempotent. Must not be called from inside an operation of this engine (a progress listener).
     */
    @Override
    public void close() {
        if (lifecycle.getReadHoldCount() > 0 || IN_CALLBACK.get() != null) {
            throw new IllegalStateException("close() called from inside an operation of this NeuralSearch"
                    + " (e.g. a progress listener); it would wait for itself");
        }
        closing = true;
        lifecycle.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            closeAll(closeEncoderAndReranker ? reranker : null, closeIndex ? index : null,
                    closeEncoderAndReranker ? encoder : null);
        } finally {
            lifecycle.writeLock().unlock();
        }
    }

    /** Closes each non-null resource; the first failure is thrown after all were tried. */
    static void closeAll(AutoCloseable... resources) {
        RuntimeException failure = null;
        for (AutoCloseable r : resources) {
            if (r == null) {
                continue;
            }
            try {
                r.close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = e instanceof RuntimeException re ? re : new IllegalStateException("close failed", e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    // ---------------------------------------------------------------- builder

    /** Configures a {@link NeuralSearch}; {@link #encoder} and one of the {@code index} methods are required. */
    public static final class Builder {
        private TextEncoder encoder;
        private IndexFactory indexFactory;
        private VectorIndex indexInstance;
        private Reranker reranker;
        private ProgressListener progress = ProgressListener.NONE;
        private int addChunk = DEFAULT_ADD_CHUNK;
        private boolean closeComponents = true;

        private Builder() {
        }

        /** The bi-encoder for queries and documents; its model id, dimension and similarity make the index schema. */
        public Builder encoder(TextEncoder encoder) {
            this.encoder = Objects.requireNonNull(encoder, "encoder");
            return this;
        }

        /** Opens (or creates) the index at build time with the encoder's schema; the engine always closes it. */
        public Builder index(IndexFactory factory) {
            this.indexFactory = Objects.requireNonNull(factory, "index factory");
            this.indexInstance = null;
            return this;
        }

        /** An index already open; its schema must match the encoder's model id and dimension. */
        public Builder index(VectorIndex index) {
            this.indexInstance = Objects.requireNonNull(index, "index");
            this.indexFactory = null;
            return this;
        }

        /** Optional second stage. When set, queries rerank by default (see {@link AbstractQuery}). */
        public Builder reranker(Reranker reranker) {
            this.reranker = reranker;
            return this;
        }

        /** Receives (documents encoded, total) during {@link NeuralSearch#add(List)}. */
        public Builder progress(ProgressListener progress) {
            this.progress = Objects.requireNonNull(progress, "progress");
            return this;
        }

        /** Documents encoded and added per step of a bulk add (default {@value NeuralSearch#DEFAULT_ADD_CHUNK}). */
        public Builder addChunk(int documents) {
            if (documents < 1) {
                throw new IllegalArgumentException("add chunk must be >= 1, was " + documents);
            }
            this.addChunk = documents;
            return this;
        }

        /**
         * Whether closing the engine closes the encoder, reranker and a passed-in {@link VectorIndex}
         * (default true). An index opened through an {@link IndexFactory} is always closed.
         */
        public Builder closeComponents(boolean close) {
            this.closeComponents = close;
            return this;
        }

        public NeuralSearch build() {
            try {
                if (encoder == null) {
                    throw new IllegalStateException("NeuralSearch.builder(): encoder(...) is required");
                }
                if (indexFactory == null && indexInstance == null) {
                    throw new IllegalStateException("NeuralSearch.builder(): index(...) is required");
                }
                VectorIndex index = indexInstance;
                if (index == null) {
                    IndexSchema schema = new IndexSchema(encoder.modelId(), encoder.dimension(), encoder.similarity());
                    index = Objects.requireNonNull(indexFactory.open(schema, encoder.language()),
                            "index factory returned null");
                } else {
                    checkSchema(index.schema());
                }
                return new NeuralSearch(this, index);
            } catch (RuntimeException e) {
                if (closeComponents) {
                    try {
                        closeAll(reranker, indexInstance, encoder);
                    } catch (RuntimeException suppressed) {
                        e.addSuppressed(suppressed);
                    }
                }
                throw e;
            }
        }

        private void checkSchema(IndexSchema schema) {
            if (schema.dimension() != encoder.dimension() || !schema.modelId().equals(encoder.modelId())) {
                throw new IllegalArgumentException("the index holds vectors of model " + schema.modelId() + " ("
                        + schema.dimension() + " dimensions) but the encoder is " + encoder.modelId() + " ("
                        + encoder.dimension() + " dimensions)");
            }
        }
    }
}
