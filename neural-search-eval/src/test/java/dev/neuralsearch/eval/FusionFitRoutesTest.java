package dev.neuralsearch.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.neuralsearch.core.Document;
import dev.neuralsearch.core.Fusion;
import dev.neuralsearch.core.RankFusion;
import dev.neuralsearch.core.ScoredDocument;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link FusionFit#fitWeights}: the N-route simplex grid. */
class FusionFitRoutesTest {

    /** Random routes over 60 documents, 3 relevant per query; route r sees the relevant ones with noise r. */
    private static List<List<List<ScoredDocument>>> routes(Random rnd, int queries, int nr,
                                                          List<Map<String, Integer>> judged) {
        List<List<List<ScoredDocument>>> out = new ArrayList<>();
        for (int q = 0; q < queries; q++) {
            Map<String, Integer> j = new HashMap<>();
            for (int i = 0; i < 3; i++) {
                j.put("d" + rnd.nextInt(60), 1 + rnd.nextInt(2));
            }
            judged.add(j);
            List<List<ScoredDocument>> perRoute = new ArrayList<>();
            for (int r = 0; r < nr; r++) {
                List<ScoredDocument> hits = new ArrayList<>();
                for (int d = 0; d < 60; d++) {
                    if (rnd.nextDouble() < 0.6) {
                        double s = rnd.nextGaussian() * (r + 1) + (j.containsKey("d" + d) ? 2 : 0);
                        hits.add(new ScoredDocument(new Document("d" + d, "t"), (float) (s * (r * 7 + 1))));
                    }
                }
                hits.sort((a, b) -> Float.compare(b.score(), a.score()));
                perRoute.add(hits.subList(0, Math.min(40, hits.size())));
            }
            out.add(perRoute);
        }
        return out;
    }

    private static double mean(Fusion f, List<List<List<ScoredDocument>>> routes, List<Map<String, Integer>> judged) {
        double sum = 0;
        for (int q = 0; q < routes.size(); q++) {
            List<String> ids = new ArrayList<>();
            for (RankFusion.Fused<ScoredDocument> x : f.fuse(routes.get(q), h -> h.document().id(),
                    ScoredDocument::score)) {
                ids.add(x.id());
            }
            sum += Metrics.ndcgAtK(ids, judged.get(q), 10);
        }
        return sum / routes.size();
    }

    @Test
    void twoRoutesFindTheSameBestAsTheTwoRouteCurve() {
        List<Map<String, Integer>> judged = new ArrayList<>();
        List<List<List<ScoredDocument>>> r = routes(new Random(7), 40, 2, judged);
        for (Fusion family : List.of(Fusion.convex(Fusion.Normalization.Z_SCORE),
                Fusion.convex(Fusion.Normalization.MIN_MAX), Fusion.rrf(60))) {
            FusionFit.Fitted fit = FusionFit.fitWeights(family, r, h -> h.document().id(), ScoredDocument::score, judged);
            assertThat(fit.points()).isEqualTo(21);
            assertThat(fit.step()).isEqualTo(0.05);
            List<List<ScoredDocument>> dense = r.stream().map(q -> q.get(0)).toList();
            List<List<ScoredDocument>> lexical = r.stream().map(q -> q.get(1)).toList();
            double curveBest = FusionFit.fit(dense, lexical, judged, 0.05).stream()
                    .filter(c -> FusionFit.FAMILIES.get(c.family()).equals(family)).findFirst().orElseThrow()
                    .best().ndcg10();
            assertThat(fit.ndcg10()).as(family.toString()).isCloseTo(curveBest, within(1e-9));
            assertThat(fit.ndcg10()).isCloseTo(mean(fit.fusion(), r, judged), within(1e-12));
        }
    }

    @Test
    void fourRoutesBeatEverySingleRouteAndEveryEqualMix() {
        List<Map<String, Integer>> judged = new ArrayList<>();
        List<List<List<ScoredDocument>>> r = routes(new Random(11), 50, 4, judged);
        Fusion family = Fusion.convex(Fusion.Normalization.Z_SCORE);
        FusionFit.Fitted fit = FusionFit.fitWeights(family, r, h -> h.document().id(), ScoredDocument::score, judged);
        assertThat(fit.points()).isEqualTo(1771); // C(23, 3): step 0.05 over 4 weights
        assertThat(fit.fusion().weights()).hasSize(4);
        assertThat(fit.fusion().weights().stream().mapToDouble(Double::doubleValue).sum()).isCloseTo(1, within(1e-9));
        for (int i = 0; i < 4; i++) {
            double[] unit = new double[4];
            unit[i] = 1;
            assertThat(fit.ndcg10()).isGreaterThanOrEqualTo(mean(family.withWeights(unit), r, judged) - 1e-12);
        }
        assertThat(fit.ndcg10()).isGreaterThanOrEqualTo(mean(family.withWeights(1, 1, 1, 1), r, judged) - 1e-12);
        // five routes: a coarser grid keeps the search bounded
        List<Map<String, Integer>> j5 = new ArrayList<>();
        FusionFit.Fitted five = FusionFit.fitWeights(Fusion.rrf(60), routes(new Random(3), 10, 5, j5),
                h -> h.document().id(), ScoredDocument::score, j5);
        assertThat(five.step()).isEqualTo(0.1);
        assertThat(five.points()).isEqualTo(1001);
        assertThat(FusionFit.gridSize(20, 5)).isEqualTo(10626);
    }

    @Test
    void mismatchedQueriesAreRefused() {
        assertThatThrownBy(() -> FusionFit.fitWeights(Fusion.rrf(60), List.of(), h -> "x", h -> 0,
                List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FusionFit.<ScoredDocument>fitWeights(Fusion.rrf(60), List.of(List.of(List.of())),
                h -> h.document().id(), ScoredDocument::score, List.of(Map.of(), Map.of())))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
