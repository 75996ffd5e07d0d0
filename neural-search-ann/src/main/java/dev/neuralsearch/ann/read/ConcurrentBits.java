package dev.neuralsearch.ann.read;

import io.github.jbellis.jvector.util.Bits;
import java.util.concurrent.atomic.AtomicLongArray;

/** A fixed-size bit set that one writer sets while many readers read it, without locks. */
public final class ConcurrentBits implements Bits {
    private final AtomicLongArray words;
    private final int length;
    private volatile boolean any;

    ConcurrentBits(int length) {
        this.length = length;
        this.words = new AtomicLongArray(Math.max(1, (length + 63) >>> 6));
    }

    static ConcurrentBits fromWords(long[] w, int length) {
        ConcurrentBits b = new ConcurrentBits(length);
        for (int i = 0; i < w.length && i < b.words.length(); i++) {
            b.words.set(i, w[i]);
            b.any |= w[i] != 0;
        }
        return b;
    }

    int length() {
        return length;
    }

    @Override
    public boolean get(int i) {
        return (words.get(i >>> 6) & (1L << i)) != 0;
    }

    /** Sets bit i; returns true if it was clear. */
    public boolean set(int i) {
        long mask = 1L << i;
        long prev = words.getAndUpdate(i >>> 6, w -> w | mask);
        any = true;
        return (prev & mask) == 0;
    }

    boolean isEmpty() {
        return !any;
    }

    public long[] snapshotWords() {
        long[] w = new long[words.length()];
        for (int i = 0; i < w.length; i++) {
            w[i] = words.get(i);
        }
        return w;
    }

    public int cardinality() {
        int c = 0;
        for (int i = 0; i < words.length(); i++) {
            c += Long.bitCount(words.get(i));
        }
        return c;
    }
}
