package dev.neuralsearch.eval;

import dev.neuralsearch.core.Fusion;
import dev.neuralsearch.core.RankFusion;
import dev.neuralsearch.core.ScoredDocument;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Fits the route weight of a two-route fusion (dense, lexical) by grid search: for each fusion family and each
 * dense weight {@code w} in {@code 0, step, ..., 1} (lexical weight {@code 1 - w}) the mean nDCG@10 over the
 * given queries. Meant for a <em>train</em> split: {@code nsearch eval --split train --fit-fusion}; a weight
 * chosen on test queries would overstate the test figure.
 */
public final class FusionFit {

    /** The families the grid covers, by name. */
    public static final Map<String, Fusion> FAMILIES;

    static {
        Map<String, Fusion> f = new LinkedHashMap<>();
        f.put("convex min-max", Fusion.convex(Fusion.Normalization.MIN_MAX));
        f.put("convex z-score", Fusion.convex(Fusion.Normalization.Z_SCORE));
        f.put("rrf k=60", Fusion.rrf(RankFusion.DEFAULT_K));
        FAMILIES = java.util.Collections.unmodifiableMap(f);
    }

    /** One grid point. */
    public record Point(double denseWeight, double ndcg10) {
    }

    /** A family's curve and its best point (the first of equal maxima, i.e. the smallest dense weight). */
    public record Curve(String family, List<Point> points, Point best) {
        /** The family's fusion at the best weight. */
        public Fusion fusion() {
            return FAMILIES.get(family).withWeights(best.denseWeight(), 1 - best.denseWeight());
        }
    }

    private FusionFit() {
    }

    /**
     * @param dense   per query, the dense route's hits, best first
     * @param lexical per query, the lexical route's hits, best first
     * @param judged  per query, the relevance judgments (id to grade)
     * @param step    grid step of the dense weight, in (0, 0.5]
     */
    public static List<Curve> fit(List<List<ScoredDocument>> dense, List<List<ScoredDocument>> lexical,
                                  List<Map<String, Integer>> judged, double step) {
        Objects.requireNonNull(dense, "dense");
        Objects.requireNonNull(lexical, "lexical");
        Objects.requireNonNull(judged, "judged");
        if (dense.size() != lexical.size() || dense.size() != judged.size()) {
            throw new IllegalArgumentException("one dense list, one lexical list and one judgment map per query");
        }
        if (!(step > 0 && step <= 0.5)) {
            throw new IllegalArgumentException("step must be in (0, 0.5], was " + step);
        }
        int n = (int) Math.round(1 / step);
        List<Curve> curves = new ArrayList<>();
        for (Map.Entry<String, Fusion> family : FAMILIES.entrySet()) {
            List<Point> points = new ArrayList<>(n + 1);
            Point best = null;
            for (int i = 0; i <= n; i++) {
                double w = Math.min(1.0, i * step);
                w = Math.round(w * 1e6) / 1e6;
                Fusion f = w == 0 ? family.getValue().withWeights(0, 1) : w == 1
                        ? family.getValue().withWeights(1, 0) : family.getValue().withWeights(w, 1 - w);
                Point p = new Point(w, meanNdcg10(f, dense, lexical, judged));
                points.add(p);
                if (best == null || p.ndcg10() > best.ndcg10() + 1e-12) {
                    best = p;
                }
            }
            curves.add(new Curve(family.getKey(), List.copyOf(points), best));
        }
        return curves;
    }

    /** Mean nDCG@10 of a fusion over the queries. */
    public static double meanNdcg10(Fusion fusion, List<List<ScoredDocument>> dense, List<List<ScoredDocument>> lexical,
                                    List<Map<String, Integer>> judged) {
        List<Double> per = new ArrayList<>(dense.size());
        for (int q = 0; q < dense.size(); q++) {
            per.add(Metrics.ndcgAtK(fusedIds(fusion, dense.get(q), lexical.get(q)), judged.get(q), 10));
        }
        return Metrics.mean(per);
    }

    /** The fused ranking's ids, best first. */
    public static List<String> fusedIds(Fusion fusion, List<ScoredDocument> dense, List<ScoredDocument> lexical) {
        List<RankFusion.Fused<ScoredDocument>> fused = fusion.fuse(List.of(dense, lexical), h -> h.document().id(),
                ScoredDocument::score);
        List<String> ids = new ArrayList<>(fused.size());
        for (RankFusion.Fused<ScoredDocument> f : fused) {
            ids.add(f.id());
        }
        return ids;
    }

