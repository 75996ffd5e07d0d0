package dev.neuralsearch.ann.write;

import dev.neuralsearch.ann.JVectorIndexOptions;
import dev.neuralsearch.ann.commit.CommitPoint;
import dev.neuralsearch.ann.commit.FileDeleter;
import dev.neuralsearch.ann.commit.HomeLock;
import dev.neuralsearch.ann.commit.Manifest;
import dev.neuralsearch.ann.lexical.LexicalRoute;
import dev.neuralsearch.ann.read.Candidates;
import dev.neuralsearch.ann.read.Segment;
import dev.neuralsearch.ann.read.Snapshot;
import dev.neuralsearch.ann.read.SnapshotManager;
import dev.neuralsearch.ann.read.SnapshotSearcher;
import dev.neuralsearch.ann.store.DocumentStore;
import dev.neuralsearch.ann.store.DocumentStores;
import dev.neuralsearch.core.Document;
import dev.neuralsearch.core.IndexSchema;
import io.github.jbellis.jvector.vector.VectorSimilarityFunction;
import io.github.jbellis.jvector.vector.types.VectorFloat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ForkJoinPool;

/**
 * The single writer of an index home, like Lucene's {@code IndexWriter}: adds go to the write buffer, which a flush
 * turns into a segment; deletes tombstone in place; {@link #commit} is the two-phase commit ({@link TwoPhaseCommit})
 * followed by the merges ({@link Merger}, {@link MergePolicy}). Holds the home's lock and the document store.
 * Every method runs under the facade's write lock.
 */
public final class IndexWriter {
    private final Path home;
    private final IndexSchema schema;
    private final JVectorIndexOptions options;
    private final VectorSimilarityFunction vsf;
    private final HomeLock homeLock;
    private final DocumentStore store;
    private final LexicalRoute lexical;
    private final SnapshotManager snapshots;
    private final CommitPoint commit;
    private final ForkJoinPool pool;
    /** Deletes the files no commit needs; those of merged-away segments wait for the searches that read them. */
    private final FileDeleter deleter;
    /** Next segment id; ids are never reused within a process (leftovers of failed writes are not overwritten). */
    private int nextSegmentId;
    private final TwoPhaseCommit committer = new TwoPhaseCommit(this);
    private final Merger merger = new Merger(this);
    private final LexicalRecovery lexicalRecovery = new LexicalRecovery(this);

    IndexWriter(Path home, IndexSchema schema, JVectorIndexOptions options, HomeLock homeLock, Manifest manifest,
                SnapshotManager snapshots, DocumentStore store, LexicalRoute lexical) {
        this.home = home;
        this.schema = schema;
        this.options = options;
        this.vsf = SnapshotSearcher.toJVector(schema.similarity());
        this.homeLock = homeLock;
        this.store = store;
        this.lexical = lexical;
        this.snapshots = snapshots;
        this.commit = new CommitPoint(manifest);
        this.pool = new ForkJoinPool(options.effectiveBuildThreads());
        this.deleter = new FileDeleter(home);
        this.nextSegmentId = manifest.nextSegmentId();
    }

    Path home() {
        return home;
    }

    public IndexSchema schema() {
        return schema;
    }

    JVectorIndexOptions options() {
        return options;
    }

    public DocumentStore store() {
        return store;
    }

    public LexicalRoute lexical() {
        return lexical;
    }

    public SnapshotManager snapshots() {
        return snapshots;
    }

    public CommitPoint commitPoint() {
        return commit;
    }

    int newSegmentId() {
        return nextSegmentId++;
    }

    int nextSegmentId() {
        return nextSegmentId;
    }

    /** Checks the arguments of an add (no nulls, one vector per document, no id twice) and converts the vectors. */
    public static List<VectorFloat<?>> checkAdd(IndexSchema schema, List<Document> documents, List<float[]> vectors) {
        Document.checkBatch(documents, vectors);
        List<VectorFloat<?>> converted = new ArrayList<>(vectors.size());
        for (int i = 0; i < documents.size(); i++) {
            Document d = documents.get(i);
            converted.add(SnapshotSearcher.checkVector(schema, vectors.get(i), "vector of document '" + d.id() + "'"));
        }
        return converted;
    }

    /** Checks the arguments of a delete. */
    public static void checkDelete(Collection<String> ids) {
        Objects.requireNonNull(ids, "ids");
        for (String id : ids) {
            if (id == null) {
                throw new IllegalArgumentException("null id in delete()");
            }
        }
    }

    /** Adds or replaces documents whose vectors were checked; flushes when the buffer is full. */
    public void add(List<Document> documents, List<VectorFloat<?>> converted) {
        ensureLexical();
        lexical.get().update(documents);
        Snapshot s = snapshots.current();
        for (int i = 0; i < documents.size(); i++) {
            Document d = documents.get(i);
            long old = s.locate(d.id());
            s.buffer().append(new WriteBuffer.Entry(d, converted.get(i)));
            if (old >= 0) {
                snapshots.replaced(); // before the tombstone: a reader that sees the tombstone sees this too
                kill(old, s);
            }
        }
        if (s.buffer().size() >= options.maxBufferedDocs()) {
            flush();
        }
    }

