package dev.neuralsearch.ann.format;

import dev.neuralsearch.ann.JVectorIndex;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The document ids of one segment, both ways (ordinal to id, id to ordinal), in 12 to 20 bytes per id plus the
 * ids' UTF-8 bytes: the bytes of every id in one array, where each starts, and an open-addressing table of
 * ordinals keyed by a hash of those bytes (the smallest power of two at least twice the count: a quarter to half
 * full). Immutable, so searches and writers read it without locks.
 *
 * <p>Why: the index used to hold each id as a {@code String} and every live id in one
 * {@code ConcurrentHashMap<String, Long>} of locations: a String, a map node and a boxed Long per document, more
 * heap than the graph's adjacency (class histogram in docs/index.md). An id is now found
 * through the snapshot's segments (see {@code JVectorIndex.State#locate}); ids within a segment are unique.
 */
public final class SegmentIds {
    private final byte[] bytes;
    /** {@code starts[ord] .. starts[ord + 1]}: the bytes of ordinal {@code ord}. */
    private final int[] starts;
    /** ordinal + 1, or 0 for an empty slot; the smallest power of two at least twice the count. */
    private final int[] table;
    private final int mask;

    /** Most ids one segment can hold (its table is then 2^30 slots). */
    static final int MAX_COUNT = 1 << 29;

    private SegmentIds(byte[] bytes, int[] starts, int count) {
        if (count > MAX_COUNT) {
            throw new IllegalStateException("a segment holds at most " + MAX_COUNT + " documents, this one " + count);
        }
        this.bytes = bytes;
        this.starts = starts;
        int capacity = Integer.highestOneBit(Math.max(2, count * 2 - 1)) << 1;
        this.table = new int[capacity];
        this.mask = capacity - 1;
        for (int ord = 0; ord < count; ord++) {
            int slot = hash(bytes, starts[ord], starts[ord + 1]) & mask;
            while (table[slot] != 0) {
                slot = (slot + 1) & mask;
            }
            table[slot] = ord + 1;
        }
    }

    /** Collects the ids of a segment in ordinal order. */
    static final class Builder {
        private byte[] bytes;
        private int[] starts;
        private int count;

        Builder(int expectedCount) {
            bytes = new byte[Math.max(16, expectedCount * 8)];
            starts = new int[expectedCount + 1];
        }

        /** Appends the id of the next ordinal, as UTF-8. */
        Builder add(byte[] utf8) {
            int end = starts[count];
            long needed = (long) end + utf8.length;
            if (needed > Integer.MAX_VALUE - 16) {
                throw new IllegalStateException("the ids of one segment exceed 2 GiB");
            }
            if (needed > bytes.length) {
                bytes = Arrays.copyOf(bytes, (int) Math.min(Integer.MAX_VALUE - 16, Math.max(needed, bytes.length * 2L)));
            }
            System.arraycopy(utf8, 0, bytes, end, utf8.length);
            if (count + 1 == starts.length) {
                starts = Arrays.copyOf(starts, starts.length * 2);
            }
            starts[++count] = (int) needed;
            return this;
        }

        SegmentIds build() {
            return new SegmentIds(Arrays.copyOf(bytes, starts[count]), Arrays.copyOf(starts, count + 1), count);
        }
    }

    static SegmentIds of(String... ids) {
        Builder b = new Builder(ids.length);
        for (String id : ids) {
            b.add(id.getBytes(StandardCharsets.UTF_8));
        }
        return b.build();
    }

    int count() {
        return starts.length - 1;
    }

    /** The id of {@code ordinal} (a new String each call: for results, not for scans). */
    public String get(int ordinal) {
        return new String(bytes, starts[ordinal], starts[ordinal + 1] - starts[ordinal], StandardCharsets.UTF_8);
    }

    /** The ordinal of {@code id}, or -1. */
    public int find(String id) {
        byte[] utf8 = id.getBytes(StandardCharsets.UTF_8);
        return find(utf8, 0, utf8.length);
    }

    /** The ordinal of the id whose UTF-8 bytes are {@code utf8[from .. to)}, or -1. */
    public int find(byte[] utf8, int from, int to) {
        return find(utf8, from, to, hash(utf8, from, to));
    }

    /** As {@link #find(byte[], int, int)} with the bytes' {@link #hash} already computed (one per lookup). */
    public int find(byte[] utf8, int from, int to, int hash) {
        int slot = hash & mask;
        for (int entry; (entry = table[slot]) != 0; slot = (slot + 1) & mask) {
            int ord = entry - 1;
            if (Arrays.equals(bytes, starts[ord], starts[ord + 1], utf8, from, to)) {
                return ord;
            }
        }
        return -1;
    }

    /** The ordinal in {@code other} of this segment's id at {@code ordinal}, or -1 (no String made). */
    public int findIn(SegmentIds other, int ordinal) {
        return other.find(bytes, starts[ordinal], starts[ordinal + 1]);
    }

    /**
     * The highest ordinal whose id equals that of {@code ordinal}: itself unless the segment holds the id twice (which
     * segments written by the index never do; open checks it).
     */
    public int lastOrdinalOf(int ordinal) {
        int from = starts[ordinal];
        int to = starts[ordinal + 1];
        int last = ordinal;
        for (int slot = hash(bytes, from, to) & mask, entry; (entry = table[slot]) != 0; slot = (slot + 1) & mask) {
            int ord = entry - 1;
            if (ord > last && Arrays.equals(bytes, starts[ord], starts[ord + 1], bytes, from, to)) {
                last = ord;
            }
        }
        return last;
    }

    /** Whether {@code ordinal} holds {@code id}. */
    boolean is(int ordinal, String id) {
        byte[] utf8 = id.getBytes(StandardCharsets.UTF_8);
        return Arrays.equals(bytes, starts[ordinal], starts[ordinal + 1], utf8, 0, utf8.length);
    }

    /** Heap bytes held (arrays only). */
    long heapBytes() {
        return 16L * 3 + bytes.length + 4L * starts.length + 4L * table.length;
    }

    /** FNV-1a over the bytes, then a finaliser that spreads the low bits the table uses. */
    public static int hash(byte[] b, int from, int to) {
        int h = 0x811c9dc5;
        for (int i = from; i < to; i++) {
            h = (h ^ b[i]) * 0x01000193;
        }
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        return h;
    }
}
