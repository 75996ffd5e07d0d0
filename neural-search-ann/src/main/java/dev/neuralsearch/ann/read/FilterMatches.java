package dev.neuralsearch.ann.read;

import dev.neuralsearch.core.Filter;
import io.github.jbellis.jvector.util.FixedBitSet;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Filter planning of one segment: the ordinals whose (immutable) metadata match a filter, dead or alive, cached by
 * filter value, with what graph searches with that filter cost so far ({@link Match#visitsPerCandidate}), which
 * decides between a graph search and an exact scan of the matches.
 */
final class FilterMatches {
    /**
     * Cost of scoring one node during a graph search, in units of one step of an exact scan (read a full vector,
     * score it). An exact traversal step reads a random full vector, so it costs more than a sequential scan step; a
     * PQ step is a table lookup over codes, a fraction of one. The same PQ cost is used for codes held in memory
     * (IN_MEMORY layout) and for FusedPQ, whose speeds are close. The constants were calibrated with FilterProbe and
     * AnnBench on 100k x 384; the measurements are in docs/index.md.
     */
    static final double EXACT_VISIT_COST = 1.5;
    static final double PQ_VISIT_COST = 0.25;

    private final int count;
    private final Map<String, Object>[] metadata;
    private final ConcurrentHashMap<Filter, Match> cache = new ConcurrentHashMap<>();

    FilterMatches(int count, Map<String, Object>[] metadata) {
        this.count = count;
        this.metadata = metadata;
    }

    /**
     * The ordinals matching a filter, dead or alive, and, per filter, how many nodes a graph search scores per
     * candidate (an exponential average, NaN until the first graph search).
     */
    static final class Match {
        private final FixedBitSet bits;
        private final int cardinality;
        private volatile double visitsPerCandidate = Double.NaN;

        Match(FixedBitSet bits, int cardinality) {
            this.bits = bits;
            this.cardinality = cardinality;
        }

        FixedBitSet bits() {
            return bits;
        }

        int cardinality() {
            return cardinality;
        }

        double visitsPerCandidate() {
            return visitsPerCandidate;
        }

        void observe(double perCandidate) {
            double old = visitsPerCandidate;
            visitsPerCandidate = Double.isNaN(old) ? perCandidate : 0.75 * old + 0.25 * perCandidate;
        }
    }

    Match match(Filter filter) {
        Match m = cache.get(filter);
        if (m == null) {
            FixedBitSet bits = new FixedBitSet(count);
            for (int i = 0; i < count; i++) {
                if (filter.matches(metadata[i])) {
                    bits.set(i);
                }
            }
            m = new Match(bits, bits.cardinality());
            if (cache.size() >= 256) {
                cache.clear(); // crude bound; a hot filter is recomputed once
            }
            cache.put(filter, m);
        }
        return m;
    }
}
