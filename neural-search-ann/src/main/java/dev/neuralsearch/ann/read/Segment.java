package dev.neuralsearch.ann.read;

import dev.neuralsearch.ann.CorruptIndexException;
import dev.neuralsearch.ann.commit.Manifest;
import dev.neuralsearch.ann.format.Adjacency;
import dev.neuralsearch.ann.format.DocsFile;
import dev.neuralsearch.ann.format.FileUtil;
import dev.neuralsearch.ann.format.PqCodes;
import dev.neuralsearch.ann.format.SegmentIds;
import dev.neuralsearch.ann.format.VectorFile;
import dev.neuralsearch.ann.vector.Vectorization;
import dev.neuralsearch.ann.write.SegmentWriter;
import dev.neuralsearch.core.Document;
import dev.neuralsearch.core.Filter;
import io.github.jbellis.jvector.disk.RandomAccessReader;
import io.github.jbellis.jvector.disk.ReaderSupplier;
import io.github.jbellis.jvector.disk.ReaderSupplierFactory;
import io.github.jbellis.jvector.graph.GraphSearcher;
import io.github.jbellis.jvector.graph.SearchResult;
import io.github.jbellis.jvector.graph.disk.OnDiskGraphIndex;
import io.github.jbellis.jvector.graph.disk.feature.FeatureId;
import io.github.jbellis.jvector.graph.similarity.DefaultSearchScoreProvider;
import io.github.jbellis.jvector.graph.similarity.ScoreFunction;
import io.github.jbellis.jvector.util.Bits;
import io.github.jbellis.jvector.util.FixedBitSet;
import io.github.jbellis.jvector.vector.VectorSimilarityFunction;
import io.github.jbellis.jvector.vector.VectorizationProvider;
import io.github.jbellis.jvector.vector.types.VectorFloat;
import io.github.jbellis.jvector.vector.types.VectorTypeSupport;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Map;

/**
 * An open, immutable on-disk segment plus its mutable tombstones. Ids and metadata of every ordinal are kept in
 * memory (metadata maps are interned), so filters become JVector {@link Bits} evaluated during graph search.
 * Reference counted: closed when the last snapshot that holds it is released.
 */
public final class Segment {
    private static final byte[] DEL_MAGIC = "NSDEL001".getBytes(StandardCharsets.US_ASCII);

    /** The segment's manifest entry as of the last commit that included it (or as written, before that). */
    private volatile Manifest.SegmentEntry entry;
    public final int id;
    public final int count;
    public final SegmentIds ids;
    public final Map<String, Object>[] metadata;
    final long[] docOffsets;
    public final ConcurrentBits deleted;
    /** Tombstones already in the committed manifest. */
    private volatile int persistedTombstones;
    private final ReaderSupplier readers;
    final OnDiskGraphIndex graph;
    final Manifest.SegmentLayout layout;
    /** PQ codes held in memory (layouts with a {@link Manifest.SegmentLayout#hasPqFile() PQ file}), else null. */
    final PqCodes pqCodes;
    /** Dimension of the full vectors (the graph's own is 1 in the layouts with a vector file). */
    final int dimension;
    /** The mapped full vectors (layouts with a {@link Manifest.SegmentLayout#hasVectorFile() vector file}), else null. */
    private final VectorFile vectorFile;
    /**
     * Heap copies of the full vectors of a small segment without PQ codes (within the index's
     * {@code heapVectorBytes} budget), else null: exact scores then read no mapped memory at all.
     */
    private final Vectorization.StoredVectors heapVectors;
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
    private final Adjacency adjacency;
    /** Reusable searchers (each owns a view/reader): JVector's, and ours ({@link GraphSearch}). */
    private final Pool<GraphSearcher> searchers = new Pool<>();
    private final Pool<GraphSearch> ownSearches = new Pool<>();
    /** {@code -Dneuralsearch.graphSearch=jvector} searches every segment with JVector's searcher (comparisons). */
    private static final boolean OWN_GRAPH_SEARCH = !"jvector".equals(System.getProperty("neuralsearch.graphSearch"));

