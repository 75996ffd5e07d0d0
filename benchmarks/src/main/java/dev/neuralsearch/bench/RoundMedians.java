package dev.neuralsearch.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Merges the {@code RESULT <side>\t<metric>\t<value>} lines of several rounds of {@link VectorSearchComparison}
 * ({@code --rounds N}) into one line per side and metric whose value is the median of the rounds.
 *
 * <p>Why: on a shared 2-core machine one side's child can run while something else loads the machine, and a single
 * round then moves a ratio by 20-40 %. Rounds alternate the order of the sides, so a load spike lands on different
 * sides in different rounds, and the median of three drops one bad round per side. Values that are not numbers
 * (the load average, say) keep the first round's value. Metrics measured only in some rounds (the build, in the
 * first) keep the median of the rounds that have them.
 */
final class RoundMedians {
    private RoundMedians() {
    }

    /** One line per side and metric, in order of first appearance; numeric values are the median of the rounds. */
    static List<String> merge(List<List<String>> rounds) {
        Map<String, List<String>> values = new LinkedHashMap<>(); // "side\tmetric" -> value per round
        for (List<String> round : rounds) {
            for (String line : round) {
                String[] f = line.substring("RESULT ".length()).split("\t", 3);
                if (f.length < 3) {
                    continue;
                }
                values.computeIfAbsent(f[0] + "\t" + f[1], k -> new ArrayList<>()).add(f[2]);
            }
        }
        List<String> out = new ArrayList<>(values.size());
        values.forEach((key, vs) -> out.add("RESULT " + key + "\t" + median(vs)));
        return out;
    }

    /** Whether a RESULT line is one of the memory figures (heap, RssAnon, RssFile deltas). */
    static boolean isMemory(String line) {
        return line.contains("\theap used after GC, delta (MB)\t") || line.contains("\tRssAnon delta (MB)\t")
                || line.contains("\tRssFile delta (MB)\t");
    }

    /** The rounds' values of one metric, for the log: "a / b / c". */
    static Map<String, String> spread(List<List<String>> rounds) {
        Map<String, List<String>> values = new LinkedHashMap<>();
        for (List<String> round : rounds) {
            for (String line : round) {
                String[] f = line.substring("RESULT ".length()).split("\t", 3);
                if (f.length == 3) {
                    values.computeIfAbsent(f[0] + "\t" + f[1], k -> new ArrayList<>()).add(f[2]);
                }
            }
        }
        Map<String, String> out = new LinkedHashMap<>();
        values.forEach((k, v) -> out.put(k, String.join(" / ", v)));
        return out;
    }

    /**
     * The median of {@code vs} if they all parse as numbers ("12,345" too), with as many decimals as the most precise
     * of them (the mean of the middle two for an even count), else the first value.
     */
    static String median(List<String> vs) {
        double[] d = new double[vs.size()];
        for (int i = 0; i < d.length; i++) {
            try {
                d[i] = Double.parseDouble(vs.get(i).replace(",", ""));
            } catch (NumberFormatException e) {
                return vs.get(0);
            }
        }
        if (d.length == 1) {
            return vs.get(0);
        }
        Arrays.sort(d);
        int n = d.length;
        double m = n % 2 == 1 ? d[n / 2] : (d[n / 2 - 1] + d[n / 2]) / 2;
        int decimals = vs.stream().mapToInt(v -> v.indexOf('.') < 0 ? 0 : v.length() - v.indexOf('.') - 1).max()
                .orElse(0);
        return String.format(Locale.ROOT, "%." + decimals + "f", m);
    }
}
