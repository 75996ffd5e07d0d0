package dev.neuralsearch.ann.read;

import dev.neuralsearch.ann.JVectorIndex;
import dev.neuralsearch.ann.JVectorIndexOptions;
import dev.neuralsearch.ann.format.SegmentIds;
import dev.neuralsearch.ann.store.DocumentStore;
import dev.neuralsearch.ann.write.WriteBuffer;
import dev.neuralsearch.core.Filter;
import io.github.jbellis.jvector.util.FixedBitSet;
import io.github.jbellis.jvector.vector.VectorSimilarityFunction;
import io.github.jbellis.jvector.vector.types.VectorFloat;
import java.util.ArrayList;
import java.util.List;

/**
 * What a search sees of an index: an immutable list of open segments plus the write buffer of that moment, reference
 * counted so that a search, a writer's next snapshot or a reader's refresh never closes a segment another still uses.
 * The writer publishes a new one at every change; a read-only reader at every refresh.
 */
public final class Snapshot {
    final List<Segment> segments;
    final WriteBuffer buffer;
    private final RefCount refs = new RefCount();

    public Snapshot(List<Segment> segments, WriteBuffer buffer) {
        this.segments = List.copyOf(segments);
        this.buffer = buffer;
        for (Segment s : this.segments) {
            if (!s.tryAcquire()) {
                throw new IllegalStateException("segment " + s.id + " already closed");
            }
        }
    }

    /** The open segments, in manifest order (flushed ones last). */
    public List<Segment> segments() {
        return segments;
    }

    /** The write buffer of the moment (shared with newer snapshots until a flush or commit). */
    public WriteBuffer buffer() {
        return buffer;
    }

    public boolean tryAcquire() {
        return refs.tryAcquire();
    }

    public void release() {
        if (refs.release()) {
            for (Segment s : segments) {
                s.release();
            }
        }
    }

    /**
     * Where the live copy of {@code id} is in this snapshot ({@link DocumentStore#key}: segment id << 32 |
     * ordinal, segment {@link Candidates#BUFFER} for the write buffer), or -1. The buffer first: an update
     * appends the new copy before it tombstones the old one. A snapshot holds at most one live copy of an id
     * once its writer is done (add and delete run under the write lock; open drops duplicates). Exact for the
     * writer (under the lock, on the current snapshot); a reader may miss a document being replaced and must
     * retry (see {@code JVectorIndex#resolve}). Costs a table probe per segment.
     */
    public long locate(String id) {
        int b = buffer.indexOf(id);
        if (b >= 0) {
            return DocumentStore.key(Candidates.BUFFER, b);
        }
        byte[] utf8 = id.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        int hash = SegmentIds.hash(utf8, 0, utf8.length);
        for (int i = segments.size() - 1; i >= 0; i--) { // newest first: the likely home of a recent update
            Segment seg = segments.get(i);
            int ord = seg.ids.find(utf8, 0, utf8.length, hash);
            if (ord >= 0 && !seg.deleted.get(ord)) {
                return DocumentStore.key(seg.id, ord);
            }
        }
        return -1;
    }

    /** Bytes of heap copies of vectors held by {@code segments}, except those of the {@code excluded} ids. */
    public static long heapVectorBytes(List<Segment> segments, java.util.Set<Integer> excluded) {
        long used = 0;
        for (Segment seg : segments) {
            if (!excluded.contains(seg.id)) {
                used += seg.heapVectorBytes();
            }
        }
        return used;
    }

    /** Live documents in this snapshot. */
    public long liveCount() {
        long n = buffer.liveCount();
        for (Segment seg : segments) {
            n += seg.liveCount();
        }
        return n;
    }

    public Segment segment(int id) {
        for (Segment s : segments) {
            if (s.id == id) {
                return s;
            }
        }
        return null;
    }

    /**
     * Approximate top-k over every segment and the write buffer: per segment a graph search (or an exact scan of a
     * selective filter's matches) gathering {@code rerankK} candidates, the best {@code rescoreK} of them rescored
     * exactly, then one merge.
     */
    public List<Candidates.Candidate> search(VectorFloat<?> q, int k, int rerankK, int rescoreK, Filter f,
                                             VectorSimilarityFunction vsf, JVectorIndexOptions options) {
        List<Candidates.Candidate> all = new ArrayList<>();
        for (Segment seg : segments) {
            Candidates c = new Candidates(k);
            seg.search(q, k, rerankK, rescoreK, f, vsf, options.filterBruteForceLimit(), options.pqSearch(), c);
            all.addAll(c.toList());
        }
        return withBuffer(all, q, k, f, vsf);
    }

    /** Exact top-k over every segment and the write buffer (brute force over the full-precision vectors). */
    public List<Candidates.Candidate> exactSearch(VectorFloat<?> q, int k, Filter f, VectorSimilarityFunction vsf) {
        List<Candidates.Candidate> all = new ArrayList<>();
        for (Segment seg : segments) {
            Candidates c = new Candidates(k);
            FixedBitSet accept = f.matchesAll() ? null : seg.filters.match(f).bits();
            seg.exact(q, k, accept, vsf, c);
            all.addAll(c.toList());
        }
        return withBuffer(all, q, k, f, vsf);
    }

    private List<Candidates.Candidate> withBuffer(List<Candidates.Candidate> all, VectorFloat<?> q, int k, Filter f,
                                                  VectorSimilarityFunction vsf) {
        Candidates b = new Candidates(k);
        buffer.search(q, f, vsf, b);
        all.addAll(b.toList());
        return Candidates.merge(all, k);
    }
}
