package dev.neuralsearch.ann.read;

import dev.neuralsearch.ann.CorruptIndexException;
import dev.neuralsearch.ann.IncompatibleIndexException;
import dev.neuralsearch.ann.JVectorIndexOptions;
import dev.neuralsearch.ann.LexicalAnalyzer;
import dev.neuralsearch.ann.commit.CommitPoint;
import dev.neuralsearch.ann.commit.Compatibility;
import dev.neuralsearch.ann.commit.Manifest;
import dev.neuralsearch.ann.lexical.LexicalIndex;
import dev.neuralsearch.ann.lexical.LexicalRoute;
import dev.neuralsearch.ann.write.WriteBuffer;
import dev.neuralsearch.core.IndexSchema;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A read-only instance's view of a home, like Lucene's {@code DirectoryReader}: opens the latest commit without the
 * lock and without writing anything ({@link #open}), and moves to a newer commit ({@link #refresh}), keeping the
 * segments both commits share open. A commit whose files vanished while being opened (a writer moved on) is retried
 * on the newer manifest.
 */
public final class CommitReader {
    /** How many times a reader re-reads the manifest when a commit's files vanished under it (a writer moved on). */
    private static final int READER_ATTEMPTS = 20;

    private final Path home;
    private final IndexSchema schema;
    private final JVectorIndexOptions options;
    private final SnapshotManager snapshots;
    private final LexicalRoute lexical;
    private final CommitPoint commit;
    private final Object refreshLock = new Object();

    private CommitReader(Path home, IndexSchema schema, JVectorIndexOptions options, SnapshotManager snapshots,
                         LexicalRoute lexical, CommitPoint commit) {
        this.home = home;
        this.schema = schema;
        this.options = options;
        this.snapshots = snapshots;
        this.lexical = lexical;
        this.commit = commit;
    }

    /**
     * Opens the latest commit of an existing home.
     *
     * @param expected the schema the home must have, or null to take the home's own
     */
    public static CommitReader open(Path dir, IndexSchema expected, JVectorIndexOptions options) {
        if (!Manifest.exists(dir)) {
            throw new IllegalArgumentException("no index at " + dir + " (no " + Manifest.FILE_NAME
                    + "): a read-only reader opens a home that a writer has created");
        }
        CorruptIndexException last = null;
        for (int attempt = 0; attempt < READER_ATTEMPTS; attempt++) {
            Manifest m = Manifest.read(dir);
            if (expected != null) {
                Compatibility.checkSchema(dir, m, expected);
            }
            if (m.lexical() == null && !m.segments().isEmpty()) {
                throw new IncompatibleIndexException("index home " + dir + " predates the lexical route; open it "
                        + "once for writing (JVectorIndex.open), which upgrades it, before opening it read-only");
            }
            List<Segment> segments = new ArrayList<>();
            LexicalIndex lexical = null;
            try {
                openSegments(dir, m, options, null, segments);
                // an explicit analyzer other than the recorded one is refused, as the writer refuses it: a reader
                // can only search with the recorded one, and silently doing so would hide the caller's mistake
                lexical = LexicalIndex.openReadOnly(dir, m.lexical(), Compatibility.checkAnalyzer(dir, m,
                        options.lexical().analyzer(), LexicalAnalyzer.STANDARD), options.lexical());
                SnapshotManager snapshots = new SnapshotManager(new Snapshot(segments, new WriteBuffer()));
                segments.forEach(Segment::release); // the snapshot holds them
                return new CommitReader(dir, m.schema(), options, snapshots, new LexicalRoute(lexical),
                        new CommitPoint(m));
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

    public IndexSchema schema() {
        return schema;
    }

    public SnapshotManager snapshots() {
        return snapshots;
    }

    public LexicalRoute lexical() {
        return lexical;
    }

    public CommitPoint commit() {
        return commit;
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
    public static void openSegments(Path home, Manifest m, JVectorIndexOptions options, Snapshot current,
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

    /**
     * Moves to the newest commit of the home if it is newer than the one seen, and returns whether it moved. Runs
     * inside the gate; {@code publishLock} is the lock under which the facade reads the commit point.
     */
    public boolean refresh(ReentrantLock publishLock) {
        synchronized (refreshLock) {
            CorruptIndexException last = null;
            for (int attempt = 0; attempt < READER_ATTEMPTS; attempt++) {
                snapshots.ensureOpen();
                Manifest m = Manifest.read(home);
                if (m.generation() == commit.manifest().generation()) {
                    return false;
                }
                Compatibility.checkSchema(home, m, schema);
                List<Segment> segments = new ArrayList<>();
                Snapshot current = snapshots.acquire();
                try {
                    openSegments(home, m, options, current, segments);
                    lexical.get().reopen(m.lexical());
                    Snapshot next = new Snapshot(segments, new WriteBuffer());
                    segments.forEach(Segment::release); // the new snapshot holds them
                    segments.clear();
                    publishLock.lock(); // userData() and generation() read the manifest under it
                    try {
                        commit.set(m);
                        snapshots.publish(next);
                    } finally {
                        publishLock.unlock();
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

    /** Closes what the reads used; called by the snapshot manager's close, with no read running. */
    public void closeResources() {
        lexical.get().close();
    }
}
