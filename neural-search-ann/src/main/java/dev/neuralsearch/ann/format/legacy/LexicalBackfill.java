package dev.neuralsearch.ann.format.legacy;

import dev.neuralsearch.ann.lexical.LexicalIndex;
import dev.neuralsearch.ann.read.Segment;
import dev.neuralsearch.ann.store.DocumentStore;
import dev.neuralsearch.core.Document;
import java.util.ArrayList;
import java.util.List;

/**
 * The upgrade of a home written before the lexical route existed (its manifest records no lexical commit): every
 * committed live document is indexed lexically, and the writer then commits, so that both routes hold the same
 * documents from there on.
 */
public final class LexicalBackfill {
    private LexicalBackfill() {
    }

    /** Whether the home of {@code hasLexical}/{@code segments} needs the upgrade. */
    public static boolean needed(boolean hasLexical, int segments) {
        return !hasLexical && segments > 0;
    }

    /** Indexes the live documents of {@code segments} into {@code lexical} (uncommitted). */
    public static void index(List<Segment> segments, DocumentStore store, LexicalIndex lexical) {
        for (Segment seg : segments) {
            List<Document> docs = new ArrayList<>();
            for (int i = 0; i < seg.count(); i++) {
                if (!seg.deleted().get(i)) {
                    Document d = store.get(DocumentStore.key(seg.id(), i));
                    docs.add(d != null ? d : seg.readDocument(i));
                }
            }
            lexical.update(docs);
        }
    }
}
