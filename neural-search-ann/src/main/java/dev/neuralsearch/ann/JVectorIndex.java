package dev.neuralsearch.ann;

import dev.neuralsearch.ann.commit.CommitPoint;
import dev.neuralsearch.ann.lexical.LexicalRoute;
import dev.neuralsearch.ann.read.CommitReader;
import dev.neuralsearch.ann.read.SnapshotManager;
import dev.neuralsearch.ann.read.SnapshotSearcher;
import dev.neuralsearch.ann.store.ChronicleDocumentStore;
import dev.neuralsearch.ann.store.DocumentStore;
import dev.neuralsearch.ann.store.DocumentStores;
import dev.neuralsearch.ann.store.SegmentFilesDocumentStore;
import dev.neuralsearch.ann.write.IndexOpener;
import dev.neuralsearch.ann.write.IndexWriter;
import dev.neuralsearch.core.Document;
import dev.neuralsearch.core.Filter;
import dev.neuralsearch.core.IndexFactory;
import dev.neuralsearch.core.IndexSchema;
import dev.neuralsearch.core.IndexStats;
import dev.neuralsearch.core.ScoredDocument;
import dev.neuralsearch.core.ScoredId;
import dev.neuralsearch.core.SearchOptions;
import dev.neuralsearch.core.VectorIndex;
import io.github.jbellis.jvector.vector.types.VectorFloat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;

/**
 * A disk-backed, crash-safe {@link VectorIndex} on JVector graphs.
 *
 * <p>An index home holds {@code manifest.json} (the commit point), immutable segments ({@code seg-N.graph},
 * {@code .vec}, {@code .pq}, {@code .docs}), tombstone files, the document store {@code store/}, the lexical index
 * {@code lexical/} and {@code write.lock}; see docs/index.md, "Files of an index home".
 *
 * <p>Threading: any number of threads may search, get and read stats while one thread at a time writes (writes
 * are serialised by an internal lock; searches take no lock and see a consistent snapshot).
 *
 * <p>One writer, many readers: {@link #open} takes the home's write lock (one writing instance across processes);
 * {@link #openReadOnly} opens the latest commit without the lock and without writing anything, from any number of
 * processes while the writer works, and {@link #refresh()} moves such a reader to a newer commit (see docs/index.md,
 * "Readers in other processes").
 *
 * <p>This class is the facade of the module: opening ({@code write.IndexOpener}, {@code read.CommitReader}), writing
 * ({@code write.IndexWriter}), searching ({@code read.SnapshotSearcher}) and the lexical route ({@code lexical}) live
 * in the internal packages; see docs/index.md, "Packages".
 */
public final class JVectorIndex implements VectorIndex {
    static {
        System.setProperty("chronicle.analytics.disable", "true");
        System.setProperty("chronicle.announcer.disable", "true");
    }

    private final Path home;
    private final IndexSchema schema;
    private final JVectorIndexOptions options;
    /** Serialises writes (and a reader's publication of a refreshed commit). */
    private final ReentrantLock writeLock = new ReentrantLock();
    private final SnapshotManager snapshots;
    private final SnapshotSearcher searcher;
    private final LexicalRoute lexical;
    private final CommitPoint commit;
    /** The document store; a read-only instance keeps none and hydrates from the segment doc files. */
    private final DocumentStore store;
    /** The writer; null in a read-only instance. */
    private final IndexWriter writer;
    /** Opened by {@link #openReadOnly}: no lock, no store, no writes; {@link #refresh()} moves it on. Else null. */
    private final CommitReader reader;

    /** Wraps a writer ({@code reader} null) or a read-only reader ({@code writer} null). */
    private JVectorIndex(Path home, JVectorIndexOptions options, IndexWriter writer, CommitReader reader) {
        this.home = home;
        this.options = options;
        this.writer = writer;
        this.reader = reader;
        this.schema = writer != null ? writer.schema() : reader.schema();
        this.snapshots = writer != null ? writer.snapshots() : reader.snapshots();
        this.lexical = writer != null ? writer.lexical() : reader.lexical();
        this.commit = writer != null ? writer.commitPoint() : reader.commit();
        this.store = writer != null ? writer.store() : new SegmentFilesDocumentStore();
        this.searcher = new SnapshotSearcher(home, schema, options, snapshots, store, commit);
    }

