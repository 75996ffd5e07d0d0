package dev.neuralsearch.ann.write;

import dev.neuralsearch.ann.read.Candidates;
import dev.neuralsearch.core.Document;
import dev.neuralsearch.core.Filter;
import io.github.jbellis.jvector.vector.VectorSimilarityFunction;
import io.github.jbellis.jvector.vector.types.VectorFloat;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Uncommitted documents: append-only, one writer, many lock-free readers. Searched by brute force (exact): it only
 * holds what was added since the last commit, and a commit turns it into a graph segment.
 */
public final class WriteBuffer {
    public static final class Entry {
        final Document doc;
        final VectorFloat<?> vector;
        private volatile boolean dead;

        public Entry(Document doc, VectorFloat<?> vector) {
            this.doc = doc;
            this.vector = vector;
        }

        public Document doc() {
            return doc;
        }

        public VectorFloat<?> vector() {
            return vector;
        }

        /** Deleted or replaced: searches and lookups skip it from now on. */
        public void kill() {
            dead = true;
        }

        boolean dead() {
            return dead;
        }
    }

    private volatile Entry[] entries = new Entry[64];
    private volatile int size;
    /** id -> index of its newest entry (bounded by the buffer, unlike an index-wide map of every id). */
    private final ConcurrentHashMap<String, Integer> newest = new ConcurrentHashMap<>();

    /** Writer only. */
    public int append(Entry e) {
        Entry[] a = entries;
        int n = size;
        if (n == a.length) {
            a = Arrays.copyOf(a, a.length * 2);
            entries = a;
        }
        a[n] = e;
        size = n + 1;
        newest.put(e.doc.id(), n);
        return n;
    }

    /** Index of the live entry of {@code id}, or -1. */
    public int indexOf(String id) {
        Integer i = newest.get(id);
        if (i == null) {
            return -1;
        }
        Entry e = get(i);
        return e != null && !e.dead ? i : -1;
    }

    public int size() {
        return size;
    }

    public Entry get(int i) {
        int n = size;
        Entry[] a = entries;
        return i < n ? a[i] : null;
    }

    public List<Entry> live() {
        int n = size;
        Entry[] a = entries;
        List<Entry> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            if (!a[i].dead) {
                out.add(a[i]);
            }
        }
        return out;
    }

    public int liveCount() {
        int n = size;
        Entry[] a = entries;
        int c = 0;
        for (int i = 0; i < n; i++) {
            if (!a[i].dead) {
                c++;
            }
        }
        return c;
    }

    public void search(VectorFloat<?> q, Filter filter, VectorSimilarityFunction vsf, Candidates out) {
        int n = size;
        Entry[] a = entries;
        boolean all = filter.matchesAll();
        for (int i = 0; i < n; i++) {
            Entry e = a[i];
            if (e.dead || (!all && !filter.matches(e.doc.metadata()))) {
                continue;
            }
            out.offer(vsf.compare(q, e.vector), Candidates.BUFFER, i, e.doc.id(), e.doc);
        }
    }
}
