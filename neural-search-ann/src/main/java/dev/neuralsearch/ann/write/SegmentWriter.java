package dev.neuralsearch.ann.write;

import dev.neuralsearch.ann.JVectorIndexOptions;
import dev.neuralsearch.ann.PqLayout;
import dev.neuralsearch.ann.commit.Manifest;
import dev.neuralsearch.ann.format.DocsFile;
import dev.neuralsearch.ann.format.FileUtil;
import dev.neuralsearch.ann.format.Int8Codes;
import dev.neuralsearch.ann.format.Int8File;
import dev.neuralsearch.ann.format.PqFile;
import dev.neuralsearch.ann.format.SegmentFeatures;
import dev.neuralsearch.ann.format.SegmentFiles;
import dev.neuralsearch.ann.format.SegmentLayout;
import dev.neuralsearch.ann.format.VectorFile;
import dev.neuralsearch.ann.vector.Vectorization;
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
import io.github.jbellis.jvector.graph.disk.feature.SeparatedVectors;
import io.github.jbellis.jvector.graph.similarity.BuildScoreProvider;
import io.github.jbellis.jvector.quantization.PQVectors;
import io.github.jbellis.jvector.quantization.ProductQuantization;
import io.github.jbellis.jvector.vector.VectorSimilarityFunction;
import io.github.jbellis.jvector.vector.VectorizationProvider;
import io.github.jbellis.jvector.vector.types.VectorFloat;
import io.github.jbellis.jvector.vector.types.VectorTypeSupport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ForkJoinPool;
import java.util.function.IntFunction;

/**
 * Builds one immutable segment: a JVector graph file, a doc file and, except in the {@link PqLayout#FUSED} layout,
 * a vector file ({@link VectorFile}) and at or above {@code pqThreshold} a PQ code file ({@link PqFile}); which of
 * them a segment gets is its {@link SegmentFeatures} ({@link #featuresFor}).
 */
public final class SegmentWriter {
    private SegmentWriter() {
    }

    /** Timings of the last build, for benchmarks. */
    record BuildTimes(long graphNanos, long pqNanos, long writeNanos) {
    }

    static volatile BuildTimes lastTimes;

    /** The segment writer deletes the files of a segment it failed to write; see {@link SegmentFiles#deleteFiles}. */
    public static void deleteFiles(Path home, int id, Throwable cause) {
        SegmentFiles.deleteFiles(home, id, cause);
    }

    /**
     * Writes segment {@code id}. On failure (a full disk, say) the segment's files are deleted and the exception,
     * whose message names the segment and the cause, is thrown.
     */
    public static Manifest.SegmentEntry write(Path home, int id, List<Document> docs, List<VectorFloat<?>> vectors,
                                       int dim, VectorSimilarityFunction vsf, JVectorIndexOptions o,
                                       ForkJoinPool pool) throws IOException {
        try {
            return writeFiles(home, id, docs, vectors, dim, vsf, o, pool);
        } catch (IOException e) {
            IOException failure = new IOException("writing segment " + SegmentFiles.graphName(id).replace(".graph", "")
                    + " failed: " + e.getMessage(), e);
            deleteFiles(home, id, failure);
            throw failure;
        } catch (RuntimeException | Error e) {
            deleteFiles(home, id, e);
            throw e;
        }
    }