    /** Searchers borrowed per query and given back for reuse (at most 64 kept), closed with the segment. */
    private static final class Pool<T extends java.io.Closeable> {
        private final java.util.concurrent.ConcurrentLinkedQueue<T> idle =
                new java.util.concurrent.ConcurrentLinkedQueue<>();

        T borrow(java.util.function.Supplier<T> create) {
            T t = idle.poll();
            return t != null ? t : create.get();
        }

        /** Keeps {@code t} for the next query if it ended cleanly ({@code reusable}), else closes it. */
        void giveBack(T t, boolean reusable) {
            if (reusable && idle.size() < 64) {
                idle.offer(t);
            } else {
                closeQuietly(t);
            }
        }

        void closeAll() {
            T t;
            while ((t = idle.poll()) != null) {
                closeQuietly(t);
            }
        }
    }

    private Segment(Manifest.SegmentEntry entry, DocsFile.Loaded docs, ConcurrentBits deleted, ReaderSupplier readers,
                    OnDiskGraphIndex graph, PqCodes pqCodes, VectorFile vectorFile, int dimension, Path docsPath,
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
        this.readers = readers;
        this.graph = graph;
        this.layout = entry.effectiveLayout();
        this.pqCodes = pqCodes;
        this.vectorFile = vectorFile;
        this.dimension = dimension;
        this.docsPath = docsPath;
        this.docsChannel = docsChannel;
        this.heapVectors = heapVectors;
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
        check(graphPath, e.graphBytes(), e.graphCrc(), verifyChecksums);
        check(docsPath, e.docsBytes(), e.docsCrc(), verifyChecksums);
        Manifest.SegmentLayout layout = e.effectiveLayout();
        PqCodes codes = null;
        if (layout.hasPqFile()) {
            Path pqPath = home.resolve(e.pqFile());
            check(pqPath, e.pqBytes(), e.pqCrc(), verifyChecksums, true); // copied to the heap: no need to cache
            codes = readPq(pqPath, e.count());
        }
        Path vectorsPath = null;
        if (layout.hasVectorFile()) {
            vectorsPath = home.resolve(e.vectorsFile());
            // a PQ segment reads its full vectors only to rerank: checked without filling the page cache
            check(vectorsPath, e.vectorsBytes(), e.vectorsCrc(), verifyChecksums, e.pq());
        }
        ConcurrentBits deleted = new ConcurrentBits(e.count());
        if (e.tombstoneFile() != null) {
            Path t = home.resolve(e.tombstoneFile());
            check(t, e.tombstoneBytes(), e.tombstoneCrc(), true);
            deleted = readTombstones(t, e.count());
        }
        DocsFile.Loaded docs;
        try {
            docs = DocsFile.readIndex(docsPath, e.count());
        } catch (IOException ex) {
            throw new CorruptIndexException(docsPath, "cannot read: " + ex.getMessage(), ex);
        }
        ReaderSupplier rs = null;
        VectorFile vf = null;
        FileChannel docsChannel = null;
        try {
            docsChannel = FileChannel.open(docsPath, StandardOpenOption.READ);
            rs = ReaderSupplierFactory.open(graphPath);
            OnDiskGraphIndex g = OnDiskGraphIndex.load(rs);
            if (g.getIdUpperBound() < e.count()) {
                throw new CorruptIndexException(graphPath, "graph has " + g.getIdUpperBound()
                        + " nodes, manifest says " + e.count());
            }
            FeatureId vectors = layout == Manifest.SegmentLayout.PQ_IN_MEMORY || layout.hasVectorFile()
                    ? FeatureId.SEPARATED_VECTORS : FeatureId.INLINE_VECTORS;
            if (!g.getFeatureSet().contains(vectors)
                    || g.getFeatureSet().contains(FeatureId.FUSED_PQ) != (layout == Manifest.SegmentLayout.FUSED_PQ)) {
                throw new CorruptIndexException(graphPath, "graph features " + g.getFeatureSet()
                        + " do not match the segment layout " + layout + " recorded in the manifest");
            }
            int graphDimension = layout.hasVectorFile() ? 1 : dimension;
            if (g.getDimension() != graphDimension) {
                throw new CorruptIndexException(graphPath, "graph has vectors of " + g.getDimension()
                        + " dimensions, expected " + graphDimension + " (layout " + layout + ")");
            }
            if (vectorsPath != null) {
                vf = VectorFile.open(vectorsPath, e.count(), dimension, e.pq()); // PQ: read at random, to rerank
            }
            Vectorization.StoredVectors heap = null;
            if (!e.pq() && vectorBytes(e.count(), dimension) <= heapVectorBytes) {
                float[][] copies = new float[e.count()][];
                try (var view = g.getView()) {
                    for (int i = 0; i < copies.length; i++) {
                        copies[i] = vf != null ? vf.copy(i) : toArray(view.getVector(i));
                    }
                }
                heap = Vectorization.get().onHeap(copies);
            }
            Adjacency adjacency = vf != null || heap != null ? Adjacency.open(graphPath, g) : null;
            return new Segment(e, docs, deleted, rs, g, codes, vf, dimension, docsPath, docsChannel, heap, adjacency);
        } catch (IOException | RuntimeException ex) {
            closeQuietly(docsChannel);
            closeQuietly(vf);
            closeQuietly(rs);
            if (ex instanceof CorruptIndexException c) {
                throw c;
            }
            throw new CorruptIndexException(graphPath, "cannot load graph: " + ex, ex);
        }
    }