    // ------------------------------------------------------------------------------------------------ opening

    /** Opens or creates the index at {@code home} with default options. */
    public static JVectorIndex open(Path home, IndexSchema schema) {
        return open(home, schema, JVectorIndexOptions.DEFAULT);
    }

    /**
     * Opens or creates the index at {@code home}.
     *
     * @throws IncompatibleIndexException the home was made for another model id, dimension or similarity
     * @throws IndexLockedException another process or open index holds the home
     * @throws CorruptIndexException a file is missing, truncated or fails its checksum
     */
    public static JVectorIndex open(Path home, IndexSchema schema, JVectorIndexOptions options) {
        return open(home, schema, options, LexicalAnalyzer.STANDARD);
    }

    /**
     * As {@link #open(Path, IndexSchema, JVectorIndexOptions)}; {@code newHomeAnalyzer} is the lexical analyzer a new
     * home gets when the options name none (an existing home keeps its recorded one).
     */
    static JVectorIndex open(Path home, IndexSchema schema, JVectorIndexOptions options,
                             LexicalAnalyzer newHomeAnalyzer) {
        Objects.requireNonNull(home, "home");
        Objects.requireNonNull(schema, "schema");
        Objects.requireNonNull(options, "options");
        Path dir = home.toAbsolutePath().normalize();
        return new JVectorIndex(dir, options, IndexOpener.open(dir, schema, options, newHomeAnalyzer), null);
    }

    /** Opens the latest commit of the index at {@code home} for searching only; see {@link #openReadOnly(Path, IndexSchema, JVectorIndexOptions)}. */
    public static JVectorIndex openReadOnly(Path home) {
        return openReadOnly(home, null, JVectorIndexOptions.DEFAULT);
    }

    /**
     * Opens the latest commit of an existing index home for searching only, like Lucene's {@code DirectoryReader}:
     * it takes no lock and writes nothing, so any number of readers in any number of processes can search a home
     * while one writer ({@link #open}) adds and commits. It never sees uncommitted or half-written work;
     * {@link #refresh()} moves it to the writer's newest commit. Documents are read from the segment doc files (the
     * document store belongs to the writer). Writes throw {@link UnsupportedOperationException}.
     *
     * @param expected the schema the home must have, or null to take the home's own
     * @throws IncompatibleIndexException the home was made for another schema or (when {@code options} name one)
     *                                    another lexical analyzer, or predates the lexical route and has to be opened
     *                                    for writing once (which upgrades it)
     * @throws CorruptIndexException a file is missing, truncated or fails its checksum
     */
    public static JVectorIndex openReadOnly(Path home, IndexSchema expected, JVectorIndexOptions options) {
        Objects.requireNonNull(home, "home");
        Objects.requireNonNull(options, "options");
        Path dir = home.toAbsolutePath().normalize();
        return new JVectorIndex(dir, options, null, CommitReader.open(dir, expected, options));
    }

    /** Whether this instance was opened read-only ({@link #openReadOnly}). */
    public boolean readOnly() {
        return reader != null;
    }

    /**
     * A read-only instance moves to the newest commit of its home, if there is a newer one than it sees, and returns
     * whether it moved; the segments both commits share are kept open, so a refresh costs about what the new
     * segments cost to open. Searches running meanwhile finish on the commit they started on. A writer always sees
     * its own changes: returns false.
     */
    public boolean refresh() {
        if (reader == null) {
            return false;
        }
        return snapshots.read(() -> reader.refresh(writeLock)); // close() waits for a refresh as for a search
    }

    private void ensureWritable() {
        if (reader != null) {
            throw new UnsupportedOperationException("index " + home + " is open read-only: open it with "
                    + "JVectorIndex.open to write (one writer per home)");
        }
    }

