package dev.neuralsearch.ann;

import dev.neuralsearch.ann.commit.FileDeleter;
import dev.neuralsearch.ann.commit.HomeLock;
import dev.neuralsearch.ann.commit.Manifest;
import dev.neuralsearch.ann.format.FileUtil;
import dev.neuralsearch.ann.format.TombstoneFile;
import dev.neuralsearch.ann.format.VectorFile;
import dev.neuralsearch.ann.lexical.LexicalIndex;
import dev.neuralsearch.ann.read.Candidates;
import dev.neuralsearch.ann.read.SearchGate;
import dev.neuralsearch.ann.read.Segment;
import dev.neuralsearch.ann.read.Snapshot;
import dev.neuralsearch.ann.store.ChronicleDocumentStore;
import dev.neuralsearch.ann.store.DocumentStore;
import dev.neuralsearch.ann.store.DocumentStores;
import dev.neuralsearch.ann.store.SegmentFilesDocumentStore;
import dev.neuralsearch.ann.write.SegmentWriter;
import dev.neuralsearch.ann.write.WriteBuffer;
import dev.neuralsearch.core.Document;
import dev.neuralsearch.core.Filter;
import dev.neuralsearch.core.IndexFactory;
import dev.neuralsearch.core.IndexSchema;
import dev.neuralsearch.core.IndexStats;
import dev.neuralsearch.core.ScoredDocument;
import dev.neuralsearch.core.SearchOptions;
import dev.neuralsearch.core.Similarity;
import dev.neuralsearch.core.VectorIndex;
import io.github.jbellis.jvector.vector.VectorSimilarityFunction;
import io.github.jbellis.jvector.vector.VectorizationProvider;
import io.github.jbellis.jvector.vector.types.VectorFloat;
import io.github.jbellis.jvector.vector.types.VectorTypeSupport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

/**
 * A disk-backed, crash-safe {@link VectorIndex} on JVector graphs.
 *
 * <p>Layout of an index home: {@code manifest.json} (the commit point, with CRC32s of every file it references),
 * immutable segments {@code seg-N.graph} (JVector on-disk graph: adjacency only, with the full vectors
 * little-endian in {@code seg-N.vec}, mapped and read by {@link VectorFile}; segments of at least
 * {@link JVectorIndexOptions#pqThreshold()} vectors also get PQ codes in {@code seg-N.pq}, loaded into memory, or,
 * in the older {@link PqLayout#FUSED} layout, a graph with inline vectors plus FusedPQ codes and no vector file),
 * {@code seg-N.docs} (ids, metadata, text), per-segment tombstone files {@code seg-N-gG.del}, the document store
 * {@code store/} (Chronicle Map, when {@link DocumentStoreKind} picks it) and {@code write.lock}. Segments written by
 * earlier versions (graphs with inline or separated vectors) are read as they are and rewritten in the current layout
 * by a compaction.
 *
 * <p>Threading: any number of threads may search, get and read stats while one thread at a time writes (writes
 * are serialised by an internal lock; searches take no lock and see a consistent snapshot).
 *
 * <p>One writer, many readers: {@link #open} takes the home's write lock (one writing instance across processes);
 * {@link #openReadOnly} opens the latest commit without the lock and without writing anything, from any number of
 * processes while the writer works, and {@link #refresh()} moves such a reader to a newer commit (see docs/index.md,
 * "Readers in other processes").
 */
public final class JVectorIndex implements VectorIndex {
    static {
        System.setProperty("chronicle.analytics.disable", "true");
        System.setProperty("chronicle.announcer.disable", "true");
    }

    private static final VectorTypeSupport VTS = VectorizationProvider.getInstance().getVectorTypeSupport();
    static final String LOCK_FILE = HomeLock.FILE_NAME;
    private static final String STORE_DIR = DocumentStores.DIR;
    private static final String OPEN_MARKER = DocumentStores.OPEN_MARKER;

    /** How many times a reader re-reads the manifest when a commit's files vanished under it (a writer moved on). */
    private static final int READER_ATTEMPTS = 20;

    private final Path home;
    /** Opened by {@link #openReadOnly}: no lock, no document store of its own, no writes; {@link #refresh()} moves it on. */
    private final boolean readOnly;
    private final Object refreshLock = new Object();
    private final IndexSchema schema;
    private final JVectorIndexOptions options;
    private final VectorSimilarityFunction vsf;
    /** The home's write lock; null in a read-only instance. */
    private final HomeLock homeLock;
    /** The document store; a read-only instance keeps none and hydrates from the segment doc files. */
    private final DocumentStore store;
    /** Replaced (under {@link #gate}, by the writer) when its Lucene writer failed; see {@link #ensureLexical}. */
    private volatile LexicalIndex lexical;
    private final ForkJoinPool pool;
    private final ReentrantLock writeLock = new ReentrantLock();
    /** Reads enter it; {@link #close} waits for those in flight (see {@link SearchGate}). */
    private final SearchGate gate = new SearchGate();
    /**
     * Counts replacements: an update appends the new copy where only the newest snapshot sees it (the write
     * buffer), then tombstones the old copy in place (segments and buffer entries are shared by snapshots). A reader
     * whose lookup found no live copy retries when this moved meanwhile (see {@link #resolve}).
     */
    private volatile long replacements;
    private volatile Snapshot state;
    private Manifest manifest;
    private volatile boolean closed;
    private int pendingDeletes;
    /** Next segment id; ids are never reused within a process (leftovers of failed writes are not overwritten). */
    private int nextSegmentId;
    /** Segment ids referenced by the last committed manifest. */
    private volatile Set<Integer> committedIds = new HashSet<>();
    /** Deletes the files no commit needs; those of merged-away segments wait for the searches that read them. */
    private final FileDeleter deleter;

