package dev.neuralsearch.ann.read;

import dev.neuralsearch.ann.CorruptIndexException;
import dev.neuralsearch.ann.commit.Manifest;
import dev.neuralsearch.ann.format.Adjacency;
import dev.neuralsearch.ann.format.DocsFile;
import dev.neuralsearch.ann.format.GraphFile;
import dev.neuralsearch.ann.format.Int8Codes;
import dev.neuralsearch.ann.format.Int8File;
import dev.neuralsearch.ann.format.PqCodes;
import dev.neuralsearch.ann.format.PqFile;
import dev.neuralsearch.ann.format.SegmentFeatures;
import dev.neuralsearch.ann.format.SegmentFiles;
import dev.neuralsearch.ann.format.SegmentIds;
import dev.neuralsearch.ann.format.TombstoneFile;
import dev.neuralsearch.ann.format.VectorFile;
import dev.neuralsearch.ann.format.legacy.GraphVectors;
import dev.neuralsearch.ann.vector.Vectorization;
import dev.neuralsearch.core.Document;
import dev.neuralsearch.core.Filter;
import io.github.jbellis.jvector.graph.GraphSearcher;
import io.github.jbellis.jvector.graph.disk.OnDiskGraphIndex;
import io.github.jbellis.jvector.util.Bits;
import io.github.jbellis.jvector.util.FixedBitSet;
import io.github.jbellis.jvector.vector.VectorSimilarityFunction;
import io.github.jbellis.jvector.vector.VectorizationProvider;
import io.github.jbellis.jvector.vector.types.VectorFloat;
import io.github.jbellis.jvector.vector.types.VectorTypeSupport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/**
 * An open, immutable on-disk segment plus its mutable tombstones: the segment reader. Ids and metadata of every
 * ordinal are kept in memory (metadata maps are interned), so filters become JVector {@link Bits} evaluated during
 * graph search ({@link SegmentSearch}). What the files hold is the segment's {@link SegmentFeatures}. Reference
 * counted: closed when the last snapshot that holds it is released.
 */
public final class Segment {
    private static final VectorTypeSupport VTS = VectorizationProvider.getInstance().getVectorTypeSupport();

    /** The segment's manifest entry as of the last commit that included it (or as written, before that). */
    private volatile Manifest.SegmentEntry entry;
    final int id;
    final int count;
    final SegmentIds ids;
    private final Map<String, Object>[] metadata;
    private final long[] docOffsets;
    final ConcurrentBits deleted;
    /** Tombstones already in the committed manifest. */
    private volatile int persistedTombstones;
    private final GraphFile graphFile;
    final OnDiskGraphIndex graph;
    final SegmentFeatures features;
    /** PQ codes held in memory (segments with a PQ file), else null. */
    final PqCodes pqCodes;
    /** Int8 codes held in memory (segments with an int8 file), else null. */
    final Int8Codes int8Codes;
    /** Dimension of the full vectors (the graph's own is 1 with a vector file). */
    private final int dimension;
    /** The mapped full vectors (segments with a vector file), else null. */
    final VectorFile vectorFile;
    /**
     * Heap copies of the full vectors of a small segment without PQ codes (within the index's
     * {@code heapVectorBytes} budget), else null: exact scores then read no mapped memory at all.
     */
    final Vectorization.StoredVectors heapVectors;
    private final Path docsPath;
    /**
     * The doc file, open for the segment's lifetime (positional reads are thread-safe): a document is read without
     * an open per read, and a read-only reader still reads it after a writer's compaction unlinked the file. An
     * interrupted read closes a channel for every thread: it is then reopened by path.
     */
    private volatile FileChannel docsChannel;
    private final RefCount refs = new RefCount();
    /** Runs after the segment is closed (cleanup of a merged-away segment: store entries and files). */
    private volatile Runnable onClose;
    /** Bulk reads of the layer-0 neighbour lists for {@link GraphSearch}, or null (read through JVector). */
    final Adjacency adjacency;
    /** Reusable searchers (each owns a view/reader): JVector's, and ours ({@link GraphSearch}). */
    final SearcherPool<GraphSearcher> searchers = new SearcherPool<>();
    final SearcherPool<GraphSearch> ownSearches = new SearcherPool<>();
    final FilterMatches filters;
    private final SegmentSearch search = new SegmentSearch(this);

