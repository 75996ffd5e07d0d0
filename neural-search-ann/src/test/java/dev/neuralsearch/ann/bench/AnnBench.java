package dev.neuralsearch.ann.bench;

import dev.neuralsearch.ann.JVectorIndex;
import dev.neuralsearch.ann.JVectorIndexOptions;
import dev.neuralsearch.ann.SpectralVectors;
import dev.neuralsearch.ann.TestVectors;
import dev.neuralsearch.ann.VectorSource;
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
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Benchmark of the ANN index on Gaussian-clustered or embedding-like ("spectral") unit vectors (not a unit test).
 *
 * <pre>
 * java [jvm flags] -cp ... dev.neuralsearch.ann.bench.AnnBench [data=clustered|spectral] n=100000 dim=384 \
 *      clusters=256 spread=0.03 queries=200 threads=2 overquery=2,5,10,20 [pqmin=..] [usepq=true|false] \
 *      [layout=memory|fused] [reuse=true] [verify=false] dir=target/bench-index
 * </pre>
 * Prints build time (graph, PQ, write), commit time, reopen time, single-thread QPS and recall@10 (vs exact brute
 * force) per overquery, filtered recall and QPS, 2-thread QPS, resident memory (VmRSS split into anonymous and
 * file-backed pages), on-disk size and the load average. {@code reuse=true} searches an existing index without
 * rebuilding (exact results cached next to {@code dir}). See docs/index.md ("Benchmark").
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

        String data = a.getOrDefault("data", "clustered");
        VectorSource tv = switch (data) {
            case "clustered" -> new TestVectors(dim, clusters, spread, 42);
            case "spectral" -> new SpectralVectors(dim, Double.parseDouble(a.getOrDefault("alpha", "1.0")),
                    Double.parseDouble(a.getOrDefault("mean", "0.4")), 42);
            default -> throw new IllegalArgumentException("data=clustered|spectral");
        };
        int chunk = Integer.parseInt(a.getOrDefault("chunk", "50000"));
        boolean reuse = Boolean.parseBoolean(a.getOrDefault("reuse", "false"));
        IndexSchema schema = new IndexSchema("bench", dim, Similarity.DOT_PRODUCT);
        JVectorIndexOptions o = JVectorIndexOptions.DEFAULT.withBuildThreads(threads).withExpectedDocuments(n)
                .withMaxSegments(0).withAverageDocumentBytes(64).withMaxBufferedDocs(Integer.MAX_VALUE)
                .withPqSubspaces(Integer.parseInt(a.getOrDefault("pq", "0")))
                .withPqThreshold(Integer.parseInt(a.getOrDefault("pqmin", String.valueOf(JVectorIndexOptions.DEFAULT.pqThreshold()))))
                .withMaxDegree(Integer.parseInt(a.getOrDefault("degree", "32")))
                .withPqSearch(Boolean.parseBoolean(a.getOrDefault("usepq", "true")))
                .withVerifyChecksums(Boolean.parseBoolean(a.getOrDefault("verify", "true")))
                .withPqLayout(switch (a.getOrDefault("layout", "default")) {
                    case "memory" -> dev.neuralsearch.ann.PqLayout.IN_MEMORY;
                    case "fused" -> dev.neuralsearch.ann.PqLayout.FUSED;
                    case "default" -> JVectorIndexOptions.DEFAULT.pqLayout();
                    default -> throw new IllegalArgumentException("layout=memory|fused");
                })
                .withFilterBruteForceLimit(Integer.parseInt(a.getOrDefault("bflimit",
                        String.valueOf(JVectorIndexOptions.DEFAULT.filterBruteForceLimit()))));
        System.out.printf("AnnBench data=%s n=%d dim=%d clusters=%d spread=%.3f pq=%d pqmin=%d usepq=%s layout=%s degree=%d threads=%d batch=%d java=%s cores=%d%n",
                data, n, dim, clusters, spread, o.pqSubspaces(), o.pqThreshold(), o.pqSearch(), o.pqLayout(), o.maxDegree(),
                o.effectiveBuildThreads(), batch, Runtime.version(), Runtime.getRuntime().availableProcessors());
        System.out.println("load: " + loadAverage());
        if (reuse && Files.exists(dir.resolve("manifest.json"))) {
            System.out.println("reusing the index in " + dir + " (no build)");
            for (int i = 0; i < n; i++) {
                tv.next(); // same query stream as a fresh run
            }
        } else {
            deleteRecursively(dir);
            build(dir, schema, o, tv, n, batch, chunk);
        }
        long r0 = System.nanoTime();
        try (JVectorIndex index = JVectorIndex.open(dir, schema, o)) {
            System.out.printf("reopen (CRC verification " + o.verifyChecksums() + "): %.2f s; resident memory after open: %s%n",
                    (System.nanoTime() - r0) / 1e9, rss());
            List<float[]> qs = new ArrayList<>();
            for (int i = 0; i < queries; i++) {
                qs.add(tv.next());
            }
            Filter f = Filter.eq("bucket", 3);
            Path truthFile = dir.resolveSibling(dir.getFileName() + ".truth-q" + queries);
            List<Set<String>> truth = new ArrayList<>();
            List<Set<String>> ftruth = new ArrayList<>();
            if (reuse && Files.exists(truthFile)) {
                List<String> lines = Files.readAllLines(truthFile);
                for (int i = 0; i < queries; i++) {
                    truth.add(Set.of(lines.get(i).split(",")));
                    ftruth.add(Set.of(lines.get(queries + i).split(",")));
                }
                System.out.println("exact results read from " + truthFile);
            } else {
                long e0 = System.nanoTime();
                for (float[] q : qs) {
                    truth.add(ids(index.exactSearch(q, 10, Filter.ALL)));
                }
                System.out.printf("brute force (exact, from disk): %.0f QPS%n", queries / ((System.nanoTime() - e0) / 1e9));
                for (float[] q : qs) {
                    ftruth.add(ids(index.exactSearch(q, 10, f)));
                }
                List<String> lines = new ArrayList<>();
                for (Set<String> t : truth) {
                    lines.add(String.join(",", t));
                }
                for (Set<String> t : ftruth) {
                    lines.add(String.join(",", t));
                }
                Files.write(truthFile, lines);
            }
            for (String ov : overqueries) {
                float over = Float.parseFloat(ov);
                SearchOptions so = new SearchOptions(over);
                for (int w = 0; w < Math.min(queries, 50); w++) {
                    index.search(qs.get(w), 10, Filter.ALL, so); // warm-up
                }
                double recall = 0;
                long f0 = majorFaults();
                long s0 = System.nanoTime();
                for (int i = 0; i < queries; i++) {
                    recall += recall(index.search(qs.get(i), 10, Filter.ALL, so), truth.get(i));
                }
                double secs = (System.nanoTime() - s0) / 1e9;
                System.out.printf("overquery %-4s (rerank k %d): recall@10 %.4f, %.0f QPS single-thread, %.1f major page"
                                + " faults per query; resident %s%n", ov, (int) Math.ceil(10 * over), recall / queries,
                        queries / secs, (double) (majorFaults() - f0) / queries, rss());
            }
            for (int w = 0; w < Math.min(queries, 20); w++) {
                index.search(qs.get(w), 10, f); // warm-up (the first one also builds the segment's filter bitset)
            }
            double fr = 0;
            long f0 = System.nanoTime();
            for (int i = 0; i < queries; i++) {
                fr += recall(index.search(qs.get(i), 10, f), ftruth.get(i));
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
            System.out.printf("resident memory: %s; heap used %d MB; load %s%n", rss(),
                    (rt.totalMemory() - rt.freeMemory()) >> 20, loadAverage());
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

    private static Set<String> ids(List<ScoredDocument> docs) {
        Set<String> out = new HashSet<>();
        for (ScoredDocument d : docs) {
            out.add(d.document().id());
        }
        return out;
    }

    private static double recall(List<ScoredDocument> approx, Set<String> truth) {
        int hit = 0;
        for (ScoredDocument d : approx) {
            if (truth.contains(d.document().id())) {
                hit++;
            }
        }
        return truth.isEmpty() ? 1.0 : (double) hit / truth.size();
    }

    private static void build(Path dir, IndexSchema schema, JVectorIndexOptions o, VectorSource tv, int n, int batch,
                              int chunk) {
        long t0 = System.nanoTime();
        try (JVectorIndex index = JVectorIndex.open(dir, schema, o)) {
            int sinceCommit = 0;
            for (int start = 0; start < n; start += chunk) {
                int end = Math.min(n, start + chunk);
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
                        index.search(vecs.get(i), 10, Filter.ALL); // warm-up
                    }
                    int bq = 50;
                    long b0 = System.nanoTime();
                    for (int i = 0; i < bq; i++) {
                        index.search(vecs.get(i), 10, Filter.ALL);
                    }
                    System.out.printf("uncommitted buffer of %d (brute force): %.0f QPS%n", first,
                            bq / ((System.nanoTime() - b0) / 1e9));
                    index.add(docs.subList(first, docs.size()), vecs.subList(first, vecs.size()));
                } else {
                    index.add(docs, vecs);
                }
                sinceCommit += end - start;
                if (sinceCommit >= batch || end == n) {
                    long c0 = System.nanoTime();
                    index.commit();
                    System.out.printf("commit of %d vectors: %.1f s (%s), load %s%n", sinceCommit,
                            (System.nanoTime() - c0) / 1e9, lastTimes(), loadAverage());
                    sinceCommit = 0;
                }
            }
        }
        System.out.printf("total ingest: %.1f s%n", (System.nanoTime() - t0) / 1e9);
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "?";
        }
    }

    private static String lastTimes() {
        try {
            var f = Class.forName("dev.neuralsearch.ann.write.SegmentWriter").getDeclaredField("lastTimes");
            f.setAccessible(true);
            Object t = f.get(null);
            return String.valueOf(t).replace("BuildTimes", "ns");
        } catch (ReflectiveOperationException e) {
            return "?";
        }
    }

    /** VmRSS = RssAnon (heap, native) + RssFile (mapped index pages) + RssShmem; VmHWM is the peak. */
    /** Major page faults of this process so far (pages read from disk), field 12 of /proc/self/stat. */
    private static long majorFaults() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[9]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static String rss() throws IOException {
        StringBuilder sb = new StringBuilder();
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS") || line.startsWith("RssAnon") || line.startsWith("RssFile")
                    || line.startsWith("VmHWM")) {
                String[] kv = line.split(":\\s+");
                long kb = Long.parseLong(kv[1].replace(" kB", "").trim());
                sb.append(kv[0]).append(' ').append(kb >> 10).append(" MB, ");
            }
        }
        return sb.length() == 0 ? "?" : sb.substring(0, sb.length() - 2);
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
