package dev.neuralsearch.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Ours (JVectorIndex) against Lucene HNSW on the same vectors: build time, bytes on disk, memory, recall@k against
 * exact search and queries/s on 1 and 2 threads, for a sweep of search effort {@code ef}.
 *
 * <p>Each side runs in its own child JVM (same java, flags and classpath as this one), so its memory figures
 * are not mixed with the other's. The child builds the index from scratch (timed: add everything, commit; Lucene
 * also forceMerge(1)), closes it, drops its copy of the base vectors, and then measures a baseline
 * after two {@code System.gc()}: heap used (MemoryMXBean) and the process's resident set from {@code
 * /proc/self/status} (RssAnon = heap + native allocations, RssFile = pages of mapped files in memory). It opens
 * the index, runs every query at every ef (1 thread, then 2 threads, {@code --seconds} each), and measures again
 * after GC: the deltas are the memory the open, searched index holds. The child's heap is fixed and pre-touched
 * ({@code --heap}, default 3g, {@code -Xms = -Xmx}, {@code -XX:+AlwaysPreTouch}) so that heap pages are resident
 * before the baseline and the RssAnon delta is native memory (plus JIT code and thread stacks). RssFile includes
 * whatever the OS chose to keep mapped, so it is a ceiling of the pages touched, not a requirement.
 *
 * <pre>
 * java $FLAGS -cp benchmarks/target/benchmarks.jar dev.neuralsearch.bench.VectorSearchComparison \
 *     --dataset synthetic --size 100000 --ef 10,20,40,80,160 --seconds 5
 * </pre>
 *
 * <p>Sides: {@code ours}, {@code lucene} (Lucene 10, the peer; {@link Lucene10HnswSide}), {@code lucene-sq8},
 * {@code lucene-sq4} and {@code lucene-bq1} (Lucene 10.6's quantized HNSW at 8, 4 and 1 bits, the last rescored
 * from the float vectors) and {@code lucene9} (the library's Lucene 9.12, which does not use the Vector API on JDK
 * 23+). Last, the run prints one {@code summary} line per peer side for scripts ({@link ComparisonSummary}). Before the baseline, each child drops the
 * page cache (as root; {@link PageCache}; {@code --page-cache-reset false} skips it), so that every side is searched
 * from the same page-cache state.
 *
 * <p>{@code --rounds N} (default 1) runs every side's child N times: the first round as above, the later ones
 * search the indexes the first one built (as {@code --reuse true}), the sides in reverse order every other round.
 * Each figure reported, and the summary, is the median of the rounds ({@link RoundMedians}); every round's values
 * are printed too. On this shared machine a single round can move a ratio by 20-40 %. The memory figures are those
 * of the first round when it built the indexes: the later rounds' children open an index in a JVM that has not yet
 * initialised the side's libraries, so their deltas include that one-time cost too.
 *
 * <p>Search only, in a fixed amount of memory: {@code --reuse true} opens the indexes a previous run left (no
 * build, no base vectors loaded), {@code --drop-caches true} empties the page cache before each child (root),
 * and {@code --cgroup <dir>} puts each child into that cgroup v1 memory group, whose {@code memory.limit_in_bytes}
 * then bounds its heap, native memory and page cache together:
 * <pre>
 * mkdir /sys/fs/cgroup/memory/nsbench; echo 2G > /sys/fs/cgroup/memory/nsbench/memory.limit_in_bytes
 * java $FLAGS -cp benchmarks/target/benchmarks.jar dev.neuralsearch.bench.VectorSearchComparison --dataset synthetic \
 *     --size 1000000 --heap 1g --reuse true --drop-caches true --cgroup /sys/fs/cgroup/memory/nsbench --ef 80,160,320
 * </pre>
 */
