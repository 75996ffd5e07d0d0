package dev.neuralsearch.ann.write;

import dev.neuralsearch.ann.commit.CommitPoint;
import dev.neuralsearch.ann.commit.Manifest;
import dev.neuralsearch.ann.format.FileUtil;
import dev.neuralsearch.ann.read.Segment;
import dev.neuralsearch.ann.read.Snapshot;
import dev.neuralsearch.ann.read.SnapshotManager;
import dev.neuralsearch.ann.store.DocumentStore;
import dev.neuralsearch.core.Document;
import io.github.jbellis.jvector.vector.types.VectorFloat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Merges committed segments into one, dropping their deleted entries, and commits the result (a manifest without the
 * merged-away segments, whose files go once no search reads them). Runs right after a commit.
 */
final class Merger {
    private final IndexWriter writer;

    Merger(IndexWriter writer) {
        this.writer = writer;
    }

    /**
     * Merges the segments this commit made durable when there are two or more of them: the segments that
     * {@code maxBufferedDocs} flushed during a bulk load, plus the one the commit wrote from the buffer. Without it
     * a load of 100k documents is searched as five graphs (about 4x slower at equal recall, docs/index.md). It is
     * Lucene's merge-on-commit idea, done after the commit point: a crash during the merge leaves the commit.
     */
    void mergeFlushed(Set<Integer> committedBefore) {
        List<Segment> fresh = new ArrayList<>();
        for (Segment seg : writer.snapshots().current().segments()) {
            if (!committedBefore.contains(seg.id())) {
                fresh.add(seg);
            }
        }
        if (fresh.size() >= 2) {
            try {
                merge(fresh);
            } catch (UncheckedIOException e) {
                throw new UncheckedIOException("the commit is durable (generation "
                        + writer.commitPoint().manifest().generation() + "), but merging its " + fresh.size()
                        + " segments failed; they stay separate and searchable: " + e.getMessage(), e.getCause());
            }
        }
    }

    void merge(List<Segment> victims) {
        if (victims.isEmpty() || (victims.size() == 1 && victims.get(0).persistedTombstones() == 0)) {
            return;
        }
        SnapshotManager snapshots = writer.snapshots();
        CommitPoint commit = writer.commitPoint();
        DocumentStore store = writer.store();
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
            for (Segment seg : snapshots.current().segments()) {
                if (!victimIds.contains(seg.id())) {
                    entries.add(seg.entry());
                }
            }
            if (!docs.isEmpty()) {
                newSeg = writer.writeSegment(writer.newSegmentId(), docs, vectors,
                        writer.heapVectorBytesLeft(victimIds));
                entries.add(newSeg.entry());
            }
            Manifest manifest = commit.manifest();
            Manifest m = manifest.next(entries, writer.nextSegmentId(), manifest.userData());
            try {
                m.write(writer.home());
            } catch (FileUtil.SyncAfterRenameException x) {
                unsynced = x; // the manifest is replaced: the compaction happened
            }
            commit.set(m);
        } catch (IOException | RuntimeException e) {
            if (newSeg != null) {
                writer.discard(newSeg, e);
            }
            throw new UncheckedIOException("compaction failed; the index keeps its previous commit: " + e.getMessage(),
                    e instanceof IOException io ? io : new IOException(e));
        }
        Snapshot s = snapshots.current();
        List<Segment> segs = new ArrayList<>();
        for (Segment seg : s.segments()) {
            if (!victimIds.contains(seg.id())) {
                segs.add(seg);
            }
        }
        if (newSeg != null) {
            segs.add(newSeg);
        }
        for (Segment v : victims) {
            writer.retireWhenClosed(v);
        }
        snapshots.publish(new Snapshot(segs, s.buffer()));
        if (newSeg != null) {
            newSeg.release();
        }
        writer.deleteUnreferencedFiles();
        if (unsynced != null) {
            throw new UncheckedIOException("compaction is in place, but it may not survive a power loss: "
                    + unsynced.getMessage(), unsynced);
        }
    }
}
