package dev.neuralsearch.ann.read;

import dev.neuralsearch.core.Document;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/** Collects scored candidates (best k kept) and merges them across segments, one per id (newest wins). */
public final class Candidates {
    /**
     * segment = {@link #BUFFER} for uncommitted entries; {@code doc} is set for those. {@code id} may be null while a
     * segment collects its own candidates (an exact scan), never once they are merged.
     */
    public record Candidate(float score, int segment, int ordinal, String id, Document doc) {
    }

    public static final int BUFFER = Integer.MAX_VALUE;
    private static final Comparator<Candidate> WORST_FIRST = Comparator.comparingDouble(Candidate::score);

    private final int k;
    private final PriorityQueue<Candidate> heap;

    Candidates(int k) {
        this.k = k;
        this.heap = new PriorityQueue<>(Math.min(k, 1024) + 1, WORST_FIRST);
    }

    public void offer(float score, int segment, int ordinal, String id, Document doc) {
        if (heap.size() < k) {
            heap.add(new Candidate(score, segment, ordinal, id, doc));
        } else if (score > heap.peek().score()) {
            heap.poll();
            heap.add(new Candidate(score, segment, ordinal, id, doc));
        }
    }

    /** Offers every candidate to {@code other}; the ids of candidates offered without one come from {@code idOf}. */
    void drainTo(Candidates other, java.util.function.IntFunction<String> idOf) {
        for (Candidate c : heap) {
            other.offer(c.score(), c.segment(), c.ordinal(), c.id() != null ? c.id() : idOf.apply(c.ordinal()), c.doc());
        }
    }

    /** Best first, at most one candidate per id (the one from the newest segment), at most {@code n}. */
    static List<Candidate> merge(List<Candidate> all, int n) {
        Map<String, Candidate> byId = new HashMap<>();
        for (Candidate c : all) {
            byId.merge(c.id(), c, (a, b) -> a.segment() >= b.segment() ? a : b);
        }
        List<Candidate> out = new ArrayList<>(byId.values());
        out.sort(WORST_FIRST.reversed().thenComparing(Candidate::id));
        return out.size() > n ? out.subList(0, n) : out;
    }

    List<Candidate> toList() {
        return new ArrayList<>(heap);
    }
}
