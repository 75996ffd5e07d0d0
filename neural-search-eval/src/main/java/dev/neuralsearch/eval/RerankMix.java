package dev.neuralsearch.eval;

import dev.neuralsearch.core.ProgressListener;
import dev.neuralsearch.core.Reranker;
import dev.neuralsearch.core.ScoreMix;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The rerank stage as a mix (issue 22 item 4): the top {@code depth} candidates are ordered by
 * {@code (1 - w) * z(recall score) + w * z(reranker score)}, each score z-normalized over those candidates of the
 * query ({@link ScoreMix}, the formula {@code MultiRouteSearch}'s rerank stage uses too); the candidates below {@code depth} keep their order. With {@code w = 0} this is the candidates' own order,
 * with {@code w = 1} the reranker's alone.
 *
 * <p>{@link #fit} chooses the depth and the weight by mean nDCG@10 on held-out queries (the train queries the
 * reranker did not train on): every depth of a list, the weight on a grid of step 0.05. The reranker scores the
 * deepest depth once per query; the scores of a shallower depth are that prefix (a cross-encoder scores each pair on
 * its own). The latency of each depth is measured separately, on up to {@link #LATENCY_QUERIES} of the queries.
 */
public final class RerankMix {
    /** The depths {@code depth: auto} tries. */
    public static final List<Integer> DEPTHS = List.of(10, 20, 30, 50);
    /** Weight grid step. */
    public static final double STEP = 0.05;
    /** Queries whose rerank is timed at each depth. */
    public static final int LATENCY_QUERIES = 20;

    /**
     * What the fit chose and saw.
     *
     * @param depth           chosen depth
     * @param weight          chosen reranker weight
     * @param ndcg10          held-out nDCG@10 at that choice
     * @param candidatesNdcg10 held-out nDCG@10 of the candidates' own order
     * @param grid            per depth: nDCG@10 at each weight
     * @param msPerQuery      per depth: mean rerank time per query (ms), scoring that depth alone
     * @param queries         held-out queries used
     */
    public record Choice(int depth, double weight, double ndcg10, double candidatesNdcg10,
                         Map<Integer, Map<Double, Double>> grid, Map<Integer, Double> msPerQuery, int queries) {
    }

    private RerankMix() {
    }

    /**
     * The mixed order of {@code candidates} (best first, with their recall scores {@code recall}, same length) given
     * the reranker scores {@code rerank} of at least the first {@code min(depth, candidates)}: the formula is the
     * library's, {@link ScoreMix}, so that this row and {@code MultiRouteSearch}'s rerank stage agree.
     */
    public static List<String> mix(List<String> candidates, float[] recall, float[] rerank, int depth, double weight) {
        int n = Math.min(depth, candidates.size());
        List<String> out = new ArrayList<>(candidates.size());
        for (int i : ScoreMix.order(recall, rerank, n, weight)) {
            out.add(candidates.get(i));
        }
        out.addAll(candidates.subList(n, candidates.size()));
        return out;
    }

    /** Reranker scores of the first {@code depth} candidates. */
    public static float[] score(Reranker reranker, String query, List<String> candidates, BeirDataset ds, int depth) {
        int n = Math.min(depth, candidates.size());
        List<String> texts = new ArrayList<>(n);
        for (String id : candidates.subList(0, n)) {
            texts.add(ds.corpus().get(id).passage());
        }
        float[] s = n == 0 ? new float[0] : reranker.score(query, texts);
        if (s.length != n) {
            throw new IllegalStateException("reranker returned " + s.length + " scores for " + n + " passages");
        }
        return s;
    }

    /**
     * Chooses depth and weight on {@code heldOut}'s queries.
     *
     * @param candidates per query of {@code heldOut} (its iteration order): the candidate ids, best first
     * @param recall     their recall scores
     * @param depths     the depths to try (each >= 1)
     * @param weight     a fixed weight, or null to fit it
     */
    public static Choice fit(BeirDataset heldOut, List<List<String>> candidates, List<float[]> recall,
                             Reranker reranker, List<Integer> depths, Double weight, ProgressListener progress) {
        Objects.requireNonNull(reranker, "reranker");
        List<String> qids = new ArrayList<>(heldOut.queries().keySet());
        if (qids.isEmpty() || candidates.size() != qids.size() || recall.size() != qids.size()) {
            throw new IllegalArgumentException("fitting the rerank mix needs candidates for every one of "
                    + qids.size() + " held-out queries (at least one)");
        }
        int max = depths.stream().mapToInt(Integer::intValue).max().orElseThrow();
        List<float[]> scores = new ArrayList<>(qids.size());
        for (int q = 0; q < qids.size(); q++) {
            scores.add(score(reranker, heldOut.queries().get(qids.get(q)), candidates.get(q), heldOut, max));
            if (progress != null) {
                progress.onProgress(q + 1, qids.size());
            }
        }
        Map<Integer, Double> ms = new LinkedHashMap<>();
        int timed = Math.min(LATENCY_QUERIES, qids.size());
        for (int d : depths) {
            long t0 = System.nanoTime();
            for (int q = 0; q < timed; q++) {
                score(reranker, heldOut.queries().get(qids.get(q)), candidates.get(q), heldOut, d);
            }
            ms.put(d, (System.nanoTime() - t0) / 1e6 / timed);
        }
        List<Double> weights = new ArrayList<>();
        if (weight != null) {
            weights.add(weight);
        } else {
            for (int i = 0; i <= Math.round(1 / STEP); i++) {
                weights.add(Math.round(i * STEP * 1e6) / 1e6);
            }
        }
        double base = meanNdcg(heldOut, qids, candidates);
        Map<Integer, Map<Double, Double>> grid = new LinkedHashMap<>();
        int bestD = depths.get(0);
        double bestW = weights.get(0);
        double best = Double.NEGATIVE_INFINITY;
        for (int d : depths) {
            Map<Double, Double> row = new LinkedHashMap<>();
            for (double w : weights) {
                List<List<String>> mixed = new ArrayList<>(qids.size());
                for (int q = 0; q < qids.size(); q++) {
                    mixed.add(mix(candidates.get(q), recall.get(q), scores.get(q), d, w));
                }
                double v = meanNdcg(heldOut, qids, mixed);
                row.put(w, v);
                // strictly better only: ties keep the shallower depth and the smaller weight (cheaper, closer to recall)
                if (v > best + 1e-12) {
                    best = v;
                    bestD = d;
                    bestW = w;
                }
            }
            grid.put(d, row);
        }
        return new Choice(bestD, bestW, best, base, grid, ms, qids.size());
    }

    private static double meanNdcg(BeirDataset ds, List<String> qids, List<List<String>> rankings) {
        double sum = 0;
        for (int q = 0; q < qids.size(); q++) {
            sum += Metrics.ndcgAtK(rankings.get(q), ds.qrels().getOrDefault(qids.get(q), Map.of()), 10);
        }
        return sum / qids.size();
    }
}
