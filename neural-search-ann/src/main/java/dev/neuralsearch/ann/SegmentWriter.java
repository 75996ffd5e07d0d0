package dev.neuralsearch.ann;

import dev.neuralsearch.core.Document;
import io.github.jbellis.jvector.disk.BufferedRandomAccessWriter;
import io.github.jbellis.jvector.graph.GraphIndexBuilder;
import io.github.jbellis.jvector.graph.ImmutableGraphIndex;
import io.github.jbellis.jvector.graph.ListRandomAccessVectorValues;
import io.github.jbellis.jvector.graph.RandomAccessVectorValues;
import io.github.jbellis.jvector.graph.disk.OnDiskGraphIndex;
import io.github.jbellis.jvector.graph.disk.OnDiskGraphIndexWriter;
import io.github.jbellis.jvector.graph.disk.OrdinalMapper;
import io.github.jbellis.jvector.graph.disk.feature.Feature;
import io.github.jbellis.jvector.graph.disk.feature.FeatureId;
import io.github.jbellis.jvector.graph.disk.feature.FusedPQ;
import io.github.jbellis.jvector.graph.disk.feature.InlineVectors;
import io.github.jbellis.jvector.graph.disk.feature.SeparatedVectors;
import io.github.jbellis.jvector.graph.similarity.BuildScoreProvider;
import io.github.jbellis.jvector.quantization.PQVectors;
import io.github.jbellis.jvector.quantization.ProductQuantization;
import io.github.jbellis.jvector.vector.VectorSimilarityFunction;
import io.github.jbellis.jvector.vector.types.VectorFloat;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ForkJoinPool;
import java.util.function.IntFunction;

/**
 * Builds one immutable segment: a JVector graph file, a doc file and, in the {@link PqLayout#IN_MEMORY} layout, a
 * PQ code file. Layouts (see {@link Manifest.SegmentLayout}): below {@code pqThreshold} the graph carries inline
 * full vectors; at or above it either inline vectors + FusedPQ, or adjacency + separated full vectors with the
 * codes in {@code seg-N.pq}.
 */
final class SegmentWriter {
    /** Header of a PQ code file: magic, then int count, int dimension, then JVector's {@code PQVectors.write}. */
    static final byte[] PQ_MAGIC = "NSPQ0001".getBytes(StandardCharsets.US_ASCII);

    private SegmentWriter() {
    }

    static String graphName(int id) {
        return String.format("seg-%08d.graph", id);
    }

    static String docsName(int id) {
        return String.format("seg-%08d.docs", id);
    }

    static String pqName(int id) {
        return String.format("seg-%08d.pq", id);
    }

    /** Timings of the last build, for benchmarks. */
    record BuildTimes(long graphNanos, long pqNanos, long writeNanos) {
    }

    static volatile BuildTimes lastTimes;

