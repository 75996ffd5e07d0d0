package dev.neuralsearch.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class FusionTest {

    /** An id with its score in one route. */
    record Hit(String id, double score) {
    }

    private static List<String> ids(List<RankFusion.Fused<Hit>> fused) {
        return fused.stream().map(RankFusion.Fused::id).toList();
    }

    private static List<RankFusion.Fused<Hit>> fuse(Fusion f, List<List<Hit>> routes) {
        return f.fuse(routes, Hit::id, Hit::score);
    }

    @Test
    void minMaxConvexCombinesNormalizedScores() {
        // dense: a 0.9, b 0.5, c 0.1 -> 1, 0.5, 0; lexical: b 20, d 10 -> 1, 0
        List<List<Hit>> routes = List.of(
                List.of(new Hit("a", 0.9), new Hit("b", 0.5), new Hit("c", 0.1)),
                List.of(new Hit("b", 20), new Hit("d", 10)));
        List<RankFusion.Fused<Hit>> fused = fuse(Fusion.convex(Fusion.Normalization.MIN_MAX, 0.7, 0.3), routes);
        // a 0.7, b 0.35 + 0.3 = 0.65, c 0, d 0 (missing in dense counts dense's floor 0); the tie c = d goes to
        // the better best rank (d is 2nd in lexical, c 3rd in dense)
        assertThat(ids(fused)).containsExactly("a", "b", "d", "c");
        assertThat(fused.get(0).score()).isCloseTo(0.7, within(1e-12));
        assertThat(fused.get(1).score()).isCloseTo(0.65, within(1e-12));
        assertThat(fused.get(1).ranks()).containsExactly(2, 1);
        assertThat(fused.get(2).ranks()).containsExactly(0, 2);
        // the lexical route weighted up turns b first
        assertThat(ids(fuse(Fusion.convex(Fusion.Normalization.MIN_MAX, 0.3, 0.7), routes)).get(0)).isEqualTo("b");
    }

    @Test
    void aConfidentRouteKeepsItsTopHitWhereRrfLosesIt() {
        // dense is sure of "a" (far ahead); lexical has a, b, c, d close together (far above e) with a 4th.
        // RRF (ranks only) prefers b; convex keeps a.
        List<List<Hit>> routes = List.of(
                List.of(new Hit("a", 0.95), new Hit("b", 0.50), new Hit("c", 0.49), new Hit("d", 0.48)),
                List.of(new Hit("b", 12), new Hit("c", 11.9), new Hit("d", 11.8), new Hit("a", 11.7), new Hit("e", 2)));
        assertThat(ids(fuse(Fusion.rrf(60), routes)).get(0)).isEqualTo("b");
        assertThat(ids(fuse(Fusion.convex(Fusion.Normalization.MIN_MAX, 0.5, 0.5), routes)).get(0)).isEqualTo("a");
    }

    @Test
    void zScoreUsesMeanAndDeviationAndTheFloorForMissing() {
        double[] z = RankFusion.normalize(new double[] {3, 1, 2}, Fusion.Normalization.Z_SCORE);
        double sd = Math.sqrt(2.0 / 3);
        assertThat(z[0]).isCloseTo(1 / sd, within(1e-12));
        assertThat(z[1]).isCloseTo(-1 / sd, within(1e-12));
        assertThat(z[2]).isCloseTo(0, within(1e-12));
        List<List<Hit>> routes = List.of(
                List.of(new Hit("a", 3), new Hit("b", 1), new Hit("c", 2)),
                List.of(new Hit("d", 5)));
        List<RankFusion.Fused<Hit>> fused = fuse(Fusion.convex(Fusion.Normalization.Z_SCORE, 1, 1), routes);
        // d: dense floor -1/sd, lexical one score -> 0
        RankFusion.Fused<Hit> d = fused.stream().filter(f -> f.id().equals("d")).findFirst().orElseThrow();
        assertThat(d.score()).isCloseTo(-1 / sd, within(1e-12));
    }

    @Test
    void equalScoresNormalizeWithoutDividingByZero() {
        assertThat(RankFusion.normalize(new double[] {2, 2}, Fusion.Normalization.MIN_MAX)).containsExactly(1, 1);
        assertThat(RankFusion.normalize(new double[] {2, 2}, Fusion.Normalization.Z_SCORE)).containsExactly(0, 0);
        assertThat(RankFusion.normalize(new double[0], Fusion.Normalization.MIN_MAX)).isEmpty();
    }

    @Test
    void weightedRrfIsRankFusionWithWeights() {
        List<List<Hit>> routes = List.of(
                List.of(new Hit("a", 0), new Hit("b", 0)),
                List.of(new Hit("b", 0), new Hit("a", 0)));
        List<RankFusion.Fused<Hit>> fused = fuse(Fusion.rrf(0, 2, 1), routes);
        assertThat(ids(fused)).containsExactly("a", "b");
        assertThat(fused.get(0).score()).isCloseTo(2.0 / 1 + 1.0 / 2, within(1e-12));
    }

    @Test
    void aZeroWeightRouteAddsNoItemsAndNoScore() {
        List<List<Hit>> routes = List.of(List.of(new Hit("a", 1), new Hit("b", 0)), List.of(new Hit("z", 9)));
        List<RankFusion.Fused<Hit>> fused = fuse(Fusion.convex(Fusion.Normalization.MIN_MAX, 1, 0), routes);
        assertThat(ids(fused)).containsExactly("a", "b");
    }

    @Test
    void settingsAreCheckedAndValuesCompareBySettings() {
        assertThatThrownBy(() -> Fusion.convex(Fusion.Normalization.MIN_MAX, 0, 0))
                .hasMessageContaining("all 0");
        assertThatThrownBy(() -> Fusion.rrf(-1)).hasMessageContaining(">= 0");
        assertThatThrownBy(() -> Fusion.rrf(60, 1, Double.NaN)).hasMessageContaining("finite");
        assertThat(Fusion.rrf(60, 1, 2)).isEqualTo(Fusion.rrf(60, 1, 2));
        assertThat(Fusion.DEFAULT.withWeights(1, 3).weights()).containsExactly(1.0, 3.0);
        assertThatThrownBy(() -> fuse(Fusion.convex(Fusion.Normalization.MIN_MAX),
                List.of(List.of(new Hit("a", Double.NaN))))).hasMessageContaining("not finite");
    }
}
