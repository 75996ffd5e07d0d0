package dev.neuralsearch.ann.commit;

import java.util.HashSet;
import java.util.Set;

/**
 * The commit an index instance stands on: the last manifest its writer wrote (or its reader opened) and the segment
 * ids it references, swapped together as one value.
 */
public final class CommitPoint {
    private record State(Manifest manifest, Set<Integer> ids) {
    }

    private volatile State state;

    public CommitPoint(Manifest m) {
        set(m);
    }

    /** {@code m} is now the commit point. */
    public void set(Manifest m) {
        Set<Integer> ids = new HashSet<>();
        for (Manifest.SegmentEntry e : m.segments()) {
            ids.add(e.id());
        }
        state = new State(m, Set.copyOf(ids));
    }

    public Manifest manifest() {
        return state.manifest();
    }

    /** Segment ids referenced by the manifest (an immutable set of one commit). */
    public Set<Integer> ids() {
        return state.ids();
    }
}
