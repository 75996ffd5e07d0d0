package dev.neuralsearch.ann.bench;

import dev.neuralsearch.ann.DocumentStoreKind;
import dev.neuralsearch.ann.JVectorIndex;
import dev.neuralsearch.ann.JVectorIndexOptions;
import dev.neuralsearch.ann.TestVectors;
import dev.neuralsearch.core.Document;
import dev.neuralsearch.core.Filter;
import dev.neuralsearch.core.IndexSchema;
import dev.neuralsearch.core.Similarity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The cost of the flag-free document store (issue 19; not a unit test): one home, searched and read with
 * {@link DocumentStoreKind#SEGMENT_FILES} and then with {@link DocumentStoreKind#CHRONICLE} (which needs the JVM
 * flags). Prints per kind: the latency of {@code get(id)} (id lookup plus hydration of one document), of
 * {@code search(q, 10)} and of {@code search(q, 100)} (hydration of 10 and 100 hits), p50 / p99 over all calls after a
 * warm-up, with the page cache warm.
 *
 * <pre>
 * java $FLAGS -cp ... dev.neuralsearch.ann.bench.DocumentStoreBench n=100000 dim=384 textBytes=1000 queries=2000 \
 *      dir=target/store-bench
 * </pre>
 */
public final class DocumentStoreBench {
    public static void main(String[] args) throws Exception {
        Map<String, String> a = new java.util.HashMap<>();
        for (String s : args) {
            int eq = s.indexOf('=');
            a.put(s.substring(0, eq), s.substring(eq + 1));
        }
        int n = Integer.parseInt(a.getOrDefault("n", "100000"));
        int dim = Integer.parseInt(a.getOrDefault("dim", "384"));
        int textBytes = Integer.parseInt(a.getOrDefault("textBytes", "1000"));
        int queries = Integer.parseInt(a.getOrDefault("queries", "2000"));
        Path dir = Path.of(a.getOrDefault("dir", "target/store-bench"));
        IndexSchema schema = new IndexSchema("store-bench", dim, Similarity.DOT_PRODUCT);
        TestVectors tv = new TestVectors(dim, 256, 0.03f, 42);
        if (!Files.exists(dir.resolve("manifest.json"))) {
            long t0 = System.nanoTime();
            try (JVectorIndex index = JVectorIndex.open(dir, schema,
                    JVectorIndexOptions.DEFAULT.withDocumentStore(DocumentStoreKind.SEGMENT_FILES))) {
                Random r = new Random(1);
                for (int start = 0; start < n; start += 10_000) {
                    List<Document> docs = new ArrayList<>();
                    List<float[]> vectors = new ArrayList<>();
                    for (int i = start; i < Math.min(n, start + 10_000); i++) {
                        docs.add(Document.of("doc-" + i, text(r, textBytes), Map.of("i", i)));
                        vectors.add(tv.next());
                    }
                    index.add(docs, vectors);
                }
                index.commit();
            }
            System.out.printf("built %d docs in %.1f s%n", n, (System.nanoTime() - t0) / 1e9);
        }
        List<float[]> qs = new ArrayList<>();
        for (int i = 0; i < queries; i++) {
            qs.add(tv.next());
        }
        System.out.printf("n=%d dim=%d textBytes=%d queries=%d %s, load average %s%n", n, dim, textBytes, queries,
                Runtime.version(), loadAverage());
        for (DocumentStoreKind kind : List.of(DocumentStoreKind.SEGMENT_FILES, DocumentStoreKind.CHRONICLE)) {
            long t0 = System.nanoTime();
            try (JVectorIndex index = JVectorIndex.open(dir, schema,
                    JVectorIndexOptions.DEFAULT.withDocumentStore(kind))) {
                double openSeconds = (System.nanoTime() - t0) / 1e9;
                Random r = new Random(7);
                long[] get = new long[queries];
                long[] k10 = new long[queries];
                long[] k100 = new long[queries];
                for (int round = 0; round < 2; round++) { // round 0 warms up
                    for (int i = 0; i < queries; i++) {
                        String id = "doc-" + r.nextInt(n);
                        long s = System.nanoTime();
                        if (index.get(id).isEmpty()) {
                            throw new IllegalStateException(id);
                        }
                        get[i] = System.nanoTime() - s;
                        s = System.nanoTime();
                        index.search(qs.get(i), 10, Filter.ALL);
                        k10[i] = System.nanoTime() - s;
                        s = System.nanoTime();
                        index.search(qs.get(i), 100, Filter.ALL);
                        k100[i] = System.nanoTime() - s;
                    }
                }
                System.out.printf("%-13s open %.1f s | get(id) %s | search k=10 %s | search k=100 %s%n",
                        index.documentStoreKind(), openSeconds, pct(get), pct(k10), pct(k100));
            }
        }
    }

    private static String text(Random r, int bytes) {
        StringBuilder sb = new StringBuilder(bytes);
        while (sb.length() < bytes) {
            sb.append("word").append(r.nextInt(5000)).append(' ');
        }
        return sb.toString();
    }

    private static String pct(long[] nanos) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        return String.format("p50 %.1f us p99 %.1f us", s[s.length / 2] / 1e3, s[(int) (s.length * 0.99)] / 1e3);
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (Exception e) {
            return "?";
        }
    }
}
