package dev.neuralsearch.ann;

/**
 * How a segment of at least {@link JVectorIndexOptions#pqThreshold()} vectors stores its product-quantized codes
 * and its full vectors. Smaller segments keep their full vectors in a vector file of their own ({@code seg-N.vec},
 * little-endian, mapped) next to a graph of adjacency lists, and are traversed with exact scores. A segment records its own layout in the manifest, so an index may mix layouts (segments
 * written before a change of this option keep theirs until compaction rewrites them).
 */
public enum PqLayout {
    /**
     * PQ codes in memory, full vectors on disk apart from the graph: the graph file holds the adjacency lists, the
     * vector file ({@code seg-N.vec}) the full vectors, read only to rerank the {@code k * overquery} best
     * candidates exactly (and by exact search and compaction); the codes
     * ({@code seg-N.pq}, JVector {@code PQVectors}, {@code pqSubspaces} bytes per vector) are loaded into memory
     * when the segment opens and score the traversal. Smallest file and resident set; see docs/index.md.
     */
    IN_MEMORY,
    /**
     * JVector {@code FusedPQ}: the codes of each node's neighbours are stored inside the node's record next to
     * its inline full vector (about {@code maxDegree * pqSubspaces} bytes per node, as many as the full
     * vector itself at 384 dimensions). Nothing is held in memory, but a searched file is as resident as
     * the full vectors. The layout of indexes written before {@link #IN_MEMORY} existed.
     */
    FUSED
}
