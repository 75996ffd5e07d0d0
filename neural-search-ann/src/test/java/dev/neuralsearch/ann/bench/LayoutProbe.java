package dev.neuralsearch.ann.bench;

import dev.neuralsearch.ann.JVectorIndex;
import dev.neuralsearch.ann.JVectorIndexOptions;
import dev.neuralsearch.ann.SpectralVectors;
import dev.neuralsearch.core.Filter;
import dev.neuralsearch.core.IndexSchema;
import dev.neuralsearch.core.SearchOptions;
import dev.neuralsearch.core.Similarity;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Single-thread QPS of two indexes of the same data (e.g. built by {@link AnnBench} in the FUSED and IN_MEMORY PQ
 * layouts) searched in one process, alternating rounds of queries between them so that both see the same machine
 * load (not a unit test). Run the AnnBench builds first; recall is AnnBench's.
 *
 * <pre>
 * java [jvm flags] -Xmx1g -cp ... dev.neuralsearch.ann.bench.LayoutProbe a=target/bench-100k-fused \
 *      b=target/bench-100k-mem n=100000 queries=200 rounds=5 overquery=2,5,10,20,30
 * </pre>
 * The queries are the spectral stream AnnBench uses after its n documents (seed 42).
 */
public final class LayoutProbe {
    public static void main(String[] args) throws Exception {
        Map<String, String> a = new java.util.HashMap<>();
        for (String s : args) {
            int eq = s.indexOf('=');
            a.put(s.substring(0, eq), s.substring(eq + 1));
        }
        Path pa = Path.of(a.get("a"));
        Path pb = Path.of(a.get("b"));
        int n = Integer.parseInt(a.getOrDefault("n", "100000"));
        int queries = Integer.parseInt(a.getOrDefault("queries", "200"));
        int rounds = Integer.parseInt(a.getOrDefault("rounds", "5"));
        String[] overqueries = a.getOrDefault("overquery", "2,5,10,20,30").split(",");
        SpectralVectors sv = new SpectralVectors(384, 1.0, 0.4, 42);
        for (int i = 0; i < n; i++) {
            sv.next();
        }
        List<float[]> qs = new ArrayList<>();
        for (int i = 0; i < queries; i++) {
            qs.add(sv.next());
        }
        IndexSchema schema = new IndexSchema("bench", 384, Similarity.DOT_PRODUCT);
        JVectorIndexOptions o = JVectorIndexOptions.DEFAULT.withPqThreshold(50_000).withMaxSegments(0);
        try (JVectorIndex ia = JVectorIndex.open(pa, schema, o); JVectorIndex ib = JVectorIndex.open(pb, schema, o)) {
            System.out.println("load " + java.nio.file.Files.readString(Path.of("/proc/loadavg")).trim());
            for (String ov : overqueries) {
                SearchOptions so = new SearchOptions(Float.parseFloat(ov));
                for (float[] q : qs.subList(0, Math.min(50, queries))) { // warm-up
                    ia.search(q, 10, Filter.ALL, so);
                    ib.search(q, 10, Filter.ALL, so);
                }
                long na = 0;
                long nb = 0;
                for (int r = 0; r < rounds; r++) {
                    long t0 = System.nanoTime();
                    for (float[] q : qs) {
                        ia.search(q, 10, Filter.ALL, so);
                    }
                    long t1 = System.nanoTime();
                    for (float[] q : qs) {
                        ib.search(q, 10, Filter.ALL, so);
                    }
                    long t2 = System.nanoTime();
                    na += t1 - t0;
                    nb += t2 - t1;
                }
                double qa = (double) rounds * queries / (na / 1e9);
                double qb = (double) rounds * queries / (nb / 1e9);
                System.out.printf("overquery %-4s: %s %.0f QPS, %s %.0f QPS (b/a %.2f)%n", ov, pa.getFileName(), qa,
                        pb.getFileName(), qb, qb / qa);
            }
            System.out.println("load " + java.nio.file.Files.readString(Path.of("/proc/loadavg")).trim());
        }
    }
}
