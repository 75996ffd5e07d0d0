package dev.neuralsearch.ann;

import dev.neuralsearch.core.Document;
import io.github.jbellis.jvector.graph.GraphIndexBuilder;
import io.github.jbellis.jvector.graph.ImmutableGraphIndex;
import io.github.jbellis.jvector.graph.ListRandomAccessVectorValues;
import io.github.jbellis.jvector.graph.RandomAccessVectorValues;
import io.github.jbellis.jvector.graph.disk.OnDiskGraphIndexWriter;
import io.github.jbellis.jvector.graph.disk.OrdinalMapper;
import io.github.jbellis.jvector.graph.disk.feature.Feature;
import io.github.jbellis.jvector.graph.disk.feature.FeatureId;
import io.github.jbellis.jvector.graph.disk.feature.FusedPQ;
import io.github.jbellis.jvector.graph.disk.feature.InlineVectors;
import io.github.jbellis.jvector.graph.similarity.BuildScoreProvider;
import io.github.jbellis.jvector.quantization.PQVectors;
import io.github.jbellis.jvector.quantization.ProductQuantization;
import io.github.jbellis.jvector.vector.VectorSimilarityFunction;
import io.github.jbellis.jvector.vector.types.VectorFloat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ForkJoinPool;
import java.util.function.IntFunction;

/** Builds one immutable segment: a JVector graph file (inline vectors, FusedPQ when large enough) and a doc file. */
final class SegmentWriter {
    private SegmentWriter() {
    }

    static String graphName(int id) {
        return String.format("seg-%08d.graph", id);
    }

    static String docsName(int id) {
        return String.format("seg-%08d.docs", id);
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
        Files.deleteIfExists(graphPath);
        boolean pq = n >= o.pqThreshold();
        long t0 = System.nanoTime();
        long tGraph;
        long tPq = 0;
        try (GraphIndexBuilder builder = new GraphIndexBuilder(bsp, dim, o.maxDegree(), o.beamWidth(), 1.2f, 1.2f,
                true, true, pool, pool)) {
            ImmutableGraphIndex graph = builder.build(ravv);
            tGraph = System.nanoTime() - t0;
            var b = new OnDiskGraphIndexWriter.Builder(graph, graphPath)
                    .withMapper(new OrdinalMapper.IdentityMapper(n - 1))
                    .with(new InlineVectors(dim));
            PQVectors pqv = null;
            if (pq) {
                long p0 = System.nanoTime();
                int m = o.pqSubspaces() > 0 ? o.pqSubspaces() : Math.max(1, dim / 8);
                ProductQuantization pqz = ProductQuantization.compute(ravv, Math.min(m, dim), 256,
                        vsf == VectorSimilarityFunction.EUCLIDEAN);
                pqv = pqz.encodeAll(ravv, pool);
                b.with(new FusedPQ(graph.maxDegree(), pqz));
                tPq = System.nanoTime() - p0;
            }
            long w0 = System.nanoTime();
            try (var writer = b.build(); var view = graph.getView()) {
                Map<FeatureId, IntFunction<Feature.State>> suppliers = new EnumMap<>(FeatureId.class);
                suppliers.put(FeatureId.INLINE_VECTORS, ord -> new InlineVectors.State(ravv.getVector(ord)));
                if (pq) {
                    PQVectors codes = pqv;
                    suppliers.put(FeatureId.FUSED_PQ, ord -> new FusedPQ.State(view, codes, ord));
                }
                writer.write(suppliers);
            }
            FileUtil.fsync(graphPath);
            lastTimes = new BuildTimes(tGraph, tPq, System.nanoTime() - w0);
        }
        DocsFile.write(docsPath, docs);
        return new Manifest.SegmentEntry(id, n, pq, graphPath.getFileName().toString(), Files.size(graphPath),
                FileUtil.crc32(graphPath), docsPath.getFileName().toString(), Files.size(docsPath),
                FileUtil.crc32(docsPath), null, 0, 0, 0);
    }
}