    /** An {@link IndexFactory} for the search builder: {@code .index(JVectorIndex.at(home))}. */
    public static Factory at(Path home) {
        return new Factory(home, JVectorIndexOptions.DEFAULT, false);
    }

    /** Fluent options, then {@link #open(IndexSchema)} with the encoder's schema. */
    public static final class Factory extends IndexFactoryOptions<Factory> {
        private Factory(Path home, JVectorIndexOptions options, boolean readOnly) {
            super(home, options, readOnly);
        }

        @Override
        Factory with(JVectorIndexOptions o) {
            return new Factory(home(), o, readOnly);
        }

        /**
         * Opens the home read-only ({@link JVectorIndex#openReadOnly}): the home must exist and have the encoder's
         * schema; the engine searches its latest commit and {@link JVectorIndex#refresh()} moves it on.
         */
        public Factory readOnly() {
            return new Factory(home(), options(), true);
        }

        @Override
        public JVectorIndex open(IndexSchema schema) {
            return readOnly ? JVectorIndex.openReadOnly(home(), schema, options())
                    : JVectorIndex.open(home(), schema, options());
        }

        /**
         * As {@link #open(IndexSchema)}; a new home whose analyzer was not set gets the one for {@code language}
         * ({@link LexicalAnalyzer#forLanguage}). {@code NeuralSearch.builder()} calls this with the encoder's language.
         */
        @Override
        public JVectorIndex open(IndexSchema schema, String language) {
            return readOnly ? JVectorIndex.openReadOnly(home(), schema, options())
                    : JVectorIndex.open(home(), schema, options(), LexicalAnalyzer.forLanguage(language));
        }
    }

    /** The analyzer of the lexical route. */
    public LexicalAnalyzer lexicalAnalyzer() {
        return lexical.get().analyzer();
    }

    // ------------------------------------------------------------------------------------------------ writing

    @Override
    public IndexSchema schema() {
        return schema;
    }

    public Path home() {
        return home;
    }

    public JVectorIndexOptions options() {
        return options;
    }

    @Override
    public void add(List<Document> documents, List<float[]> vectors) {
        ensureWritable();
        List<VectorFloat<?>> converted = IndexWriter.checkAdd(schema, documents, vectors);
        write(() -> writer.add(documents, converted));
    }

    /** Adds or replaces one document. */
    public void add(Document document, float[] vector) {
        add(List.of(document), List.<float[]>of(vector));
    }

    @Override
    public int delete(Collection<String> ids) {
        ensureWritable();
        IndexWriter.checkDelete(ids);
        return locked(() -> {
            snapshots.ensureOpen();
            return writer.delete(ids);
        });
    }

    @Override
    public void commit() {
        commit(null);
    }

    /**
     * Commits, recording {@code userData} (small string pairs, e.g. an ingest checkpoint) in the manifest;
     * null keeps the previous user data.
     */
    public void commit(Map<String, String> userData) {
        ensureWritable();
        write(() -> writer.commit(userData));
    }

    /** Commits pending changes, then merges all segments into one, dropping deleted entries. */
    public void compact() {
        ensureWritable();
        write(writer::compact);
    }

    /** Runs a write under the write lock on an open index. */
    private void write(Runnable body) {
        locked(() -> {
            snapshots.ensureOpen();
            body.run();
            return null;
        });
    }

    private <T> T locked(java.util.function.Supplier<T> body) {
        writeLock.lock();
        try {
            return body.get();
        } finally {
            writeLock.unlock();
        }
    }

    /** The user data of the last commit. */
    public Map<String, String> userData() {
        return locked(() -> commit.manifest().userData());
    }

    /** The generation of the last commit (0 for a new index). */
    public long generation() {
        return locked(() -> commit.manifest().generation());
    }

    // ------------------------------------------------------------------------------------------------ reading

