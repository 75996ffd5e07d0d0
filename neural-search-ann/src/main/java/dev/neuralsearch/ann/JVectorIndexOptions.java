package dev.neuralsearch.ann;

/**
 * Tuning knobs of a {@link JVectorIndex}. Immutable; every {@code withX} returns a copy.
 *
 * @param maxDegree graph degree (JVector M), default 32
 * @param beamWidth construction beam width, default 100
 * @param overquery default rerank factor: the approximate pass gathers {@code k * overquery} candidates that are
 *                  rescored exactly (also the search beam), default 10
 * @param pqThreshold segments with at least this many vectors get PQ codes for the approximate pass (stored as
 *                    {@code pqLayout} says); smaller ones are traversed with exact scores from their full
 *                    vectors (the segment's vector file), default 1,000,000 (at the same overquery PQ traversal
 *                    loses recall; it
 *                    reads far fewer pages per query and, in the {@link PqLayout#IN_MEMORY} layout, keeps only
 *                    the codes resident; see docs/index.md)
 * @param pqSubspaces PQ subspaces (bytes per vector); 0 = dimension / 4 in the {@link PqLayout#IN_MEMORY} layout
 *                    (96 for 384 dims), dimension / 8 in {@link PqLayout#FUSED}
 * @param filterBruteForceLimit when a filter matches at most this many documents of a segment, that segment is
 *                              scanned exactly instead of searched through the graph, default 2048
 * @param expectedDocuments documents the Chronicle document store is first sized for, default 0: sized for what the
 *                          home holds (at least 1,024 entries); it grows past that by tiers within a map and by
 *                          rolling to a new map twice the store's size. Set it before a bulk load of known size
 * @param averageDocumentBytes average serialised document size for the store, default 512
 * @param maxSegments automatic compaction when a commit leaves more segments than this (0 = never), default 8
 * @param maxTombstoneRatio automatic compaction when this fraction of stored entries is dead (0 = never), default 0.3
 * @param buildThreads threads for graph construction and PQ encoding; 0 = available processors
 * @param verifyChecksums verify the CRC32 of every segment file when opening, default true
 * @param maxBufferedDocs when this many documents are buffered (searched by brute force) since the last commit or
 *                        flush, they are written as a graph segment that is searchable but not yet committed (it
 *                        becomes part of the next commit; a crash drops it), default 20,000
 * @param lexical analyzer and BM25 parameters of the lexical route (see docs/hybrid.md)
 * @param pqSearch search segments that carry approximate (int8 or PQ) codes with them (approximate traversal,
 *                 exact rerank of the {@code k * overquery} best); false traverses every segment with exact scores
 *                 from its full vectors (no rebuild needed, e.g. to compare both on one index), default true
 * @param pqLayout which approximate codes segments of at least {@code pqThreshold} vectors get, and where they keep
 *                 codes and full vectors, default {@link PqLayout#AUTO}: int8 codes ({@link PqLayout#INT8}) where
 *                 this JVM scores them with the Vector API, else PQ codes ({@link PqLayout#IN_MEMORY}); both hold
 *                 the codes in memory and read the full vectors from the segment's vector file only for the
 *                 rerank; {@link PqLayout#FUSED} writes JVector FusedPQ segments as before
 * @param mergeFlushedOnCommit when a commit leaves two or more segments written since the previous commit (the
 *                             flushes of a bulk load plus the commit's own), merge them into one right after the
 *                             commit (a rebuild of their graph), default true: a bulk load is then searched as one
 *                             graph instead of one per {@code maxBufferedDocs} documents (see docs/index.md)
 * @param heapVectorBytes heap budget of the whole index for copies of full vectors: committed segments without
 *                        PQ codes whose vectors fit what is left of it keep a copy on the heap, read by their exact
 *                        scoring instead of the mapped file, default 32 MiB (about 21,800 vectors of 384 dims;
 *                        0 = never; segments flushed before a commit never; measured in docs/index.md)
 * @param documentStore where hits' documents are read from, default {@link DocumentStoreKind#AUTO}: Chronicle Map where
 *                      the JVM allows it, else the segment files (see {@link DocumentStoreKind})
 */
