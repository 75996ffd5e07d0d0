package dev.neuralsearch.ann.format;

import io.github.jbellis.jvector.graph.disk.feature.FeatureId;

/**
 * What a segment's files hold, as a set of features rather than an enumeration of combinations (the manifest still
 * records the combination's {@link SegmentLayout name}, so the on-disk format is unchanged):
 *
 * @param vectorFile       the full vectors are in a vector file of their own ({@code seg-N.vec}, {@link VectorFile})
 * @param pqFile           PQ codes are in a file of their own ({@code seg-N.pq}, {@link PqFile}), loaded into memory
 * @param inlineVectors    the graph records hold the full vectors (JVector {@code INLINE_VECTORS}; legacy)
 * @param separatedVectors the graph file holds the full vectors in a region of their own (JVector
 *                         {@code SEPARATED_VECTORS}; legacy)
 * @param fusedPq          the graph records hold the PQ codes of each node's neighbours (JVector {@code FUSED_PQ})
 * @param int8File         int8 scalar codes are in a file of their own ({@code seg-N.i8}, {@link Int8File}), loaded
 *                         into memory
 */
public record SegmentFeatures(boolean vectorFile, boolean pqFile, boolean inlineVectors, boolean separatedVectors,
                              boolean fusedPq, boolean int8File) {

    /**
     * Whether the segment is traversed with approximate codes (PQ in a file or fused into the graph, or int8 codes)
     * and its candidates reranked with the full vectors.
     */
    public boolean pq() {
        return pqFile || fusedPq || int8File;
    }

    /** Whether the writer trains product quantization for the segment (a PQ file or FusedPQ). */
    public boolean productQuantized() {
        return pqFile || fusedPq;
    }

    /** Whether the full vectors are read through JVector's graph view (the legacy layouts) rather than our readers. */
    public boolean vectorsInGraph() {
        return inlineVectors || separatedVectors;
    }

    /**
     * The vector feature JVector's graph file must have: the vector file's layouts give the graph a one-float
     * placeholder as separated vectors (JVector's writer needs a vector feature).
     */
    public FeatureId graphVectorFeature() {
        return inlineVectors ? FeatureId.INLINE_VECTORS : FeatureId.SEPARATED_VECTORS;
    }

    /** The dimension of the graph's own vectors: 1 (the placeholder) when the full vectors are in a vector file. */
    public int graphDimension(int dimension) {
        return vectorFile ? 1 : dimension;
    }

    /** Oldest manifest format that can describe a segment with these features. */
    public int requiredFormat() {
        return int8File ? 4 : vectorFile ? 3 : separatedVectors || pqFile ? 2 : 1;
    }

    /** The name the manifest records. */
    public SegmentLayout layout() {
        return SegmentLayout.of(this);
    }
}
