package dev.neuralsearch.ann.format;

/**
 * The name a manifest records for a segment's {@link SegmentFeatures} (the {@code layout} field of a segment entry).
 * The names are the on-disk vocabulary and never change; code asks the {@link #features() features}, not the name.
 * Only the last three are written today; the first three are read (see {@code format.legacy}) and rewritten by a
 * compaction, except {@link #FUSED_PQ}, which the {@code pqLayout(FUSED)} option still writes.
 */
public enum SegmentLayout {
    /** Graph with inline full vectors (big-endian, read through JVector), exact traversal. Manifest format 1. */
    INLINE(new SegmentFeatures(false, false, true, false, false, false)),
    /** Graph with inline full vectors and JVector FusedPQ neighbour codes in each node record. Format 1. */
    FUSED_PQ(new SegmentFeatures(false, false, true, false, true, false)),
    /** Graph with the full vectors in a separated region of the graph file, PQ codes in a file of their own. Format 2. */
    PQ_IN_MEMORY(new SegmentFeatures(false, true, false, true, false, false)),
    /** Graph of adjacency lists (a one-float placeholder vector per node) and a vector file, exact traversal. Format 3. */
    VECTOR_FILE(new SegmentFeatures(true, false, false, false, false, false)),
    /** {@link #VECTOR_FILE} plus PQ codes in a file of their own, loaded into memory. Format 3. */
    PQ_VECTOR_FILE(new SegmentFeatures(true, true, false, false, false, false)),
    /** {@link #VECTOR_FILE} plus int8 scalar codes in a file of their own, loaded into memory. Format 4. */
    INT8_VECTOR_FILE(new SegmentFeatures(true, false, false, false, false, true));

    private final SegmentFeatures features;

    SegmentLayout(SegmentFeatures features) {
        this.features = features;
    }

    public SegmentFeatures features() {
        return features;
    }

    /** The layout that names {@code f}; every feature set a segment can have has one. */
    public static SegmentLayout of(SegmentFeatures f) {
        for (SegmentLayout l : values()) {
            if (l.features.equals(f)) {
                return l;
            }
        }
        throw new IllegalArgumentException("no segment layout has the features " + f);
    }

    /** Whether the full vectors are in a {@link VectorFile} of their own. */
    public boolean hasVectorFile() {
        return features.vectorFile();
    }

    /** Whether PQ codes are in a file of their own, loaded into memory. */
    public boolean hasPqFile() {
        return features.pqFile();
    }

    /**
     * Whether the segment has a code file of its own (PQ or int8), which the manifest entry names in its
     * {@code pqFile} field.
     */
    public boolean hasCodeFile() {
        return features.pqFile() || features.int8File();
    }
}