    /**
     * The best weights of an N-route fusion found on a simplex grid, and the mean nDCG@10 they reach.
     *
     * @param fusion  the family with the best weights (weights sum to 1)
     * @param ndcg10  mean nDCG@10 of {@code fusion} over the fitting queries, computed by {@link Fusion#fuse}
     * @param step    grid step of each weight
     * @param points  how many weight vectors were tried
     */
    public record Fitted(Fusion fusion, double ndcg10, double step, int points) {
    }

    /** The most weight vectors {@link #fitWeights} tries; the grid step grows with the route count to stay below. */
    public static final int MAX_GRID_POINTS = 3000;

    /**
     * Fits the route weights of {@code family} for any number of routes: every weight vector on the simplex
     * {@code {w : w_r = i_r * step, Σ w_r = 1}} is scored by the mean nDCG@10 of the fused lists over the queries,
     * the best is kept (ties: the first in grid order). The step is the finest of 0.05, 0.1, 0.2, 0.25, 0.5 whose
     * grid has at most {@value #MAX_GRID_POINTS} points (0.05 up to 4 routes, 0.1 for 5). Meant for a train
     * split.
     *
     * <p>Each query's fused score is linear in the weights ({@code Σ w_r c_r(d)}, where {@code c_r(d)} is the route's
     * normalized score, or its floor when it did not return {@code d}, for a convex fusion, and {@code 1/(k+rank)}
     * or 0 for RRF), so the grid is scored from per-document contribution vectors; the winner's figure is then
     * recomputed with {@link Fusion#fuse} itself.
     *
     * @param routes per query, per route, the route's hits best first
     * @param judged per query, the relevance judgments
     */
    public static <T> Fitted fitWeights(Fusion family, List<List<List<T>>> routes,
                                        java.util.function.Function<? super T, String> idOf,
                                        java.util.function.ToDoubleFunction<? super T> scoreOf,
                                        List<Map<String, Integer>> judged) {
        Objects.requireNonNull(family, "family");
        if (routes.size() != judged.size()) {
            throw new IllegalArgumentException("one list of routes and one judgment map per query");
        }
        if (routes.isEmpty()) {
            throw new IllegalArgumentException("no queries to fit on");
        }
        int nr = routes.get(0).size();
        if (nr < 1) {
            throw new IllegalArgumentException("no routes to fit");
        }
        int n = 20;
        for (int candidate : new int[] {20, 10, 5, 4, 2}) {
            n = candidate;
            if (gridSize(n, nr) <= MAX_GRID_POINTS) {
                break;
            }
        }
        List<Contrib> prepared = new ArrayList<>(routes.size());
        for (int q = 0; q < routes.size(); q++) {
            if (routes.get(q).size() != nr) {
                throw new IllegalArgumentException("query " + q + " has " + routes.get(q).size() + " routes, not " + nr);
            }
            prepared.add(Contrib.of(family, routes.get(q), idOf, scoreOf, judged.get(q)));
        }
        int[] counts = new int[nr];
        double[] best = null;
        double bestScore = -1;
        int points = 0;
        // enumerate compositions of n into nr non-negative parts
        counts[0] = n;
        while (true) {
            double[] w = new double[nr];
            for (int r = 0; r < nr; r++) {
                w[r] = counts[r] / (double) n;
            }
            points++;
            double sum = 0;
            for (Contrib c : prepared) {
                sum += c.ndcg10(w);
            }
            double mean = sum / prepared.size();
            if (mean > bestScore + 1e-12) {
                bestScore = mean;
                best = w;
            }
            if (!nextComposition(counts)) {
                break;
            }
        }
        Fusion fitted = family.withWeights(best);
        List<Double> per = new ArrayList<>(routes.size());
        for (int q = 0; q < routes.size(); q++) {
            List<RankFusion.Fused<T>> fused = fitted.fuse(routes.get(q), idOf, scoreOf);
            List<String> ids = new ArrayList<>(Math.min(10, fused.size()));
            for (int i = 0; i < fused.size() && i < 10; i++) {
                ids.add(fused.get(i).id());
            }
            per.add(Metrics.ndcgAtK(ids, judged.get(q), 10));
        }
        return new Fitted(fitted, Metrics.mean(per), 1.0 / n, points);
    }

    /** Points of the simplex grid with {@code n} steps over {@code routes} weights: C(n + routes - 1, routes - 1). */
    static long gridSize(int n, int routes) {
        long c = 1;
        for (int i = 1; i < routes; i++) {
            c = c * (n + i) / i;
        }
        return c;
    }

    /** Next composition in reverse-lexicographic order (first: all in part 0); false after the last. */
    private static boolean nextComposition(int[] c) {
        int last = c.length - 1;
        if (c.length == 1) {
            return false;
        }
        // find the rightmost non-zero part before the last
        int i = last - 1;
        while (i >= 0 && c[i] == 0) {
            i--;
        }
        if (i < 0) {
            return false;
        }
        int tail = c[last];
        c[last] = 0;
        c[i]--;
        c[i + 1] = tail + 1;
        return true;
    }

