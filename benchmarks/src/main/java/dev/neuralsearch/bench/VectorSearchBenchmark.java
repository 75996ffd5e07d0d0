package dev.neuralsearch.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * Query throughput, top-10: ours ({@code JVectorIndex}) against Lucene 10 HNSW ({@link Lucene10HnswSide}: one segment,
 * MMapDirectory), same vectors, same queries, same search effort {@code ef} (see {@link SearchSide#search}), each
 * index searched after {@link PageCache#reset}. One operation is one query; {@code -t 2} runs two searching threads
 * on the same open index. The setup prints recall@10 against exact
 * search for the parameters, so a throughput figure is always read next to its recall.
 *
 * <p>Indexes are built on first use and kept under {@code benchmarks/target/bench-data/jmh-index-*}; delete them to
 * rebuild. Methods {@code lucene_sq8}, {@code lucene_sq4} and {@code lucene_bq1} are Lucene 10.6's quantized HNSW
 * (sides {@code lucene-sq8} ...; see {@link SearchSide#of}). Build time, memory and disk size are {@link VectorSearchComparison}'s job.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(value = 1, jvmArgsAppend = {"-Xmx6g"})
@State(Scope.Benchmark)
public class VectorSearchBenchmark {

    @Param({"scifact", "synthetic"})
    public String dataset;

    /** Vectors in the synthetic set (ignored for scifact). */
    @Param({"100000"})
    public int size;

    @Param({"20", "40", "80"})
    public int ef;

    static final int K = 10;

    SearchSide side;
    float[][] queries;

    @Setup(Level.Trial)
    public void setUp(BenchmarkParams params) throws Exception {
        // the method's name, '_' for '-' (lucene_sq8 is side lucene-sq8)
        String sideName = params.getBenchmark().substring(params.getBenchmark().lastIndexOf('.') + 1).replace('_', '-');
        VectorData data = VectorData.load(dataset, size);
        Path home = BenchPaths.cache().resolve("jmh-index-" + sideName + "-" + data.name);
        Path done = home.resolveSibling(home.getFileName() + ".complete");
        side = SearchSide.of(sideName);
        if (!Files.exists(done)) {
            VectorSearchComparison.deleteTree(home);
            long t0 = System.nanoTime();
            side.build(home, data.base);
            Files.writeString(done, "built in " + (System.nanoTime() - t0) / 1_000_000 + " ms\n");
        }
        System.out.println(PageCache.reset()); // the same page-cache state for every side (PageCache)
        side.open(home);
        queries = data.queries;
        int[][] found = new int[queries.length][];
        for (int q = 0; q < queries.length; q++) {
            found[q] = side.search(queries[q], K, ef);
        }
        System.out.printf("%n# %s on %s (%d vectors), ef %d: recall@%d = %.4f; load average %s%n", sideName,
                data.name, data.base.length, ef, K, data.recall(found, K), VectorSearchComparison.loadAverage());
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        side.close();
    }

    /** Each thread walks the queries from its own starting point. */
    @State(Scope.Thread)
    public static class Cursor {
        int next;

        @Setup
        public void setUp(BenchmarkParams params) {
            next = (int) (Thread.currentThread().getId() * 7919 % 1000);
        }
    }

    @Benchmark
    public int[] ours(Cursor c) throws Exception {
        return side.search(queries[c.next++ % queries.length], K, ef);
    }

    @Benchmark
    public int[] lucene(Cursor c) throws Exception {
        return side.search(queries[c.next++ % queries.length], K, ef);
    }

    @Benchmark
    public int[] lucene_sq8(Cursor c) throws Exception {
        return side.search(queries[c.next++ % queries.length], K, ef);
    }

    @Benchmark
    public int[] lucene_sq4(Cursor c) throws Exception {
        return side.search(queries[c.next++ % queries.length], K, ef);
    }

    @Benchmark
    public int[] lucene_bq1(Cursor c) throws Exception {
        return side.search(queries[c.next++ % queries.length], K, ef);
    }
}
