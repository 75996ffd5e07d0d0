package dev.neuralsearch.ann.bench;

import dev.neuralsearch.ann.JVectorIndex;
import dev.neuralsearch.ann.JVectorIndexOptions;
import dev.neuralsearch.ann.TestVectors;
import dev.neuralsearch.core.Document;
import dev.neuralsearch.core.Filter;
import dev.neuralsearch.core.IndexSchema;
import dev.neuralsearch.core.ScoredDocument;
import dev.neuralsearch.core.SearchOptions;
import dev.neuralsearch.core.Similarity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Benchmark of the ANN index on Gaussian-clustered unit vectors (not a unit test).
 *
 * <pre>
 * java [jvm flags] -cp ... dev.neuralsearch.ann.bench.AnnBench n=100000 dim=384 clusters=256 spread=0.03 \
 *      queries=200 threads=2 overquery=2,5,10,20 dir=target/bench-index
 * </pre>
 * Prints build time (graph, PQ, write), commit time, reopen time, single-thread QPS and recall@10 (vs exact brute
 * force) per overquery, brute-force QPS, resident memory and on-disk size.
 */
public final class AnnBench {
    public static void main(String[] args) throws Exception {
        Map<String, String> a = new java.util.HashMap<>();
        for (String s : args) {
            int eq = s.indexOf('=');
            a.put(s.substring(0, eq), s.substring(eq + 1));
        }
        int n = Integer.parseInt(a.getOrDefault("n", "100000"));
        int dim = Integer.parseInt(a.getOrDefault("dim", "384"));
        int clusters = Integer.parseInt(a.getOrDefault("clusters", "256"));
        float spread = Float.parseFloat(a.getOrDefault("spread", "0.03"));
        int queries = Integer.parseInt(a.getOrDefault("queries", "200"));
        int threads = Integer.parseInt(a.getOrDefault("threads", "0"));
        int batch = Integer.parseInt(a.getOrDefault("batch", String.valueOf(n)));
        Path dir = Path.of(a.getOrDefault("dir", "target/bench-index"));
        String[] overqueries = a.getOrDefault("overquery", "2,5,10,20").split(",");
        deleteRecursively(dir);

        TestVectors tv = new TestVectors(dim, clusters, spread, 42);
        IndexSchema schema = new IndexSchema("bench", dim, Similarity.DOT_PRODUCT);
        JVectorIndexOptions o = JVectorIndexOptions.DEFAULT.withBuildThreads(threads).withExpectedDocuments(n)
                .withMaxSegments(0).withAverageDocumentBytes(64).withMaxBufferedDocs(Integer.MAX_VALUE)
                .withPqSubspaces(Integer.parseInt(a.getOrDefault("pq", "0")))
                .withPqThreshold(Integer.parseInt(a.getOrDefault("pqmin", String.valueOf(JVectorIndexOptions.DEFAULT.pqThreshold()))))
                .withMaxDegree(Integer.parseInt(a.getOrDefault("degree", "32")));
        System.out.printf("AnnBench n=%d dim=%d clusters=%d spread=%.3f pq=%d pqmin=%d degree=%d threads=%d batch=%d java=%s cores=%d%n", n, dim,
                clusters, spread, o.pqSubspaces(), o.pqThreshold(), o.maxDegree(), o.effectiveBuildThreads(), batch, Runtime.version(),
                Runtime.getRuntime().availableProcessors());
        long t0 = System.nanoTime();
        try (JVectorIndex index = JVectorIndex.open(dir, schema, o)) {
            for (int start = 0; start < n; start += batch) {
                int end = Math.min(n, start + batch);
                List<Document> docs = new ArrayList<>(end - start);
                List<float[]> vecs = new ArrayList<>(end - start);
                for (int i = start; i < end; i++) {
                    docs.add(Document.of("v" + i, "document " + i, Map.of("bucket", i % 10)));
                    vecs.add(tv.next());
                }
                if (start == 0) {
                    int first = Math.min(docs.size(), 20_000);
                    index.add(docs.subList(0, first), vecs.subList(0, first));
                    for (int i = 0; i < 10; i++) {
                        index.search(tv.next(), 10, Filter.ALL); // warm-up
                    }
                    int bq = 50;
                    long b0 = System.nanoTime();
                    for (int i = 0; i < bq; i++) {
                        index.search(tv.next(), 10, Filter.ALL);
                    }
                    System.out.printf("uncommitted buffer of %d (brute force): %.0f QPS%n", first,
                            bq / ((System.nanoTime() - b0) / 1e9));
                    index.add(docs.subList(first, docs.size()), vecs.subList(first, vecs.size()));
                } else {
                    index.add(docs, vecs);
                }
                long c0 = System.nanoTime();
                index.commit();
                System.out.printf("commit of %d vectors: %.1f s (%s)%n", end - start, (System.nanoTime() - c0) / 1e9,
                        lastTimes());
            }
        }
        System.out.printf("total ingest: %.1f s%n", (System.nanoTime() - t0) / 1e9);
        long r0 = System.nanoTime();
        try (JVectorIndex index = JVectorIndex.open(dir, schema, o)) {
            System.out.printf("reopen (with CRC verification): %.2f s%n", (System.nanoTime() - r0) / 1e9);
            List<float[]> qs = new ArrayList<>();
            for (int i = 0; i < queries; i++) {
                qs.add(tv.next());
            }
            List<List<ScoredDocument>> truth = new ArrayList<>();
            long e0 = System.nanoTime();
            for (float[] q : qs) {
                truth.add(index.exactSearch(q, 10, Filter.ALL));
            }
            System.out.printf("brute force (exact, from disk): %.0f QPS%n", queries / ((System.nanoTime() - e0) / 1e9));
            for (String ov : overqueries) {
                float over = Float.parseFloat(ov);
                SearchOptions so = new SearchOptions(over);
                for (int w = 0; w < Math.min(queries, 50); w++) {
                    index.search(qs.get(w), 10, Filter.ALL, so); // warm-up
                }
                double recall = 0;
                long s0 = System.nanoTime();
                for (int i = 0; i < queries; i++) {
                    recall += TestVectors.recall(index.search(qs.get(i), 10, Filter.ALL, so), truth.get(i));
                }
                double secs = (System.nanoTime() - s0) / 1e9;
                System.out.printf("overquery %-4s (rerank k %d): recall@10 %.4f, %.0f QPS single-thread%n", ov,
                        (int) Math.ceil(10 * over), recall / queries, queries / secs);
            }
            Filter f = Filter.eq("bucket", 3);
            List<List<ScoredDocument>> ftruth = new ArrayList<>();
            for (float[] q : qs) {
                ftruth.add(index.exactSearch(q, 10, f));
            }
            double fr = 0;
            long f0 = System.nanoTime();
            for (int i = 0; i < queries; i++) {
                fr += TestVectors.recall(index.search(qs.get(i), 10, f), ftruth.get(i));
            }
            System.out.printf("filtered (10%% selectivity, graph + Bits) recall@10 %.4f, %.0f QPS%n", fr / queries,
                    queries / ((System.nanoTime() - f0) / 1e9));
            Filter rare = Filter.and(Filter.eq("bucket", 3), Filter.lt("n", 0));
            fr = 0;
            f0 = System.nanoTime();
            for (int i = 0; i < queries; i++) {
                index.search(qs.get(i), 10, rare);
            }
            System.out.printf("filter matching nothing: %.0f QPS%n", queries / ((System.nanoTime() - f0) / 1e9));
            // multi-threaded QPS at the default overquery
            int qthreads = Runtime.getRuntime().availableProcessors();
            java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
            long m0 = System.nanoTime();
            List<Thread> ts = new ArrayList<>();
            int total = queries * 4;
            for (int t = 0; t < qthreads; t++) {
                Thread th = new Thread(() -> {
                    int i;
                    while ((i = next.getAndIncrement()) < total) {
                        index.search(qs.get(i % queries), 10, Filter.ALL);
                    }
                });
                th.start();
                ts.add(th);
            }
            for (Thread th : ts) {
                th.join();
            }
            System.out.printf("%d search threads, default overquery: %.0f QPS%n", qthreads,
                    total / ((System.nanoTime() - m0) / 1e9));
            System.gc();
            Runtime rt = Runtime.getRuntime();
            System.out.printf("resident memory (VmRSS) %s, heap used %d MB%n", rss(),
                    (rt.totalMemory() - rt.freeMemory()) >> 20);
            System.out.printf("on disk: %d MB total%n", index.stats().bytesOnDisk() >> 20);
            try (Stream<Path> files = Files.walk(dir)) {
                files.filter(Files::isRegularFile).sorted(Comparator.comparing(Path::toString)).forEach(p -> {
                    try {
                        System.out.printf("  %-28s %8.1f MB%n", dir.relativize(p), Files.size(p) / 1048576.0);
                    } catch (IOException e) {
                        throw new RuntimeException(e);
                    }
                });
            }
        }
    }

    private static String lastTimes() {
        try {
            var f = Class.forName("dev.neuralsearch.ann.SegmentWriter").getDeclaredField("lastTimes");
            f.setAccessible(true);
            Object t = f.get(null);
            return String.valueOf(t).replace("BuildTimes", "ns");
        } catch (ReflectiveOperationException e) {
            return "?";
        }
    }

    private static String rss() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS")) {
                return line.substring(6).trim();
            }
        }
        return "?";
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
