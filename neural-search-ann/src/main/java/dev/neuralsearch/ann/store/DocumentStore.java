package dev.neuralsearch.ann.store;

import dev.neuralsearch.core.Document;
import java.util.function.LongConsumer;

/**
 * Random-access store of document bodies, keyed by segment entry ({@link #key(int, int)}). The index writes an
 * entry for every document of a segment before the manifest that references the segment is committed; entries
 * of segments that the manifest does not reference are ghosts of uncommitted work and are removed when the index
 * opens. The segment doc files stay the source of truth: a store can always be rebuilt from them.
 *
 * <p>Implementations allow concurrent {@link #get} calls with one writer.
 */
public interface DocumentStore extends AutoCloseable {

    static long key(int segmentId, int ordinal) {
        return ((long) segmentId << 32) | (ordinal & 0xFFFFFFFFL);
    }

    static int segmentOf(long key) {
        return (int) (key >>> 32);
    }

    void put(long key, Document document);

    /** The document, or null when absent or not kept by this store (callers then read the segment doc file). */
    Document get(long key);

    void remove(long key);

    long size();

    void forEachKey(LongConsumer action);

    /** Removes everything. */
    void clear();

    @Override
    void close();
}