    // The explicit GraphIndexBuilder constructor is deprecated in JVector 4 in favour of a builder that cannot set
    // addHierarchy/refineFinalGraph; we keep the explicit, measured settings.
    @SuppressWarnings("deprecation")
    private static Manifest.SegmentEntry writeFiles(Path home, int id, List<Document> docs,
                                                    List<VectorFloat<?>> vectors, int dim,
                                                    VectorSimilarityFunction vsf, JVectorIndexOptions o,
                                                    ForkJoinPool pool) throws IOException {
        int n = vectors.size();
        RandomAccessVectorValues ravv = new ListRandomAccessVectorValues(vectors, dim);
        BuildScoreProvider bsp = BuildScores.of(vectors, ravv, vsf);
        Path graphPath = home.resolve(SegmentFiles.graphName(id));
        Path docsPath = home.resolve(SegmentFiles.docsName(id));
        Path pqPath = home.resolve(SegmentFiles.pqName(id));
        Path vectorsPath = home.resolve(SegmentFiles.vectorsName(id));
        Path int8Path = home.resolve(SegmentFiles.int8Name(id));
        Files.deleteIfExists(graphPath);
        Files.deleteIfExists(pqPath);
        Files.deleteIfExists(int8Path);
        Files.deleteIfExists(vectorsPath);
        SegmentFeatures features = featuresFor(n, o);
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
            if (features.productQuantized()) {
                long p0 = System.nanoTime();
                int m = o.pqSubspaces() > 0 ? o.pqSubspaces() : defaultSubspaces(features, dim);
                ProductQuantization pqz = ProductQuantization.compute(ravv, Math.min(m, dim), 256,
                        vsf == VectorSimilarityFunction.EUCLIDEAN);
                pqv = pqz.encodeAll(ravv, pool);
                if (features.fusedPq()) {
                    b.with(new FusedPQ(graph.maxDegree(), pqz));
                }
                tPq = System.nanoTime() - p0;
            }
            if (features.vectorFile()) {
                // JVector 4.0.2's writer refuses a graph without a vector feature; the full vectors go to the
                // vector file, so the graph gets a one-float placeholder per node (4 bytes, never read)
                b.with(new SeparatedVectors(1, 0L)); // offset set by the writer
            } else {
                b.with(new InlineVectors(dim));
            }
            long w0 = System.nanoTime();
            try (var writer = b.build(); var view = graph.getView()) {
                Map<FeatureId, IntFunction<Feature.State>> suppliers = new EnumMap<>(FeatureId.class);
                if (features.vectorFile()) {
                    var placeholder = new InlineVectors.State(VTS.createFloatVector(1));
                    suppliers.put(FeatureId.SEPARATED_VECTORS, ord -> placeholder);
                } else {
                    suppliers.put(FeatureId.INLINE_VECTORS, ord -> new InlineVectors.State(ravv.getVector(ord)));
                }
                if (features.fusedPq()) {
                    PQVectors codes = pqv;
                    suppliers.put(FeatureId.FUSED_PQ, ord -> new FusedPQ.State(view, codes, ord));
                }
                writer.write(suppliers);
            }
            FileUtil.fsync(graphPath);
            if (features.vectorFile()) {
                VectorFile.write(vectorsPath, vectors, dim);
            }
            if (features.pqFile()) {
                PqFile.write(pqPath, pqv, n, dim);
            }
            if (features.int8File()) {
                long q0 = System.nanoTime();
                Int8File.write(int8Path, Int8Codes.quantize(vectors, dim));
                tPq += System.nanoTime() - q0;
            }
            lastTimes = new BuildTimes(tGraph, tPq, System.nanoTime() - w0);
        }
        DocsFile.write(docsPath, docs);
        boolean codeFile = features.pqFile() || features.int8File();
        Path codePath = features.int8File() ? int8Path : pqPath;
        boolean vecFile = features.vectorFile();
        return new Manifest.SegmentEntry(id, n, features.pq(),
                graphPath.getFileName().toString(), Files.size(graphPath), FileUtil.crc32(graphPath),
                docsPath.getFileName().toString(), Files.size(docsPath), FileUtil.crc32(docsPath), null, 0, 0, 0,
                features.layout(), codeFile ? codePath.getFileName().toString() : null,
                codeFile ? Files.size(codePath) : 0, codeFile ? FileUtil.crc32(codePath) : 0,
                vecFile ? vectorsPath.getFileName().toString() : null, vecFile ? Files.size(vectorsPath) : 0,
                vecFile ? FileUtil.crc32(vectorsPath) : 0);
    }

    /**
     * What a new segment of {@code n} vectors holds: below {@code pqThreshold} a vector file (exact traversal); at or
     * above it approximate codes too: int8 codes ({@link PqLayout#INT8}) or PQ codes in a file of their own, or, with
     * {@link PqLayout#FUSED}, PQ codes fused into a graph with inline vectors.
     */
    static SegmentFeatures featuresFor(int n, JVectorIndexOptions o) {
        if (n < o.pqThreshold()) {
            return SegmentLayout.VECTOR_FILE.features();
        }
        return switch (o.pqLayout()) {
            case FUSED -> SegmentLayout.FUSED_PQ.features();
            case IN_MEMORY -> SegmentLayout.PQ_VECTOR_FILE.features();
            case INT8 -> SegmentLayout.INT8_VECTOR_FILE.features();
            case AUTO -> Vectorization.get().name().equals("panama") ? SegmentLayout.INT8_VECTOR_FILE.features()
                    : SegmentLayout.PQ_VECTOR_FILE.features();
        };
    }

    /**
     * PQ bytes per vector when {@code pqSubspaces} is 0: dimension / 4 for codes held in memory (at 1M clustered
     * vectors of 384 dims, 96 bytes reach recall@10 0.988 at ef 160 where 48 reach 0.939; docs/index.md), and
     * dimension / 8 for FusedPQ, whose node records carry every neighbour's codes (degree x bytes per node).
     */
    public static int defaultSubspaces(SegmentFeatures features, int dim) {
        return Math.max(1, features.fusedPq() ? dim / 8 : dim / 4);
    }

    private static final VectorTypeSupport VTS = VectorizationProvider.getInstance().getVectorTypeSupport();
}
