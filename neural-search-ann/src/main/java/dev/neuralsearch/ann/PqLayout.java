package dev.neuralsearch.ann;

/**
 * Which approximate codes a segment of at least {@link JVectorIndexOptions#pqThreshold()} vectors gets (int8 or
 * product-quantized), and how it stores them and its full vectors. Smaller segments keep their full vectors in a
 * vector file of their own ({@code seg-N.vec}, little-endian, mapped) next to a graph of adjacency lists, and are
 * traversed with exact scores. A segment records its own layout in the manifest, so an index may mix layouts
 * (segments written before a change of this option keep theirs until compaction rewrites them).
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
    FUSED,
    /**
     * Int8 scalar codes in memory, full vectors on disk apart from the graph: as {@link #IN_MEMORY}, but the codes
     * ({@code seg-N.i8}, one byte per dimension, a range per dimension as Lucene's 8-bit scalar quantization) score
     * the traversal. Four times the memory of {@link #IN_MEMORY}'s PQ codes (384 against 96 bytes per 384-dimension
     * vector), and an order close to the exact one, so that a search reaches a given recall with a smaller
     * {@code ef} and fewer scores (measured against PQ and Lucene in benchmarks/RESULTS-jmh.md, 3l).
     */
    INT8,
    /**
     * {@link #INT8} where the writing JVM scores int8 codes with the Vector API (Java 22+ started with
     * {@code --add-modules jdk.incubator.vector}, as the launcher does), else {@link #IN_MEMORY}. The default. Why:
     * without the Vector API an int8 score is a scalar loop over every dimension, and at 1M x 384 the int8 layout
     * then answers fewer queries per second than PQ at equal recall; with it, more (benchmarks/RESULTS-jmh.md, 3l).
     * Decided per segment when it is written; a reader on another JVM reads either.
     */
    AUTO
}
