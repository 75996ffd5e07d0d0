package dev.neuralsearch.ann.write;

import dev.neuralsearch.ann.lexical.LexicalIndex;
import dev.neuralsearch.ann.read.Segment;
import dev.neuralsearch.ann.read.Snapshot;
import dev.neuralsearch.ann.store.DocumentStore;
import dev.neuralsearch.core.Document;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reopens the lexical index when its Lucene writer has closed itself (Lucene does so when a flush fails, a full
 * disk say, and drops the documents it had not committed): at the commit the manifest records, replaying the changes
 * since that commit from the vector route, so that both routes hold the same documents again. The swap waits for
 * the searches in flight. Under the write lock.
 */
final class LexicalRecovery {
    private final IndexWriter writer;

    LexicalRecovery(IndexWriter writer) {
        this.writer = writer;
    }

    void ensureLexical() {
        LexicalIndex old = writer.lexical().get();
        if (!old.failed()) {
            return;
        }
        Snapshot s = writer.snapshots().current();
        Set<Integer> committedIds = writer.commitPoint().ids();
        DocumentStore store = writer.store();
        List<String> deletes = new ArrayList<>();
        List<Document> updates = new ArrayList<>();
        for (Segment seg : s.segments()) {
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
        for (WriteBuffer.Entry e : s.buffer().live()) {
            updates.add(e.doc);
        }
        RuntimeException[] failure = new RuntimeException[1];
        writer.snapshots().exclusive(() -> {
            old.close(); // releases Lucene's write lock, if the failed writer still held it
            LexicalIndex fresh = null;
            try {
                fresh = LexicalIndex.open(writer.home(), writer.commitPoint().manifest().lexical(), old.analyzer(),
                        writer.options().lexical(), false);
                fresh.delete(deletes);
                fresh.update(updates);
                writer.lexical().replace(fresh);
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
}
