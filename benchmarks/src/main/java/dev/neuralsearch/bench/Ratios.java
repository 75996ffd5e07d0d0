package dev.neuralsearch.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads JMH JSON results ({@code -rf json -rff results.json}) and prints, for every benchmark that has an
 * {@code ours} method, the ratio ours / peer of the primary score and of each counter, row by row for the same
 * parameters and thread count. When the same files also hold {@link MatMulBenchmark} results, it prints each
 * encoder's useful FLOP/s as a fraction of the best matrix multiply of the matching type (int8 for the "-q"
 * models, fp32 otherwise).
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar dev.neuralsearch.bench.Ratios results.json [more.json ...]</pre>
 */
public final class Ratios {
    private Ratios() {
    }

    record Row(String clazz, String method, Map<String, String> params, int threads, double score, String unit,
               Map<String, Double> counters) {
        String key() {
            return clazz + " " + params + " threads=" + threads;
        }
    }

    public static void main(String[] args) throws IOException {
        if (args.length == 0) {
            System.err.println("usage: Ratios results.json [more.json ...]");
            System.exit(2);
        }
        List<Row> rows = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        for (String a : args) {
            for (JsonNode r : json.readTree(Path.of(a).toFile())) {
                rows.add(row(r));
            }
        }
        printRatios(rows);
        printCeiling(rows);
    }

    static Row row(JsonNode r) {
        String bench = r.get("benchmark").asText();
        int dot = bench.lastIndexOf('.');
        String clazz = bench.substring(bench.lastIndexOf('.', dot - 1) + 1, dot);
        Map<String, String> params = new TreeMap<>();
        r.path("params").properties().forEach(e -> params.put(e.getKey(), e.getValue().asText()));
        Map<String, Double> counters = new TreeMap<>();
        r.path("secondaryMetrics").properties().forEach(
                e -> counters.put(e.getKey(), e.getValue().path("score").asDouble()));
        JsonNode pm = r.get("primaryMetric");
        return new Row(clazz, bench.substring(dot + 1), params, r.path("threads").asInt(1),
                pm.path("score").asDouble(), pm.path("scoreUnit").asText(), counters);
    }

    static void printRatios(List<Row> rows) {
        Map<String, Map<String, Row>> byKey = new LinkedHashMap<>();
        for (Row r : rows) {
            byKey.computeIfAbsent(r.key(), k -> new TreeMap<>()).put(r.method(), r);
        }
        System.out.println("== ours / peer (higher is better for throughput)");
        boolean any = false;
        for (Map.Entry<String, Map<String, Row>> e : byKey.entrySet()) {
            Row ours = e.getValue().get("ours");
            if (ours == null) {
                continue;
            }
            for (Row peer : e.getValue().values()) {
                if (peer == ours) {
                    continue;
                }
                any = true;
                StringBuilder sb = new StringBuilder();
                sb.append(String.format("%s%n  ours %.4g vs %s %.4g %s: ratio %.2f", e.getKey(), ours.score(),
                        peer.method(), peer.score(), ours.unit(), ours.score() / peer.score()));
                for (Map.Entry<String, Double> c : ours.counters().entrySet()) {
                    Double p = peer.counters().get(c.getKey());
                    if (p != null && p > 0) {
                        sb.append(String.format("%n  %-8s ours %.4g/s vs %.4g/s: ratio %.2f", c.getKey(), c.getValue(),
                                p, c.getValue() / p));
                    }
                }
                System.out.println(sb);
            }
        }
        if (!any) {
            System.out.println("(no benchmark with both an 'ours' and a peer result for the same parameters)");
        }
    }

    static void printCeiling(List<Row> rows) {
        double fp32 = 0;
        double int8 = 0;
        for (Row r : rows) {
            if (r.clazz().equals("MatMulBenchmark")) {
                double f = r.counters().getOrDefault("flop", 0.0);
                if ("int8".equals(r.params().get("type"))) {
                    int8 = Math.max(int8, f);
                } else {
                    fp32 = Math.max(fp32, f);
                }
            }
        }
        if (fp32 == 0 && int8 == 0) {
            return;
        }
        System.out.printf("%n== fraction of the ONNX Runtime MatMul ceiling (fp32 %.4g FLOP/s, int8 %.4g OP/s)%n", fp32,
                int8);
        for (Row r : rows) {
            Double f = r.counters().get("flop");
            if (!r.clazz().equals("EncodeBenchmark") || f == null) {
                continue;
            }
            boolean q = r.params().getOrDefault("model", "").endsWith("-q");
            double ceiling = q ? int8 : fp32;
            if (ceiling > 0) {
                System.out.printf("%s.%s %s: %.4g useful FLOP/s = %.1f%% of the %s ceiling (%.4g tokens/s)%n",
                        r.clazz(), r.method(), r.params(), f, 100 * f / ceiling, q ? "int8" : "fp32",
                        r.counters().getOrDefault("tokens", 0.0));
            }
        }
    }
}