public record JVectorIndexOptions(int maxDegree, int beamWidth, float overquery, int pqThreshold, int pqSubspaces,
                                  int filterBruteForceLimit, long expectedDocuments, int averageDocumentBytes,
                                  int maxSegments, double maxTombstoneRatio, int buildThreads,
                                  boolean verifyChecksums, int maxBufferedDocs, LexicalOptions lexical,
                                  boolean pqSearch, PqLayout pqLayout,
                                  boolean mergeFlushedOnCommit, long heapVectorBytes,
                                  DocumentStoreKind documentStore) {

    public static final JVectorIndexOptions DEFAULT =
            new JVectorIndexOptions(32, 100, 10f, 1_000_000, 0, 2048, 0, 512, 8, 0.3, 0, true, 20_000,
                    LexicalOptions.DEFAULT, true, PqLayout.AUTO, true, 32L << 20, DocumentStoreKind.AUTO);

    public JVectorIndexOptions {
        if (maxDegree < 2) {
            throw new IllegalArgumentException("maxDegree must be >= 2, was " + maxDegree);
        }
        if (beamWidth < 1) {
            throw new IllegalArgumentException("beamWidth must be >= 1, was " + beamWidth);
        }
        if (!(overquery >= 1f)) {
            throw new IllegalArgumentException("overquery must be >= 1, was " + overquery);
        }
        if (pqThreshold < 256) {
            throw new IllegalArgumentException("pqThreshold must be >= 256 (PQ trains 256 centroids), was " + pqThreshold);
        }
        if (pqSubspaces < 0 || filterBruteForceLimit < 0 || expectedDocuments < 0 || averageDocumentBytes < 1
                || maxSegments < 0 || maxTombstoneRatio < 0 || maxTombstoneRatio > 1 || buildThreads < 0
                || maxBufferedDocs < 1 || lexical == null || pqLayout == null || heapVectorBytes < 0
                || documentStore == null) {
            throw new IllegalArgumentException("invalid index options: " + this);
        }
    }

    public static JVectorIndexOptions defaults() {
        return DEFAULT;
    }

    public JVectorIndexOptions withMaxDegree(int v) {
        return new JVectorIndexOptions(v, beamWidth, overquery, pqThreshold, pqSubspaces, filterBruteForceLimit,
                expectedDocuments, averageDocumentBytes, maxSegments, maxTombstoneRatio, buildThreads, verifyChecksums, maxBufferedDocs, lexical, pqSearch, pqLayout, mergeFlushedOnCommit, heapVectorBytes, documentStore);
    }

    public JVectorIndexOptions withBeamWidth(int v) {
        return new JVectorIndexOptions(maxDegree, v, overquery, pqThreshold, pqSubspaces, filterBruteForceLimit,
                expectedDocuments, averageDocumentBytes, maxSegments, maxTombstoneRatio, buildThreads, verifyChecksums, maxBufferedDocs, lexical, pqSearch, pqLayout, mergeFlushedOnCommit, heapVectorBytes, documentStore);
    }

    public JVectorIndexOptions withOverquery(float v) {
        return new JVectorIndexOptions(maxDegree, beamWidth, v, pqThreshold, pqSubspaces, filterBruteForceLimit,
                expectedDocuments, averageDocumentBytes, maxSegments, maxTombstoneRatio, buildThreads, verifyChecksums, maxBufferedDocs, lexical, pqSearch, pqLayout, mergeFlushedOnCommit, heapVectorBytes, documentStore);
    }

    public JVectorIndexOptions withPqThreshold(int v) {
        return new JVectorIndexOptions(maxDegree, beamWidth, overquery, v, pqSubspaces, filterBruteForceLimit,
                expectedDocuments, averageDocumentBytes, maxSegments, maxTombstoneRatio, buildThreads, verifyChecksums, maxBufferedDocs, lexical, pqSearch, pqLayout, mergeFlushedOnCommit, heapVectorBytes, documentStore);
    }

    public JVectorIndexOptions withPqSubspaces(int v) {
        return new JVectorIndexOptions(maxDegree, beamWidth, overquery, pqThreshold, v, filterBruteForceLimit,
                expectedDocuments, averageDocumentBytes, maxSegments, maxTombstoneRatio, buildThreads, verifyChecksums, maxBufferedDocs, lexical, pqSearch, pqLayout, mergeFlushedOnCommit, heapVectorBytes, documentStore);
    }

    public JVectorIndexOptions withFilterBruteForceLimit(int v) {
        return new JVectorIndexOptions(maxDegree, beamWidth, overquery, pqThreshold, pqSubspaces, v,
                expectedDocuments, averageDocumentBytes, maxSegments, maxTombstoneRatio, buildThreads, verifyChecksums, maxBufferedDocs, lexical, pqSearch, pqLayout, mergeFlushedOnCommit, heapVectorBytes, documentStore);
    }

    public JVectorIndexOptions withExpectedDocuments(long v) {
        return new JVectorIndexOptions(maxDegree, beamWidth, overquery, pqThreshold, pqSubspaces, filterBruteForceLimit,
                v, averageDocumentBytes, maxSegments, maxTombstoneRatio, buildThreads, verifyChecksums, maxBufferedDocs, lexical, pqSearch, pqLayout, mergeFlushedOnCommit, heapVectorBytes, documentStore);
    }

    public JVectorIndexOptions withAverageDocumentBytes(int v) {
        return new JVectorIndexOptions(maxDegree, beamWidth, overquery, pqThreshold, pqSubspaces, filterBruteForceLimit,
                expectedDocuments, v, maxSegments, maxTombstoneRatio, buildThreads, verifyChecksums, maxBufferedDocs, lexical, pqSearch, pqLayout, mergeFlushedOnCommit, heapVectorBytes, documentStore);
    }

    public JVectorIndexOptions withMaxSegments(int v) {
        return new JVectorIndexOptions(maxDegree, beamWidth, overquery, pqThreshold, pqSubspaces, filterBruteForceLimit,
                expectedDocuments, averageDocumentBytes, v, maxTombstoneRatio, buildThreads, verifyChecksums, maxBufferedDocs, lexical, pqSearch, pqLayout, mergeFlushedOnCommit, heapVectorBytes, documentStore);
    }

    public JVectorIndexOptions withMaxTombstoneRatio(double v) {
        return new JVectorIndexOptions(maxDegree, beamWidth, overquery, pqThreshold, pqSubspaces, filterBruteForceLimit,
                expectedDocuments, averageDocumentBytes, maxSegments, v, buildThreads, verifyChecksums, maxBufferedDocs, lexical, pqSearch, pqLayout, mergeFlushedOnCommit, heapVectorBytes, documentStore);
    }

    public JVectorIndexOptions withBuildThreads(int v) {
        return new JVectorIndexOptions(maxDegree, beamWidth, overquery, pqThreshold, pqSubspaces, filterBruteForceLimit,
                expectedDocuments, averageDocumentBytes, maxSegments, maxTombstoneRatio, v, verifyChecksums, maxBufferedDocs, lexical, pqSearch, pqLayout, mergeFlushedOnCommit, heapVectorBytes, documentStore);
    }

    public JVectorIndexOptions withVerifyChecksums(boolean v) {
        return new JVectorIndexOptions(maxDegree, beamWidth, overquery, pqThreshold, pqSubspaces, filterBruteForceLimit,
                expectedDocuments, averageDocumentBytes, maxSegments, maxTombstoneRatio, buildThreads, v, maxBufferedDocs, lexical, pqSearch, pqLayout, mergeFlushedOnCommit, heapVectorBytes, documentStore);
    }

    public JVectorIndexOptions withMaxBufferedDocs(int v) {
        return new JVectorIndexOptions(maxDegree, beamWidth, overquery, pqThreshold, pqSubspaces, filterBruteForceLimit,
                expectedDocuments, averageDocumentBytes, maxSegments, maxTombstoneRatio, buildThreads, verifyChecksums, v, lexical, pqSearch, pqLayout, mergeFlushedOnCommit, heapVectorBytes, documentStore);
    }

    public JVectorIndexOptions withLexical(LexicalOptions v) {
        return new JVectorIndexOptions(maxDegree, beamWidth, overquery, pqThreshold, pqSubspaces, filterBruteForceLimit,
                expectedDocuments, averageDocumentBytes, maxSegments, maxTombstoneRatio, buildThreads, verifyChecksums,
                maxBufferedDocs, v, pqSearch, pqLayout, mergeFlushedOnCommit, heapVectorBytes, documentStore);
    }

    public JVectorIndexOptions withPqSearch(boolean v) {
        return new JVectorIndexOptions(maxDegree, beamWidth, overquery, pqThreshold, pqSubspaces, filterBruteForceLimit,
                expectedDocuments, averageDocumentBytes, maxSegments, maxTombstoneRatio, buildThreads, verifyChecksums,
                maxBufferedDocs, lexical, v, pqLayout, mergeFlushedOnCommit, heapVectorBytes, documentStore);
    }

    public JVectorIndexOptions withPqLayout(PqLayout v) {
        return new JVectorIndexOptions(maxDegree, beamWidth, overquery, pqThreshold, pqSubspaces, filterBruteForceLimit,
                expectedDocuments, averageDocumentBytes, maxSegments, maxTombstoneRatio, buildThreads, verifyChecksums,
                maxBufferedDocs, lexical, pqSearch, v, mergeFlushedOnCommit, heapVectorBytes, documentStore);
    }

    public JVectorIndexOptions withMergeFlushedOnCommit(boolean v) {
        return new JVectorIndexOptions(maxDegree, beamWidth, overquery, pqThreshold, pqSubspaces, filterBruteForceLimit,
                expectedDocuments, averageDocumentBytes, maxSegments, maxTombstoneRatio, buildThreads, verifyChecksums,
                maxBufferedDocs, lexical, pqSearch, pqLayout, v, heapVectorBytes, documentStore);
    }

    public JVectorIndexOptions withHeapVectorBytes(long v) {
        return new JVectorIndexOptions(maxDegree, beamWidth, overquery, pqThreshold, pqSubspaces, filterBruteForceLimit,
                expectedDocuments, averageDocumentBytes, maxSegments, maxTombstoneRatio, buildThreads, verifyChecksums,
                maxBufferedDocs, lexical, pqSearch, pqLayout, mergeFlushedOnCommit, v, documentStore);
    }

    public JVectorIndexOptions withDocumentStore(DocumentStoreKind v) {
        return new JVectorIndexOptions(maxDegree, beamWidth, overquery, pqThreshold, pqSubspaces, filterBruteForceLimit,
                expectedDocuments, averageDocumentBytes, maxSegments, maxTombstoneRatio, buildThreads, verifyChecksums,
                maxBufferedDocs, lexical, pqSearch, pqLayout, mergeFlushedOnCommit, heapVectorBytes, v);
    }

    /** The analyzer of a new index home (an existing home keeps the one it was made with). */
    public JVectorIndexOptions withLexicalAnalyzer(LexicalAnalyzer v) {
        return withLexical(lexical.withAnalyzer(v));
    }

    /** BM25 parameters of lexical searches. */
    public JVectorIndexOptions withBm25(float k1, float b) {
        return withLexical(lexical.withBm25(k1, b));
    }

    public int effectiveBuildThreads() {
        return buildThreads > 0 ? buildThreads : Runtime.getRuntime().availableProcessors();
    }
}
