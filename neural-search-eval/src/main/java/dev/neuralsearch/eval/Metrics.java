package dev.neuralsearch.eval;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Ranking metrics for one query, as BEIR reports them (BEIR computes them with pytrec_eval, i.e. trec_eval).
 *
 * <p>Every function takes the ranking (document ids, best first; a repeated id counts once, at its first
 * position) and the query's judgments (document id to relevance grade). A document is relevant when its
 * grade is &gt; 0; unjudged documents are not relevant. A query without relevant documents scores 0.
 * Averaging over queries is the caller's job ({@link #mean}).
 */
public final class Metrics {
    private Metrics() {
    }

    /**
     * Recall@K: the relevant documents found in the top {@code k} divided by all relevant documents of the
     * query (not by {@code min(k, relevant)}: that would be BEIR's "R_cap").
     */
    public static double recallAtK(List<String> ranking, Map<String, Integer> judged, int k) {
        requireK(k);
        int relevant = relevantCount(judged);
        if (relevant == 0) {
            return 0.0;
        }
        int found = 0;
        for (String id : topK(ranking, k)) {
            if (grade(judged, id) > 0) {
                found++;
            }
        }
        return (double) found / relevant;
    }

    /**
     * nDCG@K as trec_eval's {@code ndcg_cut}: gain = relevance grade (grades &le; 0 give nothing), discount
     * {@code log2(rank + 1)} with 1-based ranks, normalised by the DCG of the ideal ranking built from the
     * judgments (grades sorted in decreasing order, cut at {@code k}).
     */
    public static double ndcgAtK(List<String> ranking, Map<String, Integer> judged, int k) {
        requireK(k);
        double dcg = 0;
        int rank = 0;
        for (String id : topK(ranking, k)) {
            rank++;
            int g = grade(judged, id);
            if (g > 0) {
                dcg += g / log2(rank + 1);
            }
        }
        List<Integer> ideal = new ArrayList<>();
        for (int g : judged.values()) {
            if (g > 0) {
                ideal.add(g);
            }
        }
        ideal.sort((a, b) -> Integer.compare(b, a));
        double idcg = 0;
        for (int i = 0; i < Math.min(k, ideal.size()); i++) {
            idcg += ideal.get(i) / log2(i + 2);
        }
        return idcg == 0 ? 0.0 : dcg / idcg;
    }

    /** MRR@K: 1 / rank of the first relevant document within the top {@code k}, or 0 if there is none. */
    public static double mrrAtK(List<String> ranking, Map<String, Integer> judged, int k) {
        requireK(k);
        int rank = 0;
        for (String id : topK(ranking, k)) {
            rank++;
            if (grade(judged, id) > 0) {
                return 1.0 / rank;
            }
        }
        return 0.0;
    }

    /** Arithmetic mean; 0 for no values. */
    public static double mean(Collection<Double> values) {
        if (values.isEmpty()) {
            return 0.0;
        }
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        return sum / values.size();
    }

    /** The value at quantile {@code q} (0..1) by the nearest-rank method; 0 for no values. */
    public static double percentile(double[] values, double q) {
        if (values.length == 0) {
            return 0.0;
        }
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    static int relevantCount(Map<String, Integer> judged) {
        int n = 0;
        for (int g : judged.values()) {
            if (g > 0) {
                n++;
            }
        }
        return n;
    }

    private static int grade(Map<String, Integer> judged, String id) {
        Integer g = judged.get(id);
        return g == null ? 0 : g;
    }

    /** The first {@code k} distinct ids. */
    private static List<String> topK(List<String> ranking, int k) {
        List<String> out = new ArrayList<>(Math.min(k, ranking.size()));
        Set<String> seen = new HashSet<>();
        for (String id : ranking) {
            if (out.size() == k) {
                break;
            }
            if (seen.add(id)) {
                out.add(id);
            }
        }
        return out;
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }

    private static void requireK(int k) {
        if (k <= 0) {
            throw new IllegalArgumentException("k must be positive, was " + k);
        }
    }
}