    /**
     * Writes the buffered documents as a graph segment that searches use at once but that only the next commit
     * makes durable (a crash drops it; its files are then unreferenced and deleted at open).
     */
    private void flush() {
        Snapshot s = snapshots.current();
        List<WriteBuffer.Entry> live = s.buffer().live();
        if (live.isEmpty()) {
            snapshots.publish(new Snapshot(s.segments(), new WriteBuffer()));
            return;
        }
        Segment newSeg;
        try {
            // no heap copies for a flushed segment: a bulk load flushes many before its commit merges them
            newSeg = writeSegment(newSegmentId(), live.stream().map(x -> x.doc).toList(),
                    live.stream().<VectorFloat<?>>map(x -> x.vector).toList(), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("flushing buffered documents failed; they stay buffered: "
                    + e.getMessage(), e);
        }
        List<Segment> segs = new ArrayList<>(s.segments());
        segs.add(newSeg);
        snapshots.publish(new Snapshot(segs, new WriteBuffer()));
        newSeg.release();
    }

    private void kill(long loc, Snapshot s) {
        int seg = DocumentStore.segmentOf(loc);
        int ord = (int) loc;
        if (seg == Candidates.BUFFER) {
            WriteBuffer.Entry e = s.buffer().get(ord);
            if (e != null) {
                e.kill();
            }
        } else {
            Segment segment = s.segment(seg);
            if (segment != null) {
                segment.deleted().set(ord);
            }
        }
    }

    /** Deletes the documents of {@code ids} that exist; returns how many did. */
    public int delete(Collection<String> ids) {
        ensureLexical();
        Snapshot s = snapshots.current();
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
        lexical.get().delete(existed);
        return n;
    }

    /** Commits (null {@code userData} keeps the previous), then merges what the merge policy asks for. */
    public void commit(java.util.Map<String, String> userData) {
        commit(userData, true);
    }

    /** Commits; with {@code merge}, then merges what the merge policy asks for. */
    void commit(java.util.Map<String, String> userData, boolean merge) {
        Set<Integer> committedBefore = commit.ids();
        committer.commit(userData);
        if (!merge) {
            return;
        }
        if (options.mergeFlushedOnCommit()) {
            merger.mergeFlushed(committedBefore);
        }
        List<Segment> victims = MergePolicy.select(snapshots.current().segments(), options);
        if (!victims.isEmpty()) {
            merger.merge(victims);
        }
    }

    /** Commits pending changes, then merges all segments into one, dropping deleted entries. */
    public void compact() {
        committer.commit(null);
        merger.merge(snapshots.current().segments());
    }

    /** See {@link LexicalRecovery}. */
    void ensureLexical() {
        lexicalRecovery.ensureLexical();
    }

    /**
     * What is left of the index-wide {@code heapVectorBytes} budget for one more segment's heap copies, counting
     * the copies of the current segments except those about to be replaced.
     */
    long heapVectorBytesLeft(Set<Integer> replaced) {
        return Math.max(0, options.heapVectorBytes() - Snapshot.heapVectorBytes(snapshots.current().segments(), replaced));
    }

    /** Writes a segment and its store entries, and opens it (not yet referenced by a manifest). */
    Segment writeSegment(int segId, List<Document> docs, List<VectorFloat<?>> vectors, long heapVectorBytes)
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
    void discard(Segment seg, Throwable cause) {
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

    /** Merged-away segment {@code v} leaves the snapshots: its store entries and files go once no search uses it. */
    void retireWhenClosed(Segment v) {
        deleter.retiredButOpen(v.id());
        v.onClose(() -> retire(v));
    }

    /** Cleanup of a merged-away segment once no search uses it any more: its store entries, then its files. */
    private void retire(Segment v) {
        if (!snapshots.closed()) {
            for (int i = 0; i < v.count(); i++) {
                store.remove(DocumentStore.key(v.id(), i));
            }
        }
        deleter.segmentClosed(v.id());
    }

    void deleteUnreferencedFiles() {
        deleter.deleteUnreferenced(commit.manifest());
    }

    /**
     * One live copy per id: an id live twice (which indexes written by this class never have) keeps the copy in the
     * later segment of the manifest, or the later ordinal of one segment, and the other is tombstoned. A probe per
     * id and later segment: with the default {@code maxSegments} 8, at most 8 per document at open.
     */
    void dropDuplicateIds() {
        List<Segment> segs = snapshots.current().segments();
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

    /** Closes what the writer holds; called by the snapshot manager's close, with no read running. */
    public void closeResources() {
        lexical.get().close();
        pool.shutdown();
        store.close();
        try {
            Files.deleteIfExists(home.resolve(DocumentStores.DIR).resolve(DocumentStores.OPEN_MARKER));
        } catch (IOException ignored) {
            // next open rebuilds the store
        }
        homeLock.close();
    }
}
