package dev.neuralsearch.ann.store;

import dev.neuralsearch.ann.DocumentStoreKind;
import dev.neuralsearch.core.Document;
import java.util.function.LongConsumer;

/**
 * The {@link DocumentStore} of {@link DocumentStoreKind#SEGMENT_FILES}: keeps nothing. {@link #get} answers null, so
 * the index reads each hit from its segment's document file ({@code seg-N.docs}), which is the source of truth
 * anyway: one positional read per field at the record offset the segment loaded when it opened. Writes, removals and
 * recovery cost nothing, and the store needs no JVM flag and no disk space.
 */
public final class SegmentFilesDocumentStore implements DocumentStore {

    @Override
    public void put(long key, Document document) {
        // the segment's doc file already holds it
    }

    @Override
    public Document get(long key) {
        return null;
    }

    @Override
    public void remove(long key) {
        // nothing kept
    }

    @Override
    public long size() {
        return 0;
    }

    @Override
    public void forEachKey(LongConsumer action) {
        // nothing kept
    }

    @Override
    public void clear() {
        // nothing kept
    }

    @Override
    public void close() {
        // nothing held
    }
}