    private Segment(Manifest.SegmentEntry entry, DocsFile.Loaded docs, ConcurrentBits deleted, GraphFile graphFile,
                    PqCodes pqCodes, Int8Codes int8Codes, VectorFile vectorFile, int dimension, Path docsPath,
                    FileChannel docsChannel, Vectorization.StoredVectors heapVectors, Adjacency adjacency) {
        this.entry = entry;
        this.adjacency = adjacency;
        this.id = entry.id();
        this.count = entry.count();
        this.ids = docs.ids();
        this.metadata = docs.metadata();
        this.docOffsets = docs.offsets();
        this.deleted = deleted;
        this.persistedTombstones = deleted.cardinality();
        this.graphFile = graphFile;
        this.graph = graphFile.graph();
        this.features = entry.features();
        this.pqCodes = pqCodes;
        this.int8Codes = int8Codes;
        this.vectorFile = vectorFile;
        this.dimension = dimension;
        this.docsPath = docsPath;
        this.docsChannel = docsChannel;
        this.heapVectors = heapVectors;
        this.filters = new FilterMatches(count, metadata);
    }

    public int id() {
        return id;
    }

    /** Number of entries, dead or alive. */
    public int count() {
        return count;
    }

    public SegmentIds ids() {
        return ids;
    }

    /** The tombstones: set bits are deleted ordinals. */
    public ConcurrentBits deleted() {
        return deleted;
    }

    /** The segment's manifest entry as of the last commit that included it (or as written, before that). */
    public Manifest.SegmentEntry entry() {
        return entry;
    }

    /** Tombstones already in the committed manifest. */
    public int persistedTombstones() {
        return persistedTombstones;
    }

    /** A commit made {@code e} (with its tombstone file) this segment's entry. */
    public void committed(Manifest.SegmentEntry e) {
        entry = e;
        persistedTombstones = e.tombstones();
    }

    /** Runs {@code cleanup} once the segment is closed, i.e. when the last snapshot holding it is released. */
    public void onClose(Runnable cleanup) {
        onClose = cleanup;
    }

    /**
     * Opens a committed segment, checking presence, sizes and (optionally) CRC32s of its files. A segment without
     * PQ codes whose full vectors take at most {@code heapVectorBytes} (what is left of the index's budget) is also
     * copied to the heap.
     */
    public static Segment open(Path home, Manifest.SegmentEntry e, int dimension, boolean verifyChecksums,
                               long heapVectorBytes) {
        Path graphPath = home.resolve(e.graphFile());
        Path docsPath = home.resolve(e.docsFile());
        SegmentFiles.check(graphPath, e.graphBytes(), e.graphCrc(), verifyChecksums, false);
        SegmentFiles.check(docsPath, e.docsBytes(), e.docsCrc(), verifyChecksums, false);
        SegmentFeatures features = e.features();
        PqCodes codes = null;
        if (features.pqFile()) {
            Path pqPath = home.resolve(e.pqFile());
            // copied to the heap: no need to cache
            SegmentFiles.check(pqPath, e.pqBytes(), e.pqCrc(), verifyChecksums, true);
            codes = PqFile.read(pqPath, e.count());
        }
        Int8Codes int8 = null;
        if (features.int8File()) {
            Path int8Path = home.resolve(e.pqFile());
            SegmentFiles.check(int8Path, e.pqBytes(), e.pqCrc(), verifyChecksums, true);
            int8 = Int8File.read(int8Path, e.count(), dimension);
        }
        Path vectorsPath = null;
        if (features.vectorFile()) {
            vectorsPath = home.resolve(e.vectorsFile());
            // a PQ segment reads its full vectors only to rerank: checked without filling the page cache
            SegmentFiles.check(vectorsPath, e.vectorsBytes(), e.vectorsCrc(), verifyChecksums, e.pq());
        }
        ConcurrentBits deleted = new ConcurrentBits(e.count());
        if (e.tombstoneFile() != null) {
            Path t = home.resolve(e.tombstoneFile());
            SegmentFiles.check(t, e.tombstoneBytes(), e.tombstoneCrc(), true, false);
            deleted = ConcurrentBits.fromWords(TombstoneFile.read(t, e.count()), e.count());
        }
        DocsFile.Loaded docs;
        try {
            docs = DocsFile.readIndex(docsPath, e.count());
        } catch (IOException ex) {
            throw new CorruptIndexException(docsPath, "cannot read: " + ex.getMessage(), ex);
        }
        GraphFile gf = null;
        VectorFile vf = null;
        FileChannel docsChannel = null;
        try {
            docsChannel = FileChannel.open(docsPath, StandardOpenOption.READ);
            gf = GraphFile.open(graphPath, features, e.count(), dimension);
            OnDiskGraphIndex g = gf.graph();
            if (vectorsPath != null) {
                vf = VectorFile.open(vectorsPath, e.count(), dimension, e.pq()); // PQ: read at random, to rerank
            }
            Vectorization.StoredVectors heap = null;
            if (!e.pq() && vectorBytes(e.count(), dimension) <= heapVectorBytes) {
                float[][] copies = new float[e.count()][];
                try (var view = g.getView()) {
                    for (int i = 0; i < copies.length; i++) {
                        copies[i] = vf != null ? vf.copy(i) : GraphVectors.toArray(view, i);
                    }
                }
                heap = Vectorization.get().onHeap(copies);
            }
            Adjacency adjacency = vf != null || heap != null ? Adjacency.open(graphPath, g, e.pq()) : null;
            return new Segment(e, docs, deleted, gf, codes, int8, vf, dimension, docsPath, docsChannel, heap,
                    adjacency);
        } catch (IOException | RuntimeException ex) {
            closeQuietly(docsChannel);
            closeQuietly(vf);
            closeQuietly(gf == null ? null : gf.readers());
            if (ex instanceof CorruptIndexException c) {
                throw c;
            }
            throw new CorruptIndexException(graphPath, "cannot load graph: " + ex, ex);
        }
    }