    private JVectorIndex(Path home, IndexSchema schema, JVectorIndexOptions options, HomeLock homeLock,
                         Manifest manifest, List<Segment> segments, DocumentStore store,
                         LexicalIndex lexical, boolean readOnly) {
        this.home = home;
        this.deleter = new FileDeleter(home);
        this.readOnly = readOnly;
        this.schema = schema;
        this.options = options;
        this.vsf = toJVector(schema.similarity());
        this.homeLock = homeLock;
        this.manifest = manifest;
        this.store = store;
        this.lexical = lexical;
        this.pool = new ForkJoinPool(options.effectiveBuildThreads());
        this.state = new Snapshot(segments, new WriteBuffer());
        this.nextSegmentId = manifest.nextSegmentId();
        for (Manifest.SegmentEntry e : manifest.segments()) {
            committedIds.add(e.id());
        }
        for (Segment s : segments) {
            s.release(); // the state now holds them
        }
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
        home = home.toAbsolutePath().normalize();
        HomeLock lock = null;
        List<Segment> segments = new ArrayList<>();
        DocumentStore store = null;
        LexicalIndex lexical = null;
        try {
            Files.createDirectories(home);
            lock = HomeLock.acquire(home);
            Manifest m;
            if (Manifest.exists(home)) {
                m = Manifest.read(home);
                checkSchema(home, m, schema);
            } else {
                try (Stream<Path> files = Files.list(home)) {
                    Optional<Path> orphan = files.filter(p -> p.getFileName().toString().endsWith(".graph")).findAny();
                    if (orphan.isPresent()) {
                        throw new CorruptIndexException(home.resolve(Manifest.FILE_NAME),
                                "manifest is missing but segment files exist (e.g. " + orphan.get().getFileName()
                                        + "); refusing to create an empty index over them");
                    }
                }
                m = Manifest.empty(schema);
                m.write(home);
            }
            openSegments(home, m, options, null, segments);
            store = openStore(home, m, segments, options);
            LexicalAnalyzer analyzer = checkAnalyzer(home, m, options.lexical().analyzer(), newHomeAnalyzer);
            lexical = LexicalIndex.open(home, m.lexical(), analyzer, options.lexical(), options.verifyChecksums());
            JVectorIndex index = new JVectorIndex(home, schema, options, lock, m, segments, store, lexical, false);
            lexical = null; // owned by the index now
            index.dropDuplicateIds();
            index.deleteUnreferencedFiles();
            if (m.lexical() == null && !m.segments().isEmpty()) {
                try {
                    index.backfillLexical();
                } catch (RuntimeException e) {
                    index.close();
                    throw e;
                }
            }
            return index;
        } catch (IOException | RuntimeException e) {
            for (Segment s : segments) {
                s.release();
            }
            if (store != null) {
                store.close();
            }
            if (lexical != null) {
                lexical.close();
            }
            if (lock != null) {
                lock.close();
            }
            if (e instanceof IOException io) {
                throw new UncheckedIOException("cannot open index at " + home + ": " + io.getMessage(), io);
            }
            throw (RuntimeException) e;
        }
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
     * @throws IncompatibleIndexException the home was made for another schema, or predates the lexical route and has
     *                                    to be opened for writing once (which upgrades it)
     * @throws CorruptIndexException a file is missing, truncated or fails its checksum
     */
    public static JVectorIndex openReadOnly(Path home, IndexSchema expected, JVectorIndexOptions options) {
        Objects.requireNonNull(home, "home");
        Objects.requireNonNull(options, "options");
        Path dir = home.toAbsolutePath().normalize();
        if (!Manifest.exists(dir)) {
            throw new IllegalArgumentException("no index at " + dir + " (no " + Manifest.FILE_NAME
                    + "): a read-only reader opens a home that a writer has created");
        }
        CorruptIndexException last = null;
        for (int attempt = 0; attempt < READER_ATTEMPTS; attempt++) {
            Manifest m = Manifest.read(dir);
            if (expected != null) {
                checkSchema(dir, m, expected);
            }
            if (m.lexical() == null && !m.segments().isEmpty()) {
                throw new IncompatibleIndexException("index home " + dir + " predates the lexical route; open it "
                        + "once for writing (JVectorIndex.open), which upgrades it, before opening it read-only");
            }
            List<Segment> segments = new ArrayList<>();
            LexicalIndex lexical = null;
            try {
                openSegments(dir, m, options, null, segments);
                lexical = LexicalIndex.openReadOnly(dir, m.lexical(), checkAnalyzer(dir, m, null,
                        LexicalAnalyzer.STANDARD), options.lexical());
                return new JVectorIndex(dir, m.schema(), options, null, m, segments, new SegmentFilesDocumentStore(), lexical,
                        true);
            } catch (CorruptIndexException | IOException e) {
                segments.forEach(Segment::release);
                if (lexical != null) {
                    lexical.close();
                }
                if (!manifestMoved(dir, m)) {
                    throw e instanceof CorruptIndexException c ? c : new CorruptIndexException(dir,
                            "cannot open the lexical index: " + e.getMessage(), e);
                }
                last = e instanceof CorruptIndexException c ? c : new CorruptIndexException(dir, e.getMessage(), e);
            }
        }
        throw last;
    }

    /** Whether the home's commit point is no longer {@code m}: a writer committed since it was read. */
    private static boolean manifestMoved(Path home, Manifest m) {
        try {
            return Manifest.read(home).generation() != m.generation();
        } catch (RuntimeException e) {
            return false;
        }
    }

    /**
     * Opens the segments of {@code m} into {@code out}, reusing those of {@code current} (a snapshot, or null) whose
     * files and tombstones are unchanged; the heap budget for vector copies counts the reused ones first.
     */
    private static void openSegments(Path home, Manifest m, JVectorIndexOptions options, Snapshot current,
                                     List<Segment> out) {
        long heapLeft = options.heapVectorBytes();
        List<Manifest.SegmentEntry> entries = m.segments();
        Segment[] opened = new Segment[entries.size()];
        try {
            for (int i = 0; i < opened.length; i++) {
                Manifest.SegmentEntry e = entries.get(i);
                Segment old = current == null ? null : current.segment(e.id());
                if (old != null && old.entry().equals(e) && old.tryAcquire()) {
                    opened[i] = old;
                    heapLeft -= old.heapVectorBytes();
                }
            }
            for (int i = 0; i < opened.length; i++) {
                if (opened[i] == null) {
                    opened[i] = Segment.open(home, entries.get(i), m.dimension(), options.verifyChecksums(), heapLeft);
                    heapLeft -= opened[i].heapVectorBytes();
                }
            }
        } catch (RuntimeException e) {
            for (Segment seg : opened) {
                if (seg != null) {
                    seg.release();
                }
            }
            throw e;
        }
        out.addAll(Arrays.asList(opened)); // manifest order, as the writer keeps them
    }

    /** Whether this instance was opened read-only ({@link #openReadOnly}). */
    public boolean readOnly() {
        return readOnly;
    }

    /**
     * A read-only instance moves to the newest commit of its home, if there is a newer one than it sees, and returns
     * whether it moved; the segments both commits share are kept open, so a refresh costs about what the new
     * segments cost to open. Searches running meanwhile finish on the commit they started on. A writer always sees
     * its own changes: returns false.
     */
    public boolean refresh() {
        if (!readOnly) {
            return false;
        }
        return read(this::refreshOpen); // close() waits for a refresh as for a search
    }

    private boolean refreshOpen() {
        synchronized (refreshLock) {
            CorruptIndexException last = null;
            for (int attempt = 0; attempt < READER_ATTEMPTS; attempt++) {
                ensureOpen();
                Manifest m = Manifest.read(home);
                if (m.generation() == manifest.generation()) {
                    return false;
                }
                checkSchema(home, m, schema);
                List<Segment> segments = new ArrayList<>();
                Snapshot current = acquire();
                try {
                    openSegments(home, m, options, current, segments);
                    lexical.reopen(m.lexical());
                    Snapshot next = new Snapshot(segments, new WriteBuffer());
                    segments.forEach(Segment::release); // the new snapshot holds them
                    segments.clear();
                    Set<Integer> ids = new HashSet<>();
                    m.segments().forEach(e -> ids.add(e.id()));
                    writeLock.lock(); // userData() and generation() read the manifest under it
                    try {
                        manifest = m;
                        committedIds = ids;
                        publish(next);
                    } finally {
                        writeLock.unlock();
                    }
                    return true;
                } catch (CorruptIndexException | IOException e) {
                    segments.forEach(Segment::release);
                    if (!manifestMoved(home, m)) {
                        throw e instanceof CorruptIndexException c ? c : new CorruptIndexException(home,
                                "cannot open the lexical index: " + e.getMessage(), e);
                    }
                    last = e instanceof CorruptIndexException c ? c : new CorruptIndexException(home, e.getMessage(), e);
                } finally {
                    current.release();
                }
            }
            throw last;
        }
    }

    private void ensureWritable() {
        if (readOnly) {
            throw new UnsupportedOperationException("index " + home + " is open read-only: open it with "
                    + "JVectorIndex.open to write (one writer per home)");
        }
    }

    /** An {@link IndexFactory} for the search builder: {@code .index(JVectorIndex.at(home))}. */
    public static Factory at(Path home) {
        return new Factory(home, JVectorIndexOptions.DEFAULT, false);
    }

    /** Fluent options, then {@link #open(IndexSchema)} with the encoder's schema. */
    public static final class Factory implements IndexFactory {
        private final Path home;
        private final JVectorIndexOptions options;
        private final boolean readOnly;

        private Factory(Path home, JVectorIndexOptions options, boolean readOnly) {
            this.readOnly = readOnly;
            this.home = Objects.requireNonNull(home, "home");
            this.options = Objects.requireNonNull(options, "options");
        }

        public Factory options(JVectorIndexOptions o) {
            return with(o);
        }

        public Factory maxDegree(int v) {
            return with(options.withMaxDegree(v));
        }

        public Factory beamWidth(int v) {
            return with(options.withBeamWidth(v));
        }

        public Factory overquery(float v) {
            return with(options.withOverquery(v));
        }

        public Factory pqThreshold(int v) {
            return with(options.withPqThreshold(v));
        }

        public Factory pqLayout(PqLayout v) {
            return with(options.withPqLayout(v));
        }

        public Factory expectedDocuments(long v) {
            return with(options.withExpectedDocuments(v));
        }

        public Factory documentStore(DocumentStoreKind v) {
            return with(options.withDocumentStore(v));
        }

        public Factory maxSegments(int v) {
            return with(options.withMaxSegments(v));
        }

        public Factory buildThreads(int v) {
            return with(options.withBuildThreads(v));
        }

        /** Analyzer of the lexical route of a new home (an existing home keeps its recorded one). */
        public Factory lexicalAnalyzer(LexicalAnalyzer v) {
            return with(options.withLexicalAnalyzer(v));
        }

        /** BM25 parameters of lexical searches. */
        public Factory bm25(float k1, float b) {
            return with(options.withBm25(k1, b));
        }

        public JVectorIndexOptions options() {
            return options;
        }

        public Path home() {
            return home;
        }

        /**
         * Opens the home read-only ({@link JVectorIndex#openReadOnly}): the home must exist and have the encoder's
         * schema; the engine searches its latest commit and {@link JVectorIndex#refresh()} moves it on.
         */
        public Factory readOnly() {
            return new Factory(home, options, true);
        }

        private Factory with(JVectorIndexOptions o) {
            return new Factory(home, o, readOnly);
        }

        @Override
        public JVectorIndex open(IndexSchema schema) {
            return readOnly ? JVectorIndex.openReadOnly(home, schema, options) : JVectorIndex.open(home, schema, options);
        }

        /**
         * As {@link #open(IndexSchema)}; a new home whose analyzer was not set gets the one for {@code language}
         * ({@link LexicalAnalyzer#forLanguage}). {@code NeuralSearch.builder()} calls this with the encoder's language.
         */
        @Override
        public JVectorIndex open(IndexSchema schema, String language) {
            return readOnly ? JVectorIndex.openReadOnly(home, schema, options)
                    : JVectorIndex.open(home, schema, options, LexicalAnalyzer.forLanguage(language));
        }
    }

    /** The analyzer of a home: the recorded one; a different explicit choice is refused. */
    private static LexicalAnalyzer checkAnalyzer(Path home, Manifest m, LexicalAnalyzer wanted,
                                                 LexicalAnalyzer newHome) {
        if (m.lexical() == null) {
            return wanted != null ? wanted : newHome;
        }
        LexicalAnalyzer have = LexicalAnalyzer.valueOf(m.lexical().analyzer());
        if (wanted != null && wanted != have) {
            throw new IncompatibleIndexException("index home " + home + " has a lexical index made with the "
                    + have + " analyzer; it cannot be opened with " + wanted + " (re-index into another home, or "
                    + "leave the analyzer unset to use the recorded one)");
        }
        return have;
    }

    /**
     * A home written before the lexical route existed: index every committed live document lexically and commit,
     * so that both routes hold the same documents from here on.
     */
    private void backfillLexical() {
        writeLock.lock();
        try {
            for (Segment seg : state.segments) {
                List<Document> docs = new ArrayList<>();
                for (int i = 0; i < seg.count(); i++) {
                    if (!seg.deleted().get(i)) {
                        Document d = store.get(DocumentStore.key(seg.id(), i));
                        docs.add(d != null ? d : seg.readDocument(i));
                    }
                }
                lexical.update(docs);
            }
            doCommit(null);
        } finally {
            writeLock.unlock();
        }
    }

    /** The analyzer of the lexical route. */
    public LexicalAnalyzer lexicalAnalyzer() {
        return lexical.analyzer();
    }

    private static void checkSchema(Path home, Manifest m, IndexSchema wanted) {
        IndexSchema have = m.schema();
        if (!have.equals(wanted)) {
            throw new IncompatibleIndexException("index home " + home + " was built for model '" + have.modelId()
                    + "' (dimension " + have.dimension() + ", " + have.similarity() + "); it cannot be opened for model '"
                    + wanted.modelId() + "' (dimension " + wanted.dimension() + ", " + wanted.similarity()
                    + "). Use another home directory or re-index.");
        }
    }

    /** Opens the document store of the kind the options ask for (see {@link DocumentStores}). */
    private static DocumentStore openStore(Path home, Manifest m, List<Segment> segments, JVectorIndexOptions o)
            throws IOException {
        return DocumentStores.open(home, m, segments, o);
    }

    /**
     * One live copy per id: an id live twice (which indexes written by this class never have) keeps the copy in the
     * later segment of the manifest, or the later ordinal of one segment, and the other is tombstoned. A probe per
     * id and later segment: with the default {@code maxSegments} 8, at most 8 per document at open.
     */
    private void dropDuplicateIds() {
        List<Segment> segs = state.segments;
        for (int a = 0; a < segs.size(); a++) {
            Segment s = segs.get(a);
            for (int i = 0; i < s.count(); i++) { // within a segment the later ordinal wins, as the old id map did
                if (!s.deleted().get(i) && s.ids().lastOrdinalOf(i) != i) {
                    s.deleted().set(i);
                }
            }
            for (int b = a + 1; b < segs.size(); b++) {
                Segment later = segs.get(b);
                for (int i = 0; i < s.count(); i++) {
                    if (!s.deleted().get(i)) {
                        int j = s.ids().findIn(later.ids(), i);
                        if (j >= 0 && !later.deleted().get(j)) {
                            s.deleted().set(i);
                        }
                    }
                }
            }
        }
    }

    /** Cleanup of a merged-away segment once no search uses it any more: its store entries, then its files. */
    private void retire(Segment v) {
        if (!closed) {
            for (int i = 0; i < v.count(); i++) {
                store.remove(DocumentStore.key(v.id(), i));
            }
        }
        deleter.segmentClosed(v.id());
    }

    private void deleteUnreferencedFiles() {
        deleter.deleteUnreferenced(manifest);
    }

    static VectorSimilarityFunction toJVector(Similarity s) {
        return switch (s) {
            case COSINE -> VectorSimilarityFunction.COSINE;
            case DOT_PRODUCT -> VectorSimilarityFunction.DOT_PRODUCT;
            case EUCLIDEAN -> VectorSimilarityFunction.EUCLIDEAN;
        };
    }

    /** JVector maps cosine and dot product to (1 + x) / 2; report the natural value. */
    private float userScore(float s) {
        return schema.similarity() == Similarity.EUCLIDEAN ? s : 2f * s - 1f;
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
        Objects.requireNonNull(documents, "documents");
        Objects.requireNonNull(vectors, "vectors");
        if (documents.size() != vectors.size()) {
            throw new IllegalArgumentException(documents.size() + " documents but " + vectors.size() + " vectors");
        }
        Map<String, Integer> seen = new HashMap<>();
        List<VectorFloat<?>> converted = new ArrayList<>(vectors.size());
        for (int i = 0; i < documents.size(); i++) {
            Document d = documents.get(i);
            if (d == null) {
                throw new IllegalArgumentException("document at position " + i + " is null");
            }
            Document.validateId(d.id());
            Integer prev = seen.put(d.id(), i);
            if (prev != null) {
                throw new IllegalArgumentException("duplicate id '" + d.id() + "' in one add() call (positions "
                        + prev + " and " + i + ")");
            }
            converted.add(checkVector(vectors.get(i), "vector of document '" + d.id() + "'"));
        }
        writeLock.lock();
        try {
            ensureOpen();
            ensureLexical();
            lexical.update(documents);
            Snapshot s = state;
            for (int i = 0; i < documents.size(); i++) {
                Document d = documents.get(i);
                long old = s.locate(d.id());
                s.buffer.append(new WriteBuffer.Entry(d, converted.get(i)));
                if (old >= 0) {
                    replacements++; // before the tombstone: a reader that sees the tombstone sees this too
                    kill(old, s);
                }
            }
            if (s.buffer.size() >= options.maxBufferedDocs()) {
                flush();
            }
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * Writes the buffered documents as a graph segment that searches use at once but that only the next commit
     * makes durable (a crash drops it; its files are then unreferenced and deleted at open).
     */
    private void flush() {
        Snapshot s = state;
        List<WriteBuffer.Entry> live = s.buffer.live();
        if (live.isEmpty()) {
            publish(new Snapshot(s.segments, new WriteBuffer()));
            return;
        }
        Segment newSeg;
        try {
            // no heap copies for a flushed segment: a bulk load flushes many before its commit merges them
            newSeg = writeSegment(nextSegmentId++, live.stream().map(x -> x.doc).toList(),
                    live.stream().<VectorFloat<?>>map(x -> x.vector).toList(), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("flushing buffered documents failed; they stay buffered: "
                    + e.getMessage(), e);
        }
        List<Segment> segs = new ArrayList<>(s.segments);
        segs.add(newSeg);
        publish(new Snapshot(segs, new WriteBuffer()));
        newSeg.release();
    }

    /** Adds or replaces one document. */
    public void add(Document document, float[] vector) {
        add(List.of(document), List.<float[]>of(vector));
    }

    private VectorFloat<?> checkVector(float[] v, String what) {
        return VTS.createFloatVector(schema.checkVector(v, what).clone());
    }

    private void kill(long loc, Snapshot s) {
        int seg = DocumentStore.segmentOf(loc);
        int ord = (int) loc;
        if (seg == Candidates.BUFFER) {
            WriteBuffer.Entry e = s.buffer.get(ord);
            if (e != null) {
                e.kill();
            }
        } else {
            Segment segment = s.segment(seg);
            if (segment != null && segment.deleted().set(ord)) {
                pendingDeletes++;
            }
        }
    }

    @Override
    public int delete(Collection<String> ids) {
        ensureWritable();
        Objects.requireNonNull(ids, "ids");
        for (String id : ids) {
            if (id == null) {
                throw new IllegalArgumentException("null id in delete()");
            }
        }
        writeLock.lock();
        try {
            ensureOpen();
            ensureLexical();
            Snapshot s = state;
            int n = 0;
            List<String> existed = new ArrayList<>();
            for (String id : ids) {
                long loc = s.locate(id);
                if (loc >= 0) {
                    kill(loc, s);
                    existed.add(id);
                    n++;
                }
            }
            lexical.delete(existed);
            return n;
        } finally {
            writeLock.unlock();
        }
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
        writeLock.lock();
        try {
            ensureOpen();
            Set<Integer> committedBefore = committedIds;
            doCommit(userData);
            if (options.mergeFlushedOnCommit()) {
                mergeFlushed(committedBefore);
            }
            maybeCompact();
        } finally {
            writeLock.unlock();
        }
    }

    /** The user data of the last commit. */
    public Map<String, String> userData() {
        writeLock.lock();
        try {
            return manifest.userData();
        } finally {
            writeLock.unlock();
        }
    }

    /** The generation of the last commit (0 for a new index). */
    public long generation() {
        writeLock.lock();
        try {
            return manifest.generation();
        } finally {
            writeLock.unlock();
        }
    }

    private void doCommit(Map<String, String> userData) {
        ensureLexical();
        Snapshot s = state;
        List<WriteBuffer.Entry> live = s.buffer.live();
        boolean changed = false;
        for (Segment seg : s.segments) {
            changed |= seg.deleted().cardinality() != seg.persistedTombstones() || !committedIds.contains(seg.id());
        }
        if (live.isEmpty() && !changed && s.buffer.size() == 0 && !lexical.dirty()
                && (userData == null || userData.equals(manifest.userData()))) {
            return;
        }
        long gen = manifest.generation() + 1;
        List<Manifest.SegmentEntry> entries = new ArrayList<>();
        Map<Segment, Manifest.SegmentEntry> newEntries = new HashMap<>();
        List<Path> written = new ArrayList<>();
        Segment newSeg = null;
        IOException unsynced = null;
        try {
            for (Segment seg : s.segments) {
                Manifest.SegmentEntry e = seg.entry();
                int card = seg.deleted().cardinality();
                if (card != seg.persistedTombstones()) {
                    String name = TombstoneFile.name(seg.id(), gen);
                    Path file = home.resolve(name);
                    written.add(file);
                    try {
                        TombstoneFile.write(file, seg.deleted().snapshotWords(), seg.count());
                    } catch (IOException x) {
                        throw new IOException("writing tombstones " + name + " failed: " + x.getMessage(), x);
                    }
                    e = e.withTombstones(name, Files.size(file), FileUtil.crc32(file), card);
                    newEntries.put(seg, e);
                }
                entries.add(e);
            }
            if (!live.isEmpty()) {
                newSeg = writeSegment(nextSegmentId++, live.stream().map(x -> x.doc).toList(),
                        live.stream().<VectorFloat<?>>map(x -> x.vector).toList(), heapVectorBytesLeft(Set.of()));
                entries.add(newSeg.entry());
            }
            // two-phase: the Lucene commit first (durable, not yet the one opened), then the manifest that names it
            Manifest.LexicalEntry lex = lexical.commit(gen);
            Manifest m = manifest.next(entries, nextSegmentId, userData == null ? manifest.userData() : userData)
                    .withLexical(lex);
            try {
                m.write(home); // the commit point
            } catch (FileUtil.SyncAfterRenameException x) {
                unsynced = x; // the manifest is replaced: the commit happened, reported once its state is in place
            }
            manifest = m;
            lexical.recorded(lex);
            committedIds = new HashSet<>();
            for (Manifest.SegmentEntry e : entries) {
                committedIds.add(e.id());
            }
        } catch (IOException | RuntimeException e) {
            // nothing of this attempt stays on disk: the segment it wrote from the buffer is written again by the
            // retry (the buffer keeps its documents); flushed segments are kept, they are searched
            if (newSeg != null) {
                discard(newSeg, e);
            }
            deleteWritten(written, e);
            throw new UncheckedIOException("commit failed; the index keeps its previous commit and the uncommitted "
                    + "changes, which a later commit may retry: " + e.getMessage(),
                    e instanceof IOException io ? io : new IOException(e));
        }
        newEntries.forEach((seg, e) -> {
            seg.committed(e);
        });
        pendingDeletes = 0;
        List<Segment> segs = new ArrayList<>(s.segments);
        if (newSeg != null) {
            segs.add(newSeg);
        }
        publish(new Snapshot(segs, new WriteBuffer()));
        if (newSeg != null) {
            newSeg.release(); // held by the state now
        }
        deleteUnreferencedFiles();
        if (unsynced != null) {
            throw new UncheckedIOException("commit " + gen + " is in place, but it may not survive a power loss: "
                    + unsynced.getMessage(), unsynced);
        }
    }

    /**
     * Reopens the lexical index when its Lucene writer has closed itself (Lucene does so when a flush fails, a
     * full disk say, and drops the documents it had not committed): at the commit the manifest records, replaying
     * the changes since that commit from the vector route, so that both routes hold the same documents again. The
     * swap waits for the searches in flight. Under the write lock.
     */
    private void ensureLexical() {
        if (!lexical.failed()) {
            return;
        }
        Snapshot s = state;
        List<String> deletes = new ArrayList<>();
        List<Document> updates = new ArrayList<>();
        for (Segment seg : s.segments) {
            boolean committed = committedIds.contains(seg.id());
            for (int i = 0; i < seg.count(); i++) {
                boolean dead = seg.deleted().get(i);
                if (committed && dead) {
                    String id = seg.ids().get(i);
                    if (s.locate(id) < 0) {
                        deletes.add(id); // deleted since (or before) the commit; absent ids cost nothing
                    }
                } else if (!committed && !dead) {
                    Document d = store.get(DocumentStore.key(seg.id(), i));
                    updates.add(d != null ? d : seg.readDocument(i)); // flushed since the commit
                }
            }
        }
        for (WriteBuffer.Entry e : s.buffer.live()) {
            updates.add(e.doc);
        }
        LexicalIndex old = lexical;
        RuntimeException[] failure = new RuntimeException[1];
        gate.exclusive(() -> {
            old.close(); // releases Lucene's write lock, if the failed writer still held it
            LexicalIndex fresh = null;
            try {
                fresh = LexicalIndex.open(home, manifest.lexical(), old.analyzer(), options.lexical(), false);
                fresh.delete(deletes);
                fresh.update(updates);
                lexical = fresh;
            } catch (IOException | RuntimeException e) {
                if (fresh != null) {
                    fresh.close();
                }
                failure[0] = new UncheckedIOException("the lexical index failed and cannot be reopened yet: "
                        + e.getMessage(), e instanceof IOException io ? io : new IOException(e));
            }
        });
        if (failure[0] != null) {
            throw failure[0]; // the closed old index stays failed(): the next write tries again
        }
    }

    /**
     * What is left of the index-wide {@code heapVectorBytes} budget for one more segment's heap copies, counting
     * the copies of the current segments except those about to be replaced.
     */
    private long heapVectorBytesLeft(Set<Integer> replaced) {
        return Math.max(0, options.heapVectorBytes() - heapVectorBytes(state.segments, replaced));
    }

    private static long heapVectorBytes(List<Segment> segments, Set<Integer> excluded) {
        long used = 0;
        for (Segment seg : segments) {
            if (!excluded.contains(seg.id())) {
                used += seg.heapVectorBytes();
            }
        }
        return used;
    }

    /** Writes a segment and its store entries, and opens it (not yet referenced by a manifest). */
    private Segment writeSegment(int segId, List<Document> docs, List<VectorFloat<?>> vectors, long heapVectorBytes)
            throws IOException {
        Manifest.SegmentEntry e = SegmentWriter.write(home, segId, docs, vectors, schema.dimension(), vsf, options,
                pool);
        try {
            for (int i = 0; i < docs.size(); i++) {
                store.put(DocumentStore.key(segId, i), docs.get(i));
            }
            return Segment.open(home, e, schema.dimension(), false, heapVectorBytes);
        } catch (RuntimeException ex) {
            for (int i = 0; i < docs.size(); i++) {
                store.remove(DocumentStore.key(segId, i));
            }
            SegmentWriter.deleteFiles(home, segId, ex);
            throw ex;
        }
    }

    /**
     * Gives up a segment written for a commit or compaction that failed: closes it, removes its store entries and
     * deletes its files, so that a full disk gets its space back for the retry.
     */
    private void discard(Segment seg, Throwable cause) {
        seg.release();
        try {
            for (int i = 0; i < seg.count(); i++) {
                store.remove(DocumentStore.key(seg.id(), i));
            }
        } catch (RuntimeException e) {
            cause.addSuppressed(e); // ghost entries: removed at the next open
        }
        SegmentWriter.deleteFiles(home, seg.id(), cause);
    }

    /** Deletes files written for a commit that failed (tombstone files no manifest names). */
    private static void deleteWritten(List<Path> files, Throwable cause) {
        for (Path p : files) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                cause.addSuppressed(e);
            }
        }
    }

    private void publish(Snapshot next) {
        Snapshot old = state;
        state = next;
        old.release();
    }

    /** Commits pending changes, then merges all segments into one, dropping deleted entries. */
    public void compact() {
        ensureWritable();
        writeLock.lock();
        try {
            ensureOpen();
            doCommit(null);
            doCompact(state.segments);
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * Merges the segments this commit made durable when there are two or more of them: the segments that
     * {@code maxBufferedDocs} flushed during a bulk load, plus the one the commit wrote from the buffer. Without it
     * a load of 100k documents is searched as five graphs (about 4x slower at equal recall, docs/index.md). It is
     * Lucene's merge-on-commit idea, done after the commit point: a crash during the merge leaves the commit.
     */
    private void mergeFlushed(Set<Integer> committedBefore) {
        List<Segment> fresh = new ArrayList<>();
        for (Segment seg : state.segments) {
            if (!committedBefore.contains(seg.id())) {
                fresh.add(seg);
            }
        }
        if (fresh.size() >= 2) {
            try {
                doCompact(fresh);
            } catch (UncheckedIOException e) {
                throw new UncheckedIOException("the commit is durable (generation " + manifest.generation()
                        + "), but merging its " + fresh.size() + " segments failed; they stay separate and searchable: "
                        + e.getMessage(), e.getCause());
            }
        }
    }

    /**
     * Tiered policy: when a commit leaves more than {@code maxSegments} segments, the smallest half of them are
     * merged (so big segments are not rewritten at every trigger); a segment whose dead fraction exceeds
     * {@code maxTombstoneRatio} is rewritten (merged with the others picked) to drop its dead entries.
     */
    private void maybeCompact() {
        List<Segment> segs = new ArrayList<>(state.segments);
        Set<Segment> victims = new java.util.LinkedHashSet<>();
        if (options.maxTombstoneRatio() > 0) {
            for (Segment s : segs) {
                int dead = s.persistedTombstones();
                if (dead > 0 && (double) dead / s.count() > options.maxTombstoneRatio()) {
                    victims.add(s);
                }
            }
        }
        if (options.maxSegments() > 0 && segs.size() > options.maxSegments()) {
            segs.sort(java.util.Comparator.comparingInt(Segment::liveCount));
            int merge = Math.max(2, segs.size() - options.maxSegments() / 2);
            victims.addAll(segs.subList(0, Math.min(merge, segs.size())));
        }
        if (!victims.isEmpty()) {
            doCompact(new ArrayList<>(victims));
        }
    }

    private void doCompact(List<Segment> victims) {
        if (victims.isEmpty() || (victims.size() == 1 && victims.get(0).persistedTombstones() == 0)) {
            return;
        }
        Set<Integer> victimIds = new HashSet<>();
        List<Document> docs = new ArrayList<>();
        List<VectorFloat<?>> vectors = new ArrayList<>();
        for (Segment s : victims) {
            victimIds.add(s.id());
            s.forEachLive((i, v) -> {
                Document d = store.get(DocumentStore.key(s.id(), i));
                docs.add(d != null ? d : s.readDocument(i));
                vectors.add(v);
            });
        }
        Segment newSeg = null;
        IOException unsynced = null;
        try {
            // called right after a commit: every segment of the snapshot is committed
            List<Manifest.SegmentEntry> entries = new ArrayList<>();
            for (Segment seg : state.segments) {
                if (!victimIds.contains(seg.id())) {
                    entries.add(seg.entry());
                }
            }
            if (!docs.isEmpty()) {
                newSeg = writeSegment(nextSegmentId++, docs, vectors, heapVectorBytesLeft(victimIds));
                entries.add(newSeg.entry());
            }
            Manifest m = manifest.next(entries, nextSegmentId, manifest.userData());
            try {
                m.write(home);
            } catch (FileUtil.SyncAfterRenameException x) {
                unsynced = x; // the manifest is replaced: the compaction happened
            }
            manifest = m;
            committedIds = new HashSet<>();
            for (Manifest.SegmentEntry e : entries) {
                committedIds.add(e.id());
            }
        } catch (IOException | RuntimeException e) {
            if (newSeg != null) {
                discard(newSeg, e);
            }
            throw new UncheckedIOException("compaction failed; the index keeps its previous commit: " + e.getMessage(),
                    e instanceof IOException io ? io : new IOException(e));
        }
        Snapshot s = state;
        List<Segment> segs = new ArrayList<>();
        for (Segment seg : s.segments) {
            if (!victimIds.contains(seg.id())) {
                segs.add(seg);
            }
        }
        if (newSeg != null) {
            segs.add(newSeg);
        }
        for (Segment v : victims) {
            deleter.retiredButOpen(v.id());
            v.onClose(() -> retire(v));
        }
        publish(new Snapshot(segs, s.buffer));
        if (newSeg != null) {
            newSeg.release();
        }
        deleteUnreferencedFiles();
        if (unsynced != null) {
            throw new UncheckedIOException("compaction is in place, but it may not survive a power loss: "
                    + unsynced.getMessage(), unsynced);
        }
    }

    // ------------------------------------------------------------------------------------------------ reading

    /**
     * The current snapshot, held until {@link Snapshot#release}. A read in flight always gets one: {@link #close}
     * releases the last snapshot only after the reads have left the {@link #gate}.
     */
    private Snapshot acquire() {
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

    /** Runs a read inside the {@link #gate}: refused once the index is closing, waited for by {@link #close}. */
    private <T> T read(java.util.function.Supplier<T> body) {
        gate.enter();
        try {
            return body.get();
        } finally {
            gate.leave();
        }
    }

    private VectorFloat<?> checkQuery(float[] query, int k) {
        if (k < 0) {
            throw new IllegalArgumentException("k must be >= 0, was " + k);
        }
        return checkVector(query, "query vector");
    }

    @Override
    public List<ScoredDocument> search(float[] query, int k, Filter filter, SearchOptions searchOptions) {
        return read(() -> searchOpen(query, k, filter, searchOptions));
    }

    private List<ScoredDocument> searchOpen(float[] query, int k, Filter filter, SearchOptions searchOptions) {
        VectorFloat<?> q = checkQuery(query, k);
        Filter f = filter == null ? Filter.ALL : filter;
        if (k == 0) {
            return List.of();
        }
        float over = searchOptions == null || searchOptions.useDefault() ? options.overquery()
                : Math.max(1f, searchOptions.overquery());
        int rerankK = (int) Math.min(Math.max(k, (long) Math.ceil(k * (double) over)), 100_000L);
        Snapshot s = acquire();
        try {
            return hydrate(s, s.search(q, k, rerankK, f, vsf, options));
        } finally {
            s.release();
        }
    }

    @Override
    public List<ScoredDocument> exactSearch(float[] query, int k, Filter filter) {
        return read(() -> exactSearchOpen(query, k, filter));
    }

    private List<ScoredDocument> exactSearchOpen(float[] query, int k, Filter filter) {
        VectorFloat<?> q = checkQuery(query, k);
        Filter f = filter == null ? Filter.ALL : filter;
        if (k == 0) {
            return List.of();
        }
        Snapshot s = acquire();
        try {
            return hydrate(s, s.exactSearch(q, k, f, vsf));
        } finally {
            s.release();
        }
    }

    @Override
    public boolean supportsLexical() {
        return true;
    }

    /**
     * BM25 top-k of {@code query} among live documents matching {@code filter}: any filter {@link #search} takes,
     * with the same matches (it runs inside the Lucene search where the indexed metadata answer it, and is checked on
     * each hit's stored metadata otherwise; see {@link LexicalIndex#search}), so k hits come back when k documents
     * match. Sees uncommitted adds and deletes, like {@link #search}.
     */
    @Override
    public List<ScoredDocument> lexicalSearch(String query, int k, Filter filter) {
        Objects.requireNonNull(query, "query");
        if (k < 0) {
            throw new IllegalArgumentException("k must be >= 0, was " + k);
        }
        return read(() -> lexicalSearchOpen(query, k, filter));
    }

    private List<ScoredDocument> lexicalSearchOpen(String query, int k, Filter filter) {
        return lexical.search(query, k, filter == null ? Filter.ALL : filter, this::getOpen);
    }

    /** Ids the lexical route holds (uncommitted changes included); for consistency checks. */
    Set<String> lexicalIds() {
        return read(() -> {
            try {
                return lexical.ids();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** Ids the vector route holds (uncommitted changes included); under the write lock, so no update is half done. */
    Set<String> denseIds() {
        writeLock.lock();
        Snapshot s = acquire();
        try {
            Set<String> out = new HashSet<>();
            for (WriteBuffer.Entry e : s.buffer.live()) {
                out.add(e.doc.id());
            }
            for (Segment seg : s.segments) {
                for (int i = 0; i < seg.count(); i++) {
                    if (!seg.deleted().get(i)) {
                        out.add(seg.ids().get(i));
                    }
                }
            }
            return out;
        } finally {
            s.release();
            writeLock.unlock();
        }
    }

    private List<ScoredDocument> hydrate(Snapshot s, List<Candidates.Candidate> hits) {
        List<ScoredDocument> out = new ArrayList<>(hits.size());
        for (Candidates.Candidate c : hits) {
            Document d = c.doc();
            if (d == null) {
                d = store.get(DocumentStore.key(c.segment(), c.ordinal()));
                if (d == null) {
                    d = s.segment(c.segment()).readDocument(c.ordinal());
                }
            }
            out.add(new ScoredDocument(d, userScore(c.score())));
        }
        return out;
    }

    /**
     * Visits the live documents in the segments of the current snapshot with a copy of each vector, in a stable
     * order (segments as the manifest lists them, ordinals ascending), skipping the first {@code skip} of them
     * without reading them. Documents still in the write buffer are not visited: on a read-only index (nothing
     * buffered) this is exactly the last commit, and a position ({@code skip} + visited) stays valid for as long as
     * the commit ({@link #generation()}) is the same, which is what a resumable export needs. Returns how many were
     * visited.
     */
    public long forEachLive(long skip, java.util.function.BiConsumer<Document, float[]> action) {
        return read(() -> {
            Snapshot s = acquire();
            try {
                long position = 0;
                long visited = 0;
                for (Segment seg : s.segments) {
                    if (position + seg.liveCount() <= skip) {
                        position += seg.liveCount(); // a whole segment before the resume point: not read at all
                        continue;
                    }
                    for (int ord = 0; ord < seg.count(); ord++) {
                        if (seg.deleted().get(ord) || position++ < skip) {
                            continue;
                        }
                        Document d = store.get(DocumentStore.key(seg.id(), ord));
                        action.accept(d != null ? d : seg.readDocument(ord), seg.vector(ord));
                        visited++;
                    }
                }
                return visited;
            } finally {
                s.release();
            }
        });
    }

    @Override
    public Optional<Document> get(String id) {
        return read(() -> getOpen(id));
    }

    private Optional<Document> getOpen(String id) {
        return resolve(id, (s, seg, ord, e) -> e != null ? e.doc
                : Optional.ofNullable(store.get(DocumentStore.key(seg.id(), ord))).orElseGet(() -> seg.readDocument(ord)));
    }

    @Override
    public Optional<float[]> vector(String id) {
        return read(() -> vectorOpen(id));
    }

    private Optional<float[]> vectorOpen(String id) {
        return resolve(id, (s, seg, ord, e) -> {
            if (e != null) {
                float[] f = new float[e.vector.length()];
                for (int i = 0; i < f.length; i++) {
                    f[i] = e.vector.get(i);
                }
                return f;
            }
            return seg.vector(ord);
        });
    }

    private interface Resolver<T> {
        T apply(Snapshot s, Segment seg, int ord, WriteBuffer.Entry bufferEntry);
    }

    /**
     * Finds the live copy of an id. A lookup in one snapshot can miss a document that is being replaced (the old copy
     * tombstoned in place, the new one in a buffer that only a newer snapshot holds), so a miss is retried while a
     * replacement or a new snapshot happened meanwhile; a hit is always a live copy.
     */
    private <T> Optional<T> resolve(String id, Resolver<T> fn) {
        if (id == null) {
            return Optional.empty();
        }
        for (int attempt = 0; attempt < 10_000; attempt++) {
            long seen = replacements;
            Snapshot s = acquire();
            try {
                long loc = s.locate(id);
                if (loc >= 0) {
                    int segId = DocumentStore.segmentOf(loc);
                    int ord = (int) loc;
                    return Optional.of(segId == Candidates.BUFFER ? fn.apply(s, null, ord, s.buffer.get(ord))
                            : fn.apply(s, s.segment(segId), ord, null));
                }
                if (seen == replacements && s == state) {
                    return Optional.empty();
                }
            } finally {
                s.release();
            }
            Thread.yield();
        }
        return Optional.empty();
    }

    /**
     * Counts of one snapshot, without locks: while an update is being applied, its document may be counted twice
     * for an instant (the new copy is appended before the old one is tombstoned).
     */
    @Override
    public IndexStats stats() {
        return read(this::statsOpen);
    }

    private IndexStats statsOpen() {
        Snapshot s = acquire();
        try {
            long tomb = 0;
            long flushed = 0;
            int committedSegments = 0;
            Set<Integer> committed = committedIds;
            for (Segment seg : s.segments) {
                tomb += seg.deleted().cardinality();
                if (!committed.contains(seg.id())) {
                    flushed += seg.liveCount();
                } else {
                    committedSegments++;
                }
            }
            long bytes = 0;
            try (Stream<Path> files = Files.walk(home)) {
                bytes = files.filter(Files::isRegularFile).mapToLong(p -> {
                    try {
                        return Files.size(p);
                    } catch (IOException e) {
                        return 0L;
                    }
                }).sum();
            } catch (IOException | UncheckedIOException ignored) {
                // files may vanish during compaction
            }
            return new IndexStats(s.liveCount(), committedSegments, tomb, bytes, s.buffer.liveCount() + flushed);
        } finally {
            s.release();
        }
    }

    /** Heap bytes held by copies of segment vectors ({@code heapVectorBytes}; for tests and monitoring). */
    long heapVectorBytesInUse() {
        Snapshot s = acquire();
        try {
            return heapVectorBytes(s.segments, Set.of());
        } finally {
            s.release();
        }
    }

    /** The document store this index uses ({@link DocumentStoreKind#AUTO} resolved). */
    public DocumentStoreKind documentStoreKind() {
        return DocumentStores.kindOf(store);
    }

    /** Number of maps the document store has rolled over to (for tests and monitoring). */
    int storeMapCount() {
        return store instanceof ChronicleDocumentStore c ? c.mapCount() : 1;
    }

    private void ensureOpen() {
        if (closed) {
            throw SearchGate.closedError();
        }
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
            if (closed) {
                return;
            }
            closed = true;
            gate.close(() -> {
                state.release();
                lexical.close();
                pool.shutdown();
                if (readOnly) {
                    return; // holds no lock and no store
                }
                store.close();
                try {
                    Files.deleteIfExists(home.resolve(STORE_DIR).resolve(OPEN_MARKER));
                } catch (IOException ignored) {
                    // next open rebuilds the store
                }
                homeLock.close();
            });
        } finally {
            writeLock.unlock();
        }
    }
}
