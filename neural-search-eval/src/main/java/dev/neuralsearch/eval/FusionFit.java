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