    /** One query's documents as weight-linear contribution vectors, with what the fusion's tie order needs. */
    private record Contrib(double[][] c, int[] bestRank, String[] ids, Map<String, Integer> judged) {

        static <T> Contrib of(Fusion family, List<List<T>> routes,
                              java.util.function.Function<? super T, String> idOf,
                              java.util.function.ToDoubleFunction<? super T> scoreOf, Map<String, Integer> judged) {
            int nr = routes.size();
            Map<String, Integer> index = new LinkedHashMap<>();
            List<double[]> rows = new ArrayList<>();
            List<int[]> ranks = new ArrayList<>();
            double[] floor = new double[nr];
            List<double[]> norms = new ArrayList<>(nr);
            for (int r = 0; r < nr; r++) {
                List<T> route = routes.get(r);
                double[] s = new double[route.size()];
                for (int i = 0; i < s.length; i++) {
                    s[i] = scoreOf.applyAsDouble(route.get(i));
                }
                double[] norm = family instanceof Fusion.Convex cv ? RankFusion.normalize(s, cv.normalization()) : s;
                double f = Double.POSITIVE_INFINITY;
                for (double x : norm) {
                    f = Math.min(f, x);
                }
                floor[r] = norm.length == 0 ? 0 : f;
                norms.add(norm);
                for (int i = 0; i < route.size(); i++) {
                    String id = idOf.apply(route.get(i));
                    Integer at = index.get(id);
                    if (at == null) {
                        at = rows.size();
                        index.put(id, at);
                        rows.add(new double[nr]);
                        ranks.add(new int[nr]);
                    }
                    if (ranks.get(at)[r] == 0) {
                        ranks.get(at)[r] = i + 1;
                        rows.get(at)[r] = norm[i];
                    }
                }
            }
            int nd = rows.size();
            double[][] c = new double[nd][nr];
            int[] best = new int[nd];
            String[] ids = index.keySet().toArray(new String[0]);
            for (int d = 0; d < nd; d++) {
                int b = Integer.MAX_VALUE;
                for (int r = 0; r < nr; r++) {
                    int rank = ranks.get(d)[r];
                    if (family instanceof Fusion.Rrf rrf) {
                        c[d][r] = rank > 0 ? 1.0 / (rrf.k() + (double) rank) : 0;
                    } else {
                        c[d][r] = rank > 0 ? rows.get(d)[r] : floor[r];
                    }
                    if (rank > 0) {
                        b = Math.min(b, rank);
                    }
                }
                best[d] = b;
            }
            return new Contrib(c, best, ids, judged);
        }

        /** nDCG@10 of the ranking {@code Σ w_r c_r} (ties as {@link RankFusion}: best single rank, then id). */
        double ndcg10(double[] w) {
            int nd = c.length;
            double[] s = new double[nd];
            for (int d = 0; d < nd; d++) {
                double x = 0;
                for (int r = 0; r < w.length; r++) {
                    x += w[r] * c[d][r];
                }
                s[d] = x;
            }
            // top 10 by selection (nd is a few hundred)
            int k = Math.min(10, nd);
            int[] top = new int[k];
            boolean[] used = new boolean[nd];
            for (int t = 0; t < k; t++) {
                int b = -1;
                for (int d = 0; d < nd; d++) {
                    if (!used[d] && (b < 0 || before(d, b, s))) {
                        b = d;
                    }
                }
                used[b] = true;
                top[t] = b;
            }
            List<String> ranked = new ArrayList<>(k);
            for (int d : top) {
                ranked.add(ids[d]);
            }
            return Metrics.ndcgAtK(ranked, judged, 10);
        }

        private boolean before(int a, int b, double[] s) {
            if (s[a] != s[b]) {
                return s[a] > s[b];
            }
            if (bestRank[a] != bestRank[b]) {
                return bestRank[a] < bestRank[b];
            }
            return ids[a].compareTo(ids[b]) < 0;
        }
    }

    /** One line per family: its best weight and score, then the curve. */
    public static String describe(List<Curve> curves) {
        StringBuilder sb = new StringBuilder();
        for (Curve c : curves) {
            sb.append(String.format(Locale.ROOT, "%-15s best dense weight %.2f (lexical %.2f): nDCG@10 %.4f;",
                    c.family(), c.best().denseWeight(), 1 - c.best().denseWeight(), c.best().ndcg10()));
            for (Point p : c.points()) {
                sb.append(String.format(Locale.ROOT, " %.2f:%.4f", p.denseWeight(), p.ndcg10()));
            }
            sb.append(System.lineSeparator());
        }
        return sb.toString();
    }
}
