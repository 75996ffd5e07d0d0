package dev.neuralsearch.core;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A {@link VectorIndex} held on the heap and searched exhaustively: every search, approximate or not, scores
 * every live document, so {@link #search} and {@link #exactSearch} return the same, exact top-k. It keeps
 * nothing on disk: {@link #commit()} only marks the changes so far as committed, and closing it drops
 * everything.
 *
 * <p>It is the reference the on-disk index is measured against (recall oracle), and the default index of the
 * test fixtures ({@code neural-search-test}): a fresh one costs nothing and leaves no files.
 *
 * <ul>
 *   <li>Scores are those of the on-disk index: the cosine for {@link Similarity#COSINE}, the inner product
 *       for {@link Similarity#DOT_PRODUCT}, {@code 1 / (1 + squared distance)} for
 *       {@link Similarity#EUCLIDEAN}. Equal scores rank by id.</li>
 *   <li>Input is checked the way the on-disk index checks it, with the same {@link IllegalArgumentException}s:
 *       a batch with one bad document or vector changes nothing.</li>
 *   <li>Thread-safe: searches share a read lock, writes take the write lock, so a search sees an update
 *       either wholly or not at all.</li>
 *   <li>The lexical route ({@link #lexicalSearch}) is a plain BM25 ({@code k1} 1.2, {@code b} 0.75) over
 *       lower-cased runs of letters and digits, with no stemming and no stop words. It ranks term matches, as
 *       the on-disk index's Lucene route does, but its scores and some orders differ from that route's
 *       (which stems English, for one); host tests that pin exact lexical scores should use the on-disk
 *       index.</li>
 *   <li>Cost: a search is linear in the number of documents. Meant for tests and small collections (up to
 *       some tens of thousands of documents).</li>
 * </ul>
 */
public final class InMemoryVectorIndex implements VectorIndex {

    private final IndexSchema schema;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    /** Live documents by id, in first-insertion order. Guarded by {@link #lock}. */
    private final Map<String, Entry> entries = new LinkedHashMap<>();
    /** Ids added or replaced since the last commit. Guarded by {@link #lock}. */
    private final Set<String> uncommitted = new HashSet<>();
    private final LexicalScorer lexical = new LexicalScorer();
    private volatile boolean closed;

    private record Entry(Document document, float[] vector, LexicalScorer.Terms terms) {
    }

    public InMemoryVectorIndex(IndexSchema schema) {
        this.schema = Objects.requireNonNull(schema, "schema");
    }

    /** An {@link IndexFactory} for the search builder: {@code .index(InMemoryVectorIndex.factory())}. */
    public static IndexFactory factory() {
        return InMemoryVectorIndex::new;
    }

    @Override
    public IndexSchema schema() {
        return schema;
    }

    @Override
    public void add(List<Document> documents, List<float[]> vectors) {
        // everything is checked and copied before the first change, so a bad batch changes nothing
        Document.checkBatch(documents, vectors);
        List<Entry> checked = new ArrayList<>(documents.size());
        for (int i = 0; i < documents.size(); i++) {
            Document d = documents.get(i);
            float[] v = checkVector(vectors.get(i), "vector of document '" + d.id() + "'").clone();
            checked.add(new Entry(d, v, LexicalScorer.terms(d.text())));
        }
        lock.writeLock().lock();
        try {
            ensureOpen();
            for (Entry e : checked) {
                entries.put(e.document().id(), e);
                uncommitted.add(e.document().id());
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Adds or replaces one document. */
    public void add(Document document, float[] vector) {
        add(List.of(document), List.<float[]>of(vector));
    }

    @Override
    public int delete(Collection<String> ids) {
        Objects.requireNonNull(ids, "ids");
        for (String id : ids) {
            if (id == null) {
                throw new IllegalArgumentException("null id in delete()");
            }
        }
        lock.writeLock().lock();
        try {
            ensureOpen();
            int n = 0;
            for (String id : ids) {
                if (entries.remove(id) != null) {
                    uncommitted.remove(id);
                    n++;
                }
            }
            return n;
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Marks the changes so far as committed (for {@link IndexStats#uncommitted()}); nothing is written. */
    @Override
    public void commit() {
        lock.writeLock().lock();
        try {
            ensureOpen();
            uncommitted.clear();
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** The exact top-k, as {@link #exactSearch}; {@code options} has nothing to tune here. */
    @Override
    public List<ScoredDocument> search(float[] query, int k, Filter filter, SearchOptions options) {
        return exactSearch(query, k, filter);
    }

    @Override
    public List<ScoredDocument> exactSearch(float[] query, int k, Filter filter) {
        if (k < 0) {
            throw new IllegalArgumentException("k must be >= 0, was " + k);
        }
        float[] q = checkVector(query, "query vector");
        Filter f = filter == null ? Filter.ALL : filter;
        lock.readLock().lock();
        try {
            ensureOpen();
            TopK top = new TopK(k);
            for (Entry e : entries.values()) {
                if (k > 0 && (f.matchesAll() || f.matches(e.document().metadata()))) {
                    top.offer(e.document(), score(q, e.vector()));
                }
            }
            return top.best();
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public boolean supportsLexical() {
        return true;
    }

    /** BM25 top-k among documents matching {@code filter}; see the class comment for how it differs from Lucene's. */
    @Override
    public List<ScoredDocument> lexicalSearch(String query, int k, Filter filter) {
        Objects.requireNonNull(query, "query");
        if (k < 0) {
            throw new IllegalArgumentException("k must be >= 0, was " + k);
        }
        Filter f = filter == null ? Filter.ALL : filter;
        lock.readLock().lock();
        try {
            ensureOpen();
            if (k == 0) {
                return List.of();
            }
            List<LexicalScorer.Terms> all = new ArrayList<>(entries.size());
            for (Entry e : entries.values()) {
                all.add(e.terms());
            }
            LexicalScorer.Query scored = lexical.prepare(query, all);
            TopK top = new TopK(k);
            for (Entry e : entries.values()) {
                if (f.matchesAll() || f.matches(e.document().metadata())) {
                    float s = scored.score(e.terms());
                    if (s > 0) {
                        top.offer(e.document(), s);
                    }
                }
            }
            return top.best();
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public Optional<Document> get(String id) {
        lock.readLock().lock();
        try {
            ensureOpen();
            Entry e = id == null ? null : entries.get(id);
            return e == null ? Optional.empty() : Optional.of(e.document());
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public Optional<float[]> vector(String id) {
        lock.readLock().lock();
        try {
            ensureOpen();
            Entry e = id == null ? null : entries.get(id);
            return e == null ? Optional.empty() : Optional.of(e.vector().clone());
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Documents and uncommitted changes; segments, tombstones and bytes on disk are always 0. */
    @Override
    public IndexStats stats() {
        lock.readLock().lock();
        try {
            ensureOpen();
            return new IndexStats(entries.size(), 0, 0, 0, uncommitted.size());
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Drops every document; later calls throw {@link IllegalStateException}. Idempotent. */
    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            closed = true;
            entries.clear();
            uncommitted.clear();
        } finally {
            lock.writeLock().unlock();
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("in-memory index (" + schema.modelId() + ") is closed");
        }
    }

    private float[] checkVector(float[] v, String what) {
        return schema.checkVector(v, what);
    }

    private float score(float[] q, float[] v) {
        return schema.similarity().score(q, v);
    }

    /** The k best by score, ties by id; a bounded heap, so a huge k costs no more than the documents there are. */
    private static final class TopK {
        private static final Comparator<ScoredDocument> WORST_FIRST = Comparator
                .comparingDouble(ScoredDocument::score)
                .thenComparing(sd -> sd.document().id(), Comparator.reverseOrder());
        private final int k;
        private final PriorityQueue<ScoredDocument> heap = new PriorityQueue<>(WORST_FIRST);

        TopK(int k) {
            this.k = k;
        }

        void offer(Document d, float score) {
            ScoredDocument sd = new ScoredDocument(d, score);
            if (heap.size() < k) {
                heap.add(sd);
            } else if (k > 0 && WORST_FIRST.compare(sd, heap.peek()) > 0) {
                heap.poll();
                heap.add(sd);
            }
        }

        List<ScoredDocument> best() {
            List<ScoredDocument> out = new ArrayList<>(heap);
            out.sort(WORST_FIRST.reversed());
            return out;
        }
    }
}