    /** Loads a PQ code file ({@link SegmentWriter#PQ_MAGIC} header + JVector PQVectors) into memory. */
    static PqCodes readPq(Path file, int count) {
        try (ReaderSupplier rs = ReaderSupplierFactory.open(file); RandomAccessReader in = rs.get()) {
            byte[] magic = new byte[SegmentWriter.PQ_MAGIC.length];
            in.readFully(magic);
            if (!Arrays.equals(magic, SegmentWriter.PQ_MAGIC)) {
                throw new CorruptIndexException(file, "not a PQ code file (bad magic)");
            }
            int n = in.readInt();
            in.readInt(); // dimension, informative
            if (n != count) {
                throw new CorruptIndexException(file, "PQ code file holds " + n + " vectors, manifest says " + count);
            }
            PqCodes codes = PqCodes.read(in);
            if (codes.count() != count) {
                throw new CorruptIndexException(file, "PQ code file decodes to " + codes.count()
                        + " vectors, manifest says " + count);
            }
            if (in.getPosition() != in.length()) {
                throw new CorruptIndexException(file, (in.length() - in.getPosition())
                        + " bytes after the PQ codes");
            }
            return codes;
        } catch (CorruptIndexException ex) {
            throw ex;
        } catch (IOException | RuntimeException ex) {
            throw new CorruptIndexException(file, "cannot load PQ codes: " + ex, ex);
        }
    }

    private static void check(Path file, long bytes, long crc, boolean verifyCrc) {
        check(file, bytes, crc, verifyCrc, false);
    }

    /** With {@code direct}, a large file is checksummed without going through the page cache ({@link FileUtil}). */
    private static void check(Path file, long bytes, long crc, boolean verifyCrc, boolean direct) {
        long size;
        try {
            size = Files.size(file);
        } catch (NoSuchFileException ex) {
            throw new CorruptIndexException(file, "file referenced by the manifest is missing", ex);
        } catch (IOException ex) {
            throw new CorruptIndexException(file, "cannot stat: " + ex.getMessage(), ex);
        }
        if (size != bytes) {
            throw new CorruptIndexException(file, "size is " + size + " bytes, manifest says " + bytes
                    + " (truncated or overwritten)");
        }
        if (verifyCrc) {
            try {
                long actual = FileUtil.crc32(file, direct);
                if (actual != crc) {
                    throw new CorruptIndexException(file, String.format(
                            "CRC32 mismatch (manifest %08x, file %08x): the file is corrupted", crc, actual));
                }
            } catch (IOException ex) {
                throw new CorruptIndexException(file, "cannot read: " + ex.getMessage(), ex);
            }
        }
    }

