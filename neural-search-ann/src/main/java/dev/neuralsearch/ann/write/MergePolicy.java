package dev.neuralsearch.ann.write;

import dev.neuralsearch.ann.JVectorIndexOptions;
import dev.neuralsearch.ann.read.Segment;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Which segments a commit merges, a tiered policy: when a commit leaves more than {@code maxSegments} segments, the
 * smallest half of them are merged (so big segments are not rewritten at every trigger); a segment whose dead
 * fraction exceeds {@code maxTombstoneRatio} is rewritten (merged with the others picked) to drop its dead entries.
 */
final class MergePolicy {
    private MergePolicy() {
    }

    /** The segments to merge, or none. */
    static List<Segment> select(List<Segment> current, JVectorIndexOptions options) {
        List<Segment> segs = new ArrayList<>(current);
        Set<Segment> victims = new LinkedHashSet<>();
        if (options.maxTombstoneRatio() > 0) {
            for (Segment s : segs) {
                int dead = s.persistedTombstones();
                if (dead > 0 && (double) dead / s.count() > options.maxTombstoneRatio()) {
                    victims.add(s);
                }
            }
        }
        if (options.maxSegments() > 0 && segs.size() > options.maxSegments()) {
            segs.sort(Comparator.comparingInt(Segment::liveCount));
            int merge = Math.max(2, segs.size() - options.maxSegments() / 2);
            victims.addAll(segs.subList(0, Math.min(merge, segs.size())));
        }
        return new ArrayList<>(victims);
    }
}
