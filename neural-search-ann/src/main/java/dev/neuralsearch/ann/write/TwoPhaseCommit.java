package dev.neuralsearch.ann.write;

import dev.neuralsearch.ann.commit.CommitPoint;
import dev.neuralsearch.ann.commit.Manifest;
import dev.neuralsearch.ann.format.FileUtil;
import dev.neuralsearch.ann.format.TombstoneFile;
import dev.neuralsearch.ann.lexical.LexicalIndex;
import dev.neuralsearch.ann.read.Segment;
import dev.neuralsearch.ann.read.Snapshot;
import dev.neuralsearch.ann.read.SnapshotManager;
import io.github.jbellis.jvector.vector.types.VectorFloat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A commit: the tombstone files of the segments whose deletes changed, a segment from the write buffer, then the
 * two phases, the Lucene commit of the lexical route (durable, not yet the one opened) and the manifest that names
 * it (the commit point). A failure leaves the previous commit and the uncommitted changes, which a later commit may
 * retry; nothing the failed attempt wrote stays on disk.
 */
final class TwoPhaseCommit {
    private final IndexWriter writer;

    TwoPhaseCommit(IndexWriter writer) {
        this.writer = writer;
    }

    void commit(Map<String, String> userData) {
        writer.ensureLexical();
        SnapshotManager snapshots = writer.snapshots();
        CommitPoint commit = writer.commitPoint();
        LexicalIndex lexical = writer.lexical().get();
        Manifest manifest = commit.manifest();
        Set<Integer> committedIds = commit.ids();
        Path home = writer.home();
        Snapshot s = snapshots.current();
        List<WriteBuffer.Entry> live = s.buffer().live();
        boolean changed = false;
        for (Segment seg : s.segments()) {
            changed |= seg.deleted().cardinality() != seg.persistedTombstones() || !committedIds.contains(seg.id());
        }
        if (live.isEmpty() && !changed && s.buffer().size() == 0 && !lexical.dirty()
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
            for (Segment seg : s.segments()) {
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
                newSeg = writer.writeSegment(writer.newSegmentId(), live.stream().map(x -> x.doc).toList(),
                        live.stream().<VectorFloat<?>>map(x -> x.vector).toList(),
                        writer.heapVectorBytesLeft(Set.of()));
                entries.add(newSeg.entry());
            }
            // two-phase: the Lucene commit first (durable, not yet the one opened), then the manifest that names it
            Manifest.LexicalEntry lex = lexical.commit(gen);
            Manifest m = manifest.next(entries, writer.nextSegmentId(),
                    userData == null ? manifest.userData() : userData).withLexical(lex);
            try {
                m.write(home); // the commit point
            } catch (FileUtil.SyncAfterRenameException x) {
                unsynced = x; // the manifest is replaced: the commit happened, reported once its state is in place
            }
            commit.set(m);
            lexical.recorded(lex);
        } catch (IOException | RuntimeException e) {
            // nothing of this attempt stays on disk: the segment it wrote from the buffer is written again by the
            // retry (the buffer keeps its documents); flushed segments are kept, they are searched
            if (newSeg != null) {
                writer.discard(newSeg, e);
            }
            deleteWritten(written, e);
            throw new UncheckedIOException("commit failed; the index keeps its previous commit and the uncommitted "
                    + "changes, which a later commit may retry: " + e.getMessage(),
                    e instanceof IOException io ? io : new IOException(e));
        }
        newEntries.forEach(Segment::committed);
        List<Segment> segs = new ArrayList<>(s.segments());
        if (newSeg != null) {
            segs.add(newSeg);
        }
        snapshots.publish(new Snapshot(segs, new WriteBuffer()));
        if (newSeg != null) {
            newSeg.release(); // held by the state now
        }
        writer.deleteUnreferencedFiles();
        if (unsynced != null) {
            throw new UncheckedIOException("commit " + gen + " is in place, but it may not survive a power loss: "
                    + unsynced.getMessage(), unsynced);
        }
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
}