    static ConcurrentBits readTombstones(Path file, int count) {
        try (DataInputStream in = new DataInputStream(Files.newInputStream(file))) {
            byte[] magic = new byte[DEL_MAGIC.length];
            in.readFully(magic);
            int len = in.readInt();
            if (!Arrays.equals(magic, DEL_MAGIC) || len != count) {
                throw new CorruptIndexException(file, "not a tombstone file for " + count + " entries");
            }
            long[] words = new long[in.readInt()];
            for (int i = 0; i < words.length; i++) {
                words[i] = in.readLong();
            }
            return ConcurrentBits.fromWords(words, count);
        } catch (EOFException ex) {
            throw new CorruptIndexException(file, "tombstone file is truncated", ex);
        } catch (IOException ex) {
            throw new CorruptIndexException(file, "cannot read: " + ex.getMessage(), ex);
        }
    }

    public static void writeTombstones(Path file, long[] words, int count) throws IOException {
        try (DataOutputStream out = new DataOutputStream(new java.io.BufferedOutputStream(Files.newOutputStream(
                file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)))) {
            out.write(DEL_MAGIC);
            out.writeInt(count);
            out.writeInt(words.length);
            for (long w : words) {
                out.writeLong(w);
            }
        }
        FileUtil.fsync(file);
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
            closeQuietly(readers);
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

    private static void closeQuietly(AutoCloseable c) {
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

    /**
     * Ordinals whose (immutable) metadata match a filter, dead or alive; cached per segment by filter value. Also
     * learns, per filter, how many nodes a graph search scores per candidate ({@link #visitsPerCandidate}, an
     * exponential average, NaN until the first graph search), which decides between graph search and exact scan.
     */
    static final class Match {
        final FixedBitSet bits;
        final int cardinality;
        volatile double visitsPerCandidate = Double.NaN;

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

        void observe(double perCandidate) {
            double old = visitsPerCandidate;
            visitsPerCandidate = Double.isNaN(old) ? perCandidate : 0.75 * old + 0.25 * perCandidate;
        }
    }

    /**
     * Cost of scoring one node during a graph search, in units of one step of an exact scan (read a full vector,
     * score it). An exact traversal step reads a random full vector, so it costs more than a sequential scan step; a
     * PQ step is a table lookup over codes, a fraction of one. The same PQ cost is used for codes held in memory
     * (IN_MEMORY layout) and for FusedPQ, whose speeds are close. The constants were calibrated with FilterProbe and
     * AnnBench on 100k x 384; the measurements are in docs/index.md.
     */
    static final double EXACT_VISIT_COST = 1.5;
    static final double PQ_VISIT_COST = 0.25;

    private final java.util.concurrent.ConcurrentHashMap<Filter, Match> filterCache =
            new java.util.concurrent.ConcurrentHashMap<>();

    Match match(Filter filter) {
        Match m = filterCache.get(filter);
        if (m == null) {
            FixedBitSet bits = new FixedBitSet(count);
            for (int i = 0; i < count; i++) {
                if (filter.matches(metadata[i])) {
                    bits.set(i);
                }
            }
            m = new Match(bits, bits.cardinality());
            if (filterCache.size() >= 256) {
                filterCache.clear(); // crude bound; a hot filter is recomputed once
            }
            filterCache.put(filter, m);
        }
        return m;
    }

    /** Collects up to k candidates of this segment into {@code out}. */
    void search(VectorFloat<?> q, int k, int rerankK, Filter filter, VectorSimilarityFunction vsf,
                int bruteForceLimit, boolean usePq, Candidates out) {
        // When the graph search would consider as many candidates as the segment holds, an exact scan costs the
        // same and cannot miss a node that the graph fails to reach.
        int candidates = Math.max(k, rerankK);
        Bits accept;
        if (filter.matchesAll()) {
            if (count <= candidates) {
                exact(q, k, null, vsf, out);
                return;
            }
            accept = deleted.isEmpty() ? Bits.ALL : (Bits) ord -> !deleted.get(ord);
        } else {
            Match m = match(filter);
            if (m.cardinality() == 0) {
                return;
            }
            if (m.cardinality() <= Math.max(bruteForceLimit, candidates)) {
                exact(q, k, m.bits(), vsf, out);
                return;
            }
            // Graph search or exact scan of the matches, whichever is cheaper: a selective filter makes the graph
            // search score many non-matching nodes (10 % of 100k: 6x the nodes of an unfiltered search, more than
            // the 10,000 matches). The cost per filter is learnt from earlier searches; the first one (or any that
            // turns out too expensive) is abandoned once it has spent what the scan costs.
            boolean pq = usePq && entry.pq();
            double visitCost = pq ? PQ_VISIT_COST : EXACT_VISIT_COST;
            double perCandidate = m.visitsPerCandidate;
            if (!Double.isNaN(perCandidate) && perCandidate * candidates * visitCost >= m.cardinality()) {
                exact(q, k, m.bits(), vsf, out);
                return;
            }
            FixedBitSet bits = m.bits();
            accept = deleted.isEmpty() ? bits : (Bits) ord -> bits.get(ord) && !deleted.get(ord);
            VisitBudget budget = new VisitBudget((int) Math.min(Integer.MAX_VALUE, m.cardinality() / visitCost));
            if (!graphSearch(q, k, rerankK, accept, vsf, pq, budget, out)) {
                m.observe((double) budget.visits() / candidates);
                exact(q, k, m.bits(), vsf, out);
                return;
            }
            m.observe((double) budget.visits() / candidates);
            return;
        }
        graphSearch(q, k, rerankK, accept, vsf, usePq && entry.pq(), null, out);
    }

    /** Returns false (and offers nothing) when {@code budget} ran out before the search finished. */
    private boolean graphSearch(VectorFloat<?> q, int k, int rerankK, Bits accept, VectorSimilarityFunction vsf,
                                boolean pq, VisitBudget budget, Candidates out) {
        if (OWN_GRAPH_SEARCH && (heapVectors != null || vectorFile != null) && (!pq || pqCodes != null)) {
            return ownGraphSearch(q, k, Math.max(k, rerankK), accept, vsf, pq, budget, out);
        }
        GraphSearcher searcher = searchers.borrow(() -> new GraphSearcher(graph));
        boolean ok = false;
        try {
            var view = (OnDiskGraphIndex.View) searcher.getView();
            ScoreFunction.ExactScoreFunction reranker = reranker(view, q, vsf);
            ScoreFunction traversal = !pq ? reranker
                    : pqCodes != null
                    ? (ScoreFunction.ApproximateScoreFunction) pqCodes.scorer(toArray(q), vsf)::similarityTo
                    : view.approximateScoreFunctionFor(q, vsf);
            if (budget != null) {
                traversal = budget.wrap(traversal);
            }
            DefaultSearchScoreProvider ssp = pq
                    ? new DefaultSearchScoreProvider(traversal, reranker)
                    : new DefaultSearchScoreProvider(traversal);
            SearchResult r;
            try {
                r = searcher.search(ssp, k, Math.max(k, rerankK), 0f, 0f, accept);
            } catch (RuntimeException e) {
                if (e != VisitBudget.EXCEEDED) {
                    throw e;
                }
                ok = true; // the searcher resets its state at the next search
                return false;
            }
            for (SearchResult.NodeScore ns : r.getNodes()) {
                out.offer(ns.score, id, ns.node, ids.get(ns.node), null);
            }
            ok = true;
            return true;
        } finally {
            searchers.giveBack(searcher, ok);
        }
    }

    /**
     * {@link #graphSearch} with our {@link GraphSearch}: exact traversal, or (with {@code pq}) traversal of the PQ
     * codes in memory and an exact rerank of the {@code ef} found.
     */
    private boolean ownGraphSearch(VectorFloat<?> q, int k, int ef, Bits accept, VectorSimilarityFunction vsf,
                                   boolean pq, VisitBudget budget, Candidates out) {
        GraphSearch search = ownSearches.borrow(() -> new GraphSearch(graph, adjacency));
        boolean ok = false;
        try {
            float[] query = toArray(q);
            Vectorization.Scorer exact = heapVectors != null ? heapVectors.scorer(query, vsf)
                    : vectorFile.scorer(query, vsf);
            Vectorization.Scorer traversal = exact;
            if (pq) {
                traversal = pqCodes.scorer(query, vsf);
            }
            int[] nodes = new int[k];
            float[] scores = new float[k];
            int n;
            try {
                n = search.search(traversal, pq ? exact : null, k, ef, accept, budget, nodes, scores);
            } catch (RuntimeException e) {
                if (e != VisitBudget.EXCEEDED) {
                    throw e;
                }
                ok = true; // the search clears its state on the way out
                return false;
            }
            for (int i = 0; i < n; i++) {
                out.offer(scores[i], id, nodes[i], ids.get(nodes[i]), null);
            }
            ok = true;
            return true;
        } finally {
            ownSearches.giveBack(search, ok);
        }
    }

    /**
     * Exact scores from the full vectors: heap copies when the segment has them, else the vector file (both through
     * the JVM's {@link Vectorization}: in place with the Vector API on Java 22+); for the older layouts JVector's
     * reranker for inline vectors, or for separated vectors (which JVector 4.0.2's {@code View.rerankerFor} does not
     * support) a reader of the separated region. Used by one thread at a time, like the view.
     */
    private ScoreFunction.ExactScoreFunction reranker(OnDiskGraphIndex.View view, VectorFloat<?> q,
                                                     VectorSimilarityFunction vsf) {
        if (heapVectors != null) {
            return heapVectors.scorer(toArray(q), vsf);
        }
        if (vectorFile != null) {
            return vectorFile.scorer(toArray(q), vsf);
        }
        if (layout != Manifest.SegmentLayout.PQ_IN_MEMORY) {
            return view.rerankerFor(q, vsf);
        }
        VectorFloat<?> tmp = VTS.createFloatVector(q.length());
        return node -> {
            view.getVectorInto(node, tmp, 0);
            return vsf.compare(q, tmp);
        };
    }

    private static final VectorTypeSupport VTS = VectorizationProvider.getInstance().getVectorTypeSupport();

    static float[] toArray(VectorFloat<?> v) {
        float[] f = new float[v.length()];
        for (int i = 0; i < f.length; i++) {
            f[i] = v.get(i);
        }
        return f;
    }

    /** Exact scan over live ordinals, restricted to {@code accept} unless it is null. */
    void exact(VectorFloat<?> q, int k, FixedBitSet accept, VectorSimilarityFunction vsf, Candidates out) {
        try (var view = graph.getView()) {
            ScoreFunction.ExactScoreFunction sf = reranker(view, q, vsf);
            Candidates local = new Candidates(k);
            if (accept == null) {
                for (int i = 0; i < count; i++) {
                    if (!deleted.get(i)) {
                        local.offer(sf.similarityTo(i), id, i, null, null);
                    }
                }
            } else {
                for (int i = accept.nextSetBit(0); i >= 0 && i < count; i = i + 1 < count ? accept.nextSetBit(i + 1) : -1) {
                    if (!deleted.get(i)) {
                        local.offer(sf.similarityTo(i), id, i, null, null);
                    }
                }
            }
            local.drainTo(out, ids::get); // ids made for the k kept, not for every ordinal scanned
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Visits live ordinals with a heap copy of their vector (compaction). */
    public void forEachLive(java.util.function.BiConsumer<Integer, VectorFloat<?>> action) {
        try (var view = graph.getView()) {
            OnDiskGraphIndex.View v = view;
            for (int i = 0; i < count; i++) {
                if (!deleted.get(i)) {
                    action.accept(i, heapVectors != null || vectorFile != null ? VTS.createFloatVector(vector(i))
                            : v.getVector(i).copy());
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
            return toArray(view.getVector(ord));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