public final class VectorSearchComparison {

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = parse(args);
        String dataset = opts.getOrDefault("dataset", "synthetic");
        int size = Integer.parseInt(opts.getOrDefault("size", "100000"));
        if (opts.containsKey("child")) {
            child(opts.get("child"), dataset, size, opts);
            return;
        }
        boolean reuse = Boolean.parseBoolean(opts.getOrDefault("reuse", "false"));
        String dataName;
        if (reuse) {
            VectorData data = VectorData.queriesOnly(dataset, size);
            dataName = data.name;
            System.out.printf("dataset %s: existing indexes reused (search only), %d queries; load average %s; %s%n",
                    data.name, data.queries.length, loadAverage(), Runtime.version());
        } else {
            VectorData data = VectorData.load(dataset, size); // computes and caches vectors + truth once
            dataName = data.name;
            System.out.printf("dataset %s: %d vectors x %d dims, %d queries; load average %s; %s%n", data.name,
                    data.base.length, data.dim(), data.queries.length, loadAverage(), Runtime.version());
        }
        List<String> sideNames = Arrays.asList(opts.getOrDefault("sides", "ours,lucene").split(","));
        int roundCount = Integer.parseInt(opts.getOrDefault("rounds", "1"));
        if (roundCount < 1) {
            throw new IllegalArgumentException("--rounds must be at least 1");
        }
        List<List<String>> rounds = new ArrayList<>();
        for (int r = 0; r < roundCount; r++) {
            // round 1 builds (unless --reuse true); later rounds search the same indexes, the sides in reverse
            // order every other round, so that a load spike does not always fall on the same side
            List<String> order = new ArrayList<>(sideNames);
            if (r % 2 == 1) {
                java.util.Collections.reverse(order);
            }
            String[] roundArgs = r == 0 ? args : withOption(args, "reuse", "true");
            List<String> round = new ArrayList<>();
            if (roundCount > 1) {
                System.out.printf("round %d of %d: %s; load average %s%n", r + 1, roundCount, String.join(",", order),
                        loadAverage());
            }
            for (String side : order) {
                round.addAll(runChild(side, roundArgs, opts));
            }
            rounds.add(round);
        }
        if (roundCount > 1 && !reuse) {
            // Memory is taken from the round that built: a child that only opens (later rounds) has not yet loaded
            // and initialised the side's libraries at its baseline, so its deltas also hold that one-time cost
            // (for ours about 80 MB: Chronicle Map compiles its classes in-process), not only the open index.
            for (int r = 1; r < rounds.size(); r++) {
                rounds.set(r, rounds.get(r).stream().filter(l -> !RoundMedians.isMemory(l)).toList());
            }
        }
        List<String> lines = roundCount == 1 ? rounds.get(0) : RoundMedians.merge(rounds);
        if (roundCount > 1) {
            System.out.println();
            System.out.println("Per round (round 1 / round 2 / ...; the table below has the medians):");
            RoundMedians.spread(rounds).forEach((key, v) ->
                    System.out.println("  " + key.replace("\t", ": ") + ": " + v));
        }
        System.out.println();
        System.out.println("| side | metric | value |");
        System.out.println("|---|---|---|");
        for (String l : lines) {
            String[] p = l.substring("RESULT ".length()).split("\t");
            System.out.println("| " + String.join(" | ", p) + " |");
        }
        // last, for scripts: each peer against ours at the first ef where each reaches recall@k >= 0.95
        Map<String, ComparisonSummary.Side> sides =
                ComparisonSummary.parse(lines, Integer.parseInt(opts.getOrDefault("k", "10")));
        ComparisonSummary.Side ours = sides.get("ours");
        if (ours != null) {
            System.out.println();
            sides.forEach((name, side) -> {
                if (!name.equals("ours")) {
                    System.out.println(ComparisonSummary.line(dataName, name, ours, side));
                }
            });
        }
    }

    private static List<String> runChild(String side, String[] args, Map<String, String> opts)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!a.startsWith("-Xmx") && !a.startsWith("-Xms") && !a.contains("AlwaysPreTouch")) {
                cmd.add(a);
            }
        }
        // A fixed, pre-touched heap: its pages are resident before the baseline, so the RssAnon delta is native
        // memory (plus code cache and thread stacks), not the heap growing into garbage.
        String heap = childHeap(args);
        cmd.add("-Xms" + heap);
        cmd.add("-Xmx" + heap);
        cmd.add("-XX:+AlwaysPreTouch");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(VectorSearchComparison.class.getName());
        cmd.addAll(Arrays.asList(args));
        cmd.add("--child");
        cmd.add(side);
        if (Boolean.parseBoolean(opts.getOrDefault("drop-caches", "false")) && !PageCache.drop()) {
            throw new IllegalStateException("--drop-caches true needs root (/proc/sys/vm/drop_caches)");
        }
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String cgroup = opts.get("cgroup");
        if (cgroup != null) {
            // a cgroup v1 memory group (memory.limit_in_bytes set beforehand): the child's heap, native memory and
            // the page cache it faults in are charged to it, so its searches run in that much memory
            Files.writeString(Path.of(cgroup, "cgroup.procs"), Long.toString(p.pid()));
            System.out.println("[" + side + "] child " + p.pid() + " in " + cgroup + ", limit "
                    + Files.readString(Path.of(cgroup, "memory.limit_in_bytes")).trim() + " bytes");
        }
        List<String> results = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                System.out.println("[" + side + "] " + line);
                if (line.startsWith("RESULT ")) {
                    results.add(line);
                }
            }
        }
        int rc = p.waitFor();
        if (rc != 0) {
            System.out.println("[" + side + "] exited with " + rc);
        }
        return results;
    }

    private static String childHeap(String[] args) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals("--heap")) {
                return args[i + 1];
            }
        }
        return "3g";
    }

    private static void child(String sideName, String dataset, int size, Map<String, String> opts) throws Exception {
        int k = Integer.parseInt(opts.getOrDefault("k", "10"));
        double seconds = Double.parseDouble(opts.getOrDefault("seconds", "5"));
        int[] efs = Arrays.stream(opts.getOrDefault("ef", "10,20,40,80,160").split(",")).mapToInt(Integer::parseInt)
                .toArray();
        int[] threadCounts = Arrays.stream(opts.getOrDefault("threads", "1,2").split(","))
                .mapToInt(Integer::parseInt).toArray();
        boolean reuse = Boolean.parseBoolean(opts.getOrDefault("reuse", "false"));
        VectorData data = reuse ? VectorData.queriesOnly(dataset, size) : VectorData.load(dataset, size);
        Path home = BenchPaths.cache().resolve("index-" + sideName + "-" + data.name);
        try (SearchSide side = SearchSide.of(sideName)) {
            if (reuse) {
                if (!Files.isDirectory(home)) {
                    throw new IllegalStateException("--reuse: no index at " + home + "; run once without --reuse");
                }
            } else {
                deleteTree(home);
                Files.createDirectories(home.getParent());
                long t0 = System.nanoTime();
                side.build(home, data.base);
                double buildSeconds = (System.nanoTime() - t0) / 1e9;
                result(sideName, "build time (s)", String.format("%.1f", buildSeconds));
            }
            result(sideName, "bytes on disk", String.format("%,d", sizeOf(home)));

            float[][] queries = data.queries;
            int[][] truth = data.truth;
            data = null; // the base vectors are no longer reachable from here: the baseline excludes them
            boolean cold = Boolean.parseBoolean(opts.getOrDefault("drop-caches", "false")) || opts.containsKey("cgroup");
            if (!cold && Boolean.parseBoolean(opts.getOrDefault("page-cache-reset", "true"))) {
                System.out.println(PageCache.reset()); // the same page-cache state for every side (PageCache)
            }
            Memory before = Memory.measure();

            side.open(home);
            // JIT warm-up at the largest ef, so the first ef of the sweep is not measured on cold code.
            int maxEf = Arrays.stream(efs).max().orElse(k);
            qps(side, queries, k, maxEf, 1, Double.parseDouble(opts.getOrDefault("warmup", String.valueOf(seconds))));
            for (int ef : efs) {
                int[][] found = new int[queries.length][];
                for (int q = 0; q < queries.length; q++) {
                    found[q] = side.search(queries[q], k, ef); // also the warm-up pass
                }
                double recall = VectorData.recall(truth, found, k);
                StringBuilder qps = new StringBuilder();
                for (int threads : threadCounts) {
                    long[] io0 = storageReads();
                    long t0 = System.nanoTime();
                    double v = qps(side, queries, k, ef, threads, seconds);
                    long[] io1 = storageReads();
                    if (threads == 1 && io0 != null && io1 != null) {
                        // what the searches made the OS read from storage (read-ahead included) and the page faults
                        // that had to wait for it: near zero while the index fits the page cache
                        double n = v * (System.nanoTime() - t0) / 1e9;
                        result(sideName, "ef " + ef + ": KB read from storage per query (1 thread)",
                                String.format("%.1f", (io1[0] - io0[0]) / 1024.0 / n));
                        result(sideName, "ef " + ef + ": major page faults per query (1 thread)",
                                String.format("%.1f", (io1[1] - io0[1]) / n));
                    }
                    result(sideName, "ef " + ef + ": QPS " + threads + " thread" + (threads > 1 ? "s" : ""),
                            String.format("%.0f", v));
                    qps.append(String.format(" qps%d=%.0f", threads, v));
                }
                result(sideName, "ef " + ef + ": recall@" + k, String.format("%.4f", recall));
                System.err.printf("%s ef=%d recall@%d=%.4f%s%n", sideName, ef, k, recall, qps);
            }
            Memory after = Memory.measure();
            result(sideName, "heap used after GC, delta (MB)", mb(after.heap - before.heap));
            result(sideName, "RssAnon delta (MB)", mb(after.rssAnon - before.rssAnon));
            result(sideName, "RssFile delta (MB)", mb(after.rssFile - before.rssFile));
            result(sideName, "load average at end", loadAverage());
        }
    }

    private static double qps(SearchSide side, float[][] queries, int k, int ef, int threads, double seconds)
            throws InterruptedException {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong done = new AtomicLong();
        AtomicLong failures = new AtomicLong();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            final int offset = t * 7919;
            workers.add(new Thread(() -> {
                long n = 0;
                int q = offset % queries.length;
                while (!stop.get()) {
                    try {
                        side.search(queries[q], k, ef);
                    } catch (Exception e) {
                        failures.incrementAndGet();
                    }
                    n++;
                    q = (q + 1) % queries.length;
                }
                done.addAndGet(n);
            }));
        }
        long t0 = System.nanoTime();
        workers.forEach(Thread::start);
        Thread.sleep((long) (seconds * 1000));
        stop.set(true);
        for (Thread w : workers) {
            w.join();
        }
        double elapsed = (System.nanoTime() - t0) / 1e9;
        if (failures.get() > 0) {
            throw new IllegalStateException(failures.get() + " searches failed");
        }
        return done.get() / elapsed;
    }

    /** {@code read_bytes} of /proc/self/io and major faults of /proc/self/stat, or null off Linux. */
    private static long[] storageReads() {
        try {
            long read = 0;
            for (String line : Files.readAllLines(Path.of("/proc/self/io"))) {
                if (line.startsWith("read_bytes:")) {
                    read = Long.parseLong(line.substring("read_bytes:".length()).trim());
                }
            }
            String stat = Files.readString(Path.of("/proc/self/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return new long[] {read, Long.parseLong(f[9])}; // field 12 (majflt), counted from field 3
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    record Memory(long heap, long rssAnon, long rssFile) {
        static Memory measure() throws IOException {
            for (int i = 0; i < 2; i++) {
                System.gc();
            }
            long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            long anon = 0;
            long file = 0;
            Path status = Path.of("/proc/self/status");
            if (Files.exists(status)) {
                for (String line : Files.readAllLines(status)) {
                    if (line.startsWith("RssAnon:")) {
                        anon = kb(line);
                    } else if (line.startsWith("RssFile:")) {
                        file = kb(line);
                    }
                }
            }
            return new Memory(heap, anon, file);
        }

        private static long kb(String line) {
            return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
    }

    private static String mb(long bytes) {
        return String.format("%.1f", bytes / 1048576.0);
    }

    static String loadAverage() {
        try {
            String[] p = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return p[0] + " " + p[1] + " " + p[2];
        } catch (IOException e) {
            return "n/a";
        }
    }

    private static void result(String side, String metric, String value) {
        System.out.println("RESULT " + side + "\t" + metric + "\t" + value);
    }

    static long sizeOf(Path dir) throws IOException {
        // real path first: a home that is a symbolic link to an index built elsewhere (--reuse) is not a size of 0
        try (Stream<Path> s = Files.walk(dir.toRealPath())) {
            return s.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    return 0;
                }
            }).sum();
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** {@code args} with {@code --name value} set (replaced where present, else appended). */
    static String[] withOption(String[] args, String name, String value) {
        List<String> out = new ArrayList<>(Arrays.asList(args));
        int i = out.indexOf("--" + name);
        if (i >= 0 && i + 1 < out.size()) {
            out.set(i + 1, value);
        } else {
            out.add("--" + name);
            out.add(value);
        }
        return out.toArray(String[]::new);
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --name value pairs, got " + Arrays.toString(args));
            }
            m.put(args[i].substring(2), args[++i]);
        }
        return m;
    }
}
