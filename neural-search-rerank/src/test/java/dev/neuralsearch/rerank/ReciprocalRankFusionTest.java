package dev.neuralsearch.rerank;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.neuralsearch.core.Document;
import dev.neuralsearch.core.ScoredDocument;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReciprocalRankFusionTest {

    /*
     * Hand-checked example, k = 60:
     *   route 0 (w 1.0): a b c d
     *   route 1 (w 1.0): c a e
     *   route 2 (w 0.5): e b
     *
     *   a = 1/61 + 1/62           = 0.0163934426 + 0.0161290323 = 0.0325224749
     *   c = 1/63 + 1/61           = 0.0158730159 + 0.0163934426 = 0.0322664584
     *   b = 1/62 + 0.5/62 = 1.5/62                               = 0.0241935484
     *   e = 1/63 + 0.5/61         = 0.0158730159 + 0.0081967213 = 0.0240697372
     *   d = 1/64                                                 = 0.015625
     *
     *   fused order: a, c, b, e, d
     */
    @Test
    void weightedExampleMatchesHandComputedScores() {
        List<FusedResult<String>> fused = new ReciprocalRankFusion().fuseIds(
                List.of(List.of("a", "b", "c", "d"), List.of("c", "a", "e"), List.of("e", "b")),
                1.0, 1.0, 0.5);

        assertThat(fused).extracting(FusedResult::id).containsExactly("a", "c", "b", "e", "d");
        assertThat(fused).extracting(FusedResult::score).satisfiesExactly(
                s -> assertThat(s).isCloseTo(0.0325224749, within(1e-9)),
                s -> assertThat(s).isCloseTo(0.0322664584, within(1e-9)),
                s -> assertThat(s).isCloseTo(0.0241935484, within(1e-9)),
                s -> assertThat(s).isCloseTo(0.0240697372, within(1e-9)),
                s -> assertThat(s).isCloseTo(0.015625, within(1e-12)));

        FusedResult<String> a = fused.get(0);
        assertThat(a.ranks()).containsExactly(1, 2, 0);
        assertThat(a.routes()).containsExactly(0, 1);
        assertThat(a.foundBy(2)).isFalse();
        assertThat(a.bestRank()).isEqualTo(1);
        FusedResult<String> e = fused.get(3);
        assertThat(e.ranks()).containsExactly(0, 3, 1);
        assertThat(e.routes()).containsExactly(1, 2);
        assertThat(fused.get(4).ranks()).containsExactly(4, 0, 0);
    }

    @Test
    void unweightedIsWeightOne() {
        var routes = List.of(List.of("a", "b", "c", "d"), List.of("c", "a", "e"), List.of("e", "b"));
        var rrf = new ReciprocalRankFusion();
        assertThat(rrf.fuseIds(routes)).isEqualTo(rrf.fuseIds(routes, 1, 1, 1));
        // All weights 1: b = 2/62 = 0.0322580645 falls below c = 1/63 + 1/61 = 0.0322664584, and
        // e = 1/63 + 1/61 ties with c exactly (same ranks, summed in the same order); both have best rank 1,
        // so the id decides: c before e.
        List<FusedResult<String>> fused = rrf.fuseIds(routes);
        assertThat(fused).extracting(FusedResult::id).containsExactly("a", "c", "e", "b", "d");
        assertThat(fused.get(1).score()).isEqualTo(fused.get(2).score());
    }

    /*
     * k = 0 makes exact ties easy: route 0 = p q, route 1 = z q
     *   p = 1/1 = 1, z = 1/1 = 1, q = 1/2 + 1/2 = 1
     * all tie on score; q's best rank is 2, so it goes last; p and z (best rank 1) go by id.
     */
    @Test
    void tiesBreakByBestRankThenId() {
        List<FusedResult<String>> fused = new ReciprocalRankFusion(0).fuseIds(
                List.of(List.of("p", "q"), List.of("z", "q")));
        assertThat(fused).extracting(FusedResult::score).containsOnly(1.0);
        assertThat(fused).extracting(FusedResult::id).containsExactly("p", "z", "q");

        // Route order does not change the result.
        assertThat(new ReciprocalRankFusion(0).fuseIds(List.of(List.of("z", "q"), List.of("p", "q"))))
                .extracting(FusedResult::id).containsExactly("p", "z", "q");
    }

    @Test
    void duplicateInOneRouteCountsOnceAtItsBestRank() {
        List<FusedResult<String>> fused = new ReciprocalRankFusion(0).fuseIds(List.of(List.of("a", "b", "a")));
        assertThat(fused).extracting(FusedResult::id).containsExactly("a", "b");
        assertThat(fused.get(0).score()).isEqualTo(1.0);
        assertThat(fused.get(0).rank(0)).isEqualTo(1);
    }

    @Test
    void zeroWeightRouteAddsNoItemsButReportsRanks() {
        List<FusedResult<String>> fused = new ReciprocalRankFusion(0).fuseIds(
                List.of(List.of("a", "b"), List.of("b", "only-here")), 1, 0);
        assertThat(fused).extracting(FusedResult::id).containsExactly("a", "b");
        assertThat(fused.get(1).score()).isEqualTo(0.5);
        assertThat(fused.get(1).ranks()).containsExactly(2, 1);
    }

    @Test
    void fusesScoredDocumentsIgnoringTheirScores() {
        Document x = new Document("x", "text x");
        Document y = new Document("y", "text y");
        Document z = new Document("z", "text z");
        // Dense scores and BM25 scores live on different scales: only ranks count.
        List<ScoredDocument> dense = List.of(new ScoredDocument(x, 0.91f), new ScoredDocument(y, 0.90f));
        List<ScoredDocument> lexical = List.of(new ScoredDocument(y, 17.5f), new ScoredDocument(z, 3.0f));

        List<FusedResult<ScoredDocument>> fused = new ReciprocalRankFusion().fuseDocuments(List.of(dense, lexical));

        // y = 1/62 + 1/61, x = 1/61, z = 1/62
        assertThat(fused).extracting(FusedResult::id).containsExactly("y", "x", "z");
        assertThat(fused.get(0).item().document()).isSameAs(y);
        assertThat(fused.get(0).item().score()).isEqualTo(0.90f); // the first route's copy
        List<ScoredDocument> scored = ReciprocalRankFusion.toScoredDocuments(fused);
        assertThat(scored.get(0).score()).isCloseTo((float) (1.0 / 62 + 1.0 / 61), within(1e-7f));
        assertThat(scored).extracting(s -> s.document().id()).containsExactly("y", "x", "z");
    }

    @Test
    void emptyInputs() {
        assertThat(new ReciprocalRankFusion().fuseIds(List.of())).isEmpty();
        assertThat(new ReciprocalRankFusion().fuseIds(List.of(List.of(), List.of()))).isEmpty();
    }

    @Test
    void badArguments() {
        var rrf = new ReciprocalRankFusion();
        assertThatThrownBy(() -> new ReciprocalRankFusion(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("k must be >= 0");
        assertThatThrownBy(() -> rrf.fuseIds(List.of(List.of("a")), 1, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2 weights given for 1 routes");
        assertThatThrownBy(() -> rrf.fuseIds(List.of(List.of("a")), -1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("weight of route 0");
        assertThatThrownBy(() -> rrf.fuseIds(List.of(List.of("a")), Double.NaN))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> rrf.fuseIds(java.util.Arrays.asList(List.of("a"), null)))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("route is null");
    }
}
