package dev.neuralsearch.ann;

import dev.neuralsearch.core.Document;
import dev.neuralsearch.core.Filter;
import io.github.jbellis.jvector.vector.VectorSimilarityFunction;
import io.github.jbellis.jvector.vector.types.VectorFloat;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Uncommitted documents: append-only, one writer, many lock-free readers. Searched by brute force (exact): it only
 * holds what was added since the last commit, and a commit turns it into a graph segment.
 */
final class WriteBuffer {
    static final class Entry {
        final Document doc;
        final VectorFloat<?> vector;
        volatile boolean dead;

        Entry(Document doc, VectorFloat<?> vector) {
            this.doc = doc;
            this.vector = vector;
        }
    }

    private volatile Entry[] entries = new Entry[64];
    private volatile int size;

    /** Writer only. */
    int append(Entry e) {
        Entry[] a = entries;
        int n = size;
        if (n == a.length) {
            a = Arrays.copyOf(a, a.length * 2);
            entries = a;
        }
        a[n] = e;
        size = n + 1;
        return n;
    }

    int size() {
        return size;
    }

    Entry get(int i) {
        int n = size;
        Entry[] a = entries;
        return i < n ? a[i] : null;
    }

    List<Entry> live() {
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

    int liveCount() {
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

    void search(VectorFloat<?> q, Filter filter, VectorSimilarityFunction vsf, Candidates out) {
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
