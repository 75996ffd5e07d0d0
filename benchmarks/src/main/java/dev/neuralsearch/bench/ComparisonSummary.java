package dev.neuralsearch.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The last lines of {@link VectorSearchComparison}, one per peer side, for scripts:
 * <pre>summary &lt;dataset&gt; peer=&lt;side&gt; ours_ef=&lt;n&gt; peer_ef=&lt;n&gt; qps1_ratio=&lt;x&gt; qps2_ratio=&lt;y&gt; ours_mb=&lt;m&gt; peer_mb=&lt;m&gt;</pre>
 * Each side is taken at the smallest ef of the sweep where its recall@10 reaches {@value #RECALL}; the ratios are
 * ours / peer. MB is the memory the open, searched index holds as the comparison measures it: heap used after GC
 * delta + RssAnon delta + RssFile delta. A side that never reaches the recall gets {@code na} for its ef and every
 * figure that needs it.
 */
final class ComparisonSummary {
    static final double RECALL = 0.95;

    private ComparisonSummary() {
    }

    /** One ef of one side's sweep; qps2 is NaN when two threads were not measured. */
    record Point(int ef, double recall, double qps1, double qps2) {
    }

    /** One side's sweep (in ascending ef) and its memory in MB (NaN when not measured). */
    record Side(List<Point> points, double mb) {
    }

    /** The point of smallest ef whose recall is at least {@code recall}. */
    static Optional<Point> first(List<Point> points, double recall) {
        return points.stream().filter(p -> p.recall() >= recall).min((a, b) -> Integer.compare(a.ef(), b.ef()));
    }

    /** The summary line of {@code peer} against {@code ours}. */
    static String line(String dataset, String peerName, Side ours, Side peer) {
        Optional<Point> o = first(ours.points(), RECALL);
        Optional<Point> p = first(peer.points(), RECALL);
        String qps1 = o.isPresent() && p.isPresent() ? ratio(o.get().qps1(), p.get().qps1()) : "na";
        String qps2 = o.isPresent() && p.isPresent() ? ratio(o.get().qps2(), p.get().qps2()) : "na";
        return String.format(Locale.ROOT, "summary %s peer=%s ours_ef=%s peer_ef=%s qps1_ratio=%s qps2_ratio=%s"
                        + " ours_mb=%s peer_mb=%s", dataset, peerName, ef(o), ef(p), qps1, qps2, mb(ours.mb()),
                mb(peer.mb()));
    }

    /**
     * The sides found in the comparison's {@code RESULT <side>\t<metric>\t<value>} lines, in order of appearance.
     */
    static Map<String, Side> parse(List<String> resultLines, int k) {
        Map<String, Map<Integer, double[]>> sweeps = new LinkedHashMap<>(); // ef -> recall, qps1, qps2
        Map<String, double[]> memory = new LinkedHashMap<>(); // heap, anon, file
        for (String l : resultLines) {
            String[] f = l.substring("RESULT ".length()).split("\t");
            String side = f[0];
            String metric = f[1];
            double value;
            try {
                value = Double.parseDouble(f[2].replace(",", ""));
            } catch (NumberFormatException e) {
                continue; // e.g. the load average
            }
            Map<Integer, double[]> sweep = sweeps.computeIfAbsent(side, s -> new TreeMap<>());
            double[] mem = memory.computeIfAbsent(side, s -> new double[] {Double.NaN, Double.NaN, Double.NaN});
            if (metric.startsWith("ef ")) {
                int ef = Integer.parseInt(metric.substring(3, metric.indexOf(':')));
                double[] p = sweep.computeIfAbsent(ef, e -> new double[] {Double.NaN, Double.NaN, Double.NaN});
                if (metric.endsWith(": recall@" + k)) {
                    p[0] = value;
                } else if (metric.endsWith(": QPS 1 thread")) {
                    p[1] = value;
                } else if (metric.endsWith(": QPS 2 threads")) {
                    p[2] = value;
                }
            } else if (metric.equals("heap used after GC, delta (MB)")) {
                mem[0] = value;
            } else if (metric.equals("RssAnon delta (MB)")) {
                mem[1] = value;
            } else if (metric.equals("RssFile delta (MB)")) {
                mem[2] = value;
            }
        }
        Map<String, Side> sides = new LinkedHashMap<>();
        sweeps.forEach((side, sweep) -> {
            List<Point> points = new ArrayList<>();
            sweep.forEach((ef, p) -> points.add(new Point(ef, p[0], p[1], p[2])));
            double[] m = memory.get(side);
            sides.put(side, new Side(points, m[0] + m[1] + m[2]));
        });
        return sides;
    }

    private static String ef(Optional<Point> p) {
        return p.map(x -> Integer.toString(x.ef())).orElse("na");
    }

    private static String ratio(double ours, double peer) {
        return Double.isNaN(ours) || Double.isNaN(peer) || peer == 0 ? "na"
                : String.format(Locale.ROOT, "%.2f", ours / peer);
    }

    private static String mb(double mb) {
        return Double.isNaN(mb) ? "na" : String.format(Locale.ROOT, "%.1f", mb);
    }
}