    // The explicit GraphIndexBuilder constructor is deprecated in JVector 4 in favour of a builder that cannot set
    // addHierarchy/refineFinalGraph; we keep the explicit, measured settings.
    @SuppressWarnings("deprecation")
    static Manifest.SegmentEntry write(Path home, int id, List<Document> docs, List<VectorFloat<?>> vectors,
                                       int dim, VectorSimilarityFunction vsf, JVectorIndexOptions o,
                                       ForkJoinPool pool) throws IOException {
        int n = vectors.size();
        RandomAccessVectorValues ravv = new ListRandomAccessVectorValues(vectors, dim);
        BuildScoreProvider bsp = BuildScoreProvider.randomAccessScoreProvider(ravv, vsf);
        Path graphPath = home.resolve(graphName(id));
        Path docsPath = home.resolve(docsName(id));
        Path pqPath = home.resolve(pqName(id));
        Files.deleteIfExists(graphPath);
        Files.deleteIfExists(pqPath);
        Manifest.SegmentLayout layout = n < o.pqThreshold() ? Manifest.SegmentLayout.INLINE
                : o.pqLayout() == PqLayout.FUSED ? Manifest.SegmentLayout.FUSED_PQ
                : Manifest.SegmentLayout.PQ_IN_MEMORY;
        long t0 = System.nanoTime();
        long tGraph;
        long tPq = 0;
        try (GraphIndexBuilder builder = new GraphIndexBuilder(bsp, dim, o.maxDegree(), o.beamWidth(), 1.2f, 1.2f,
                true, true, pool, pool)) {
            ImmutableGraphIndex graph = builder.build(ravv);
            tGraph = System.nanoTime() - t0;
            var b = new OnDiskGraphIndexWriter.Builder(graph, graphPath)
                    .withMapper(new OrdinalMapper.IdentityMapper(n - 1));
            PQVectors pqv = null;
            if (layout != Manifest.SegmentLayout.INLINE) {
                long p0 = System.nanoTime();
                int m = o.pqSubspaces() > 0 ? o.pqSubspaces() : defaultSubspaces(layout, dim);
                ProductQuantization pqz = ProductQuantization.compute(ravv, Math.min(m, dim), 256,
                        vsf == VectorSimilarityFunction.EUCLIDEAN);
                pqv = pqz.encodeAll(ravv, pool);
                if (layout == Manifest.SegmentLayout.FUSED_PQ) {
                    b.with(new FusedPQ(graph.maxDegree(), pqz));
                }
                tPq = System.nanoTime() - p0;
            }
            if (layout == Manifest.SegmentLayout.PQ_IN_MEMORY) {
                b.with(new SeparatedVectors(dim, 0L)); // offset set by the writer
            } else {
                b.with(new InlineVectors(dim));
            }
            long w0 = System.nanoTime();
            try (var writer = b.build(); var view = graph.getView()) {
                Map<FeatureId, IntFunction<Feature.State>> suppliers = new EnumMap<>(FeatureId.class);
                IntFunction<Feature.State> full = ord -> new InlineVectors.State(ravv.getVector(ord));
                suppliers.put(layout == Manifest.SegmentLayout.PQ_IN_MEMORY ? FeatureId.SEPARATED_VECTORS
                        : FeatureId.INLINE_VECTORS, full);
                if (layout == Manifest.SegmentLayout.FUSED_PQ) {
                    PQVectors codes = pqv;
                    suppliers.put(FeatureId.FUSED_PQ, ord -> new FusedPQ.State(view, codes, ord));
                }
                writer.write(suppliers);
            }
            FileUtil.fsync(graphPath);
            if (layout == Manifest.SegmentLayout.PQ_IN_MEMORY) {
                writePq(pqPath, pqv, n, dim);
            }
            lastTimes = new BuildTimes(tGraph, tPq, System.nanoTime() - w0);
        }
        DocsFile.write(docsPath, docs);
        boolean inMemory = layout == Manifest.SegmentLayout.PQ_IN_MEMORY;
        return new Manifest.SegmentEntry(id, n, layout != Manifest.SegmentLayout.INLINE,
                graphPath.getFileName().toString(), Files.size(graphPath), FileUtil.crc32(graphPath),
                docsPath.getFileName().toString(), Files.size(docsPath), FileUtil.crc32(docsPath), null, 0, 0, 0,
                layout, inMemory ? pqPath.getFileName().toString() : null, inMemory ? Files.size(pqPath) : 0,
                inMemory ? FileUtil.crc32(pqPath) : 0);
    }

    private static void writePq(Path file, PQVectors codes, int count, int dim) throws IOException {
        try (var out = new BufferedRandomAccessWriter(file)) {
            out.write(PQ_MAGIC);
            out.writeInt(count);
            out.writeInt(dim);
            codes.write(out, OnDiskGraphIndex.CURRENT_VERSION);
            out.flush();
        }
        FileUtil.fsync(file);
    }

    /**
     * PQ bytes per vector when {@code pqSubspaces} is 0: dimension / 4 for codes held in memory (at 1M clustered
     * vectors of 384 dims, 96 bytes reach recall@10 0.988 at ef 160 where 48 reach 0.939; docs/index.md), and
     * dimension / 8 for FusedPQ, whose node records carry every neighbour's codes (degree x bytes per node).
     */
    static int defaultSubspaces(Manifest.SegmentLayout layout, int dim) {
        return Math.max(1, layout == Manifest.SegmentLayout.FUSED_PQ ? dim / 8 : dim / 4);
    }
}