    public boolean tryAcquire() {
        return refs.tryAcquire();
    }

    public void release() {
        if (refs.release()) {
            searchers.closeAll();
            ownSearches.closeAll();
            closeQuietly(adjacency);
            try {
                graph.close();
            } catch (IOException ignored) {
                // nothing useful to do
            }
            closeQuietly(graphFile.readers());
            closeQuietly(vectorFile);
            closeQuietly(docsChannel);
            Runnable r = onClose;
            if (r != null) {
                try {
                    r.run();
                } catch (RuntimeException ignored) {
                    // leftovers are removed at the next open
                }
            }
        }
    }

    static void closeQuietly(AutoCloseable c) {
        if (c != null) {
            try {
                c.close();
            } catch (Exception ignored) {
                // best effort
            }
        }
    }

    /** Bytes of heap copies of the vectors this segment holds (0 without them). */
    public long heapVectorBytes() {
        return heapVectors == null ? 0 : vectorBytes(count, dimension);
    }

    private static long vectorBytes(int count, int dimension) {
        return (long) count * dimension * Float.BYTES;
    }

    public int liveCount() {
        return count - deleted.cardinality();
    }

    /** Collects up to k candidates of this segment into {@code out} (see {@link SegmentSearch}). */
    void search(VectorFloat<?> q, int k, int rerankK, int rescoreK, Filter filter, VectorSimilarityFunction vsf,
                int bruteForceLimit, boolean usePq, Candidates out) {
        search.search(q, k, rerankK, rescoreK, filter, vsf, bruteForceLimit, usePq, out);
    }

    /** Exact scan over live ordinals, restricted to {@code accept} unless it is null. */
    void exact(VectorFloat<?> q, int k, FixedBitSet accept, VectorSimilarityFunction vsf, Candidates out) {
        search.exact(q, k, accept, vsf, out);
    }

    /** Visits live ordinals with a heap copy of their vector (compaction). */
    public void forEachLive(java.util.function.BiConsumer<Integer, VectorFloat<?>> action) {
        try (var view = graph.getView()) {
            OnDiskGraphIndex.View v = view;
            for (int i = 0; i < count; i++) {
                if (!deleted.get(i)) {
                    action.accept(i, heapVectors != null || vectorFile != null ? VTS.createFloatVector(vector(i))
                            : GraphVectors.copy(v, i));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A copy of the full vector of {@code ord}. */
    public float[] vector(int ord) {
        if (heapVectors != null) {
            float[] f = new float[dimension];
            heapVectors.read(ord, f);
            return f;
        }
        if (vectorFile != null) {
            return vectorFile.copy(ord);
        }
        try (var view = graph.getView()) {
            return GraphVectors.toArray(view, ord);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads every document of the doc file in ordinal order, dead or alive (rebuilding a document store). */
    public void forEachDocument(java.util.function.ObjIntConsumer<Document> action) throws IOException {
        DocsFile.forEach(docsPath, metadata, action);
    }

    /** Reads a document from the segment's doc file (fallback when the store lacks it). */
    public Document readDocument(int ord) {
        try {
            FileChannel ch = docsChannel;
            try {
                return DocsFile.readAt(ch, docOffsets[ord], metadata[ord]);
            } catch (java.nio.channels.ClosedChannelException closed) {
                if (refs.closed()) {
                    throw closed;
                }
                synchronized (this) { // another thread's interrupt closed it: reopen once for everyone
                    if (docsChannel == ch) {
                        docsChannel = FileChannel.open(docsPath, StandardOpenOption.READ);
                    }
                }
                return DocsFile.readAt(docsChannel, docOffsets[ord], metadata[ord]);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read document " + ord + " of " + docsPath, e);
        }
    }
}