    @Override
    public List<ScoredDocument> search(float[] query, int k, Filter filter, SearchOptions searchOptions) {
        return snapshots.read(() -> searcher.search(query, k, filter, searchOptions));
    }

    /** {@link #search} without reading the hits' documents from the store (ids from the segments' id tables). */
    @Override
    public List<ScoredId> searchIds(float[] query, int k, Filter filter, SearchOptions searchOptions) {
        return snapshots.read(() -> searcher.searchIds(query, k, filter, searchOptions));
    }

    @Override
    public List<ScoredDocument> exactSearch(float[] query, int k, Filter filter) {
        return snapshots.read(() -> searcher.exactSearch(query, k, filter));
    }

    @Override
    public boolean supportsLexical() {
        return true;
    }

    /**
     * BM25 top-k of {@code query} among live documents matching {@code filter}: any filter {@link #search} takes,
     * with the same matches (it runs inside the Lucene search where the indexed metadata answer it, and is checked on
     * each hit's stored metadata otherwise), so k hits come back when k documents match. Sees uncommitted adds and
     * deletes, like {@link #search}.
     */
    @Override
    public List<ScoredDocument> lexicalSearch(String query, int k, Filter filter) {
        Objects.requireNonNull(query, "query");
        if (k < 0) {
            throw new IllegalArgumentException("k must be >= 0, was " + k);
        }
        return snapshots.read(() -> lexical.get().search(query, k, filter == null ? Filter.ALL : filter,
                searcher::get));
    }

    /** Ids the lexical route holds (uncommitted changes included); for consistency checks. */
    Set<String> lexicalIds() {
        return snapshots.read(() -> {
            try {
                return lexical.get().ids();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** Ids the vector route holds (uncommitted changes included); under the write lock, so no update is half done. */
    Set<String> denseIds() {
        return locked(searcher::denseIds);
    }

    /**
     * Visits the live documents in the segments of the current snapshot with a copy of each vector, in a stable
     * order (segments as the manifest lists them, ordinals ascending), skipping the first {@code skip} of them
     * without reading them. Documents still in the write buffer are not visited: on a read-only index (nothing
     * buffered) this is exactly the last commit, and a position ({@code skip} + visited) stays valid for as long as
     * the commit ({@link #generation()}) is the same, which is what a resumable export needs. Returns how many were
     * visited.
     */
    public long forEachLive(long skip, BiConsumer<Document, float[]> action) {
        return snapshots.read(() -> searcher.forEachLive(skip, action));
    }

    @Override
    public Optional<Document> get(String id) {
        return snapshots.read(() -> searcher.get(id));
    }

    @Override
    public Optional<float[]> vector(String id) {
        return snapshots.read(() -> searcher.vector(id));
    }

    /**
     * Counts of one snapshot, without locks: while an update is being applied, its document may be counted twice
     * for an instant (the new copy is appended before the old one is tombstoned).
     */
    @Override
    public IndexStats stats() {
        return snapshots.read(searcher::stats);
    }

    /** Heap bytes held by copies of segment vectors ({@code heapVectorBytes}; for tests and monitoring). */
    long heapVectorBytesInUse() {
        return searcher.heapVectorBytesInUse();
    }

    /** The document store this index uses ({@link DocumentStoreKind#AUTO} resolved). */
    public DocumentStoreKind documentStoreKind() {
        return DocumentStores.kindOf(store);
    }

    /** Number of maps the document store has rolled over to (for tests and monitoring). */
    int storeMapCount() {
        return store instanceof ChronicleDocumentStore c ? c.mapCount() : 1;
    }

    /**
     * Closes the index. Uncommitted changes are discarded (call {@link #commit()} first to keep them). Waits for a
     * write and for the searches in flight to finish; searches started from here on get an
     * {@link IllegalStateException}.
     */
    @Override
    public void close() {
        writeLock.lock();
        try {
            if (snapshots.closed()) {
                return;
            }
            snapshots.close(writer != null ? writer::closeResources : reader::closeResources);
        } finally {
            writeLock.unlock();
        }
    }
}
