package dev.neuralsearch.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetricsTest {
    private static final double EPS = 1e-9;

    // Example 1 (binary): relevant {a, b, c}; ranking x, a, y, b, z.
    private static final Map<String, Integer> BINARY = Map.of("a", 1, "b", 1, "c", 1);
    private static final List<String> RANKING1 = List.of("x", "a", "y", "b", "z");

    @Test
    void recallDividesByAllRelevantDocuments() {
        // top 1 = {x}: 0 of 3 relevant.
        assertThat(Metrics.recallAtK(RANKING1, BINARY, 1)).isEqualTo(0.0);
        // top 2 = {x, a}: 1 of 3 — not 1 of min(2, 3) (that would be BEIR's R_cap, 0.5).
        assertThat(Metrics.recallAtK(RANKING1, BINARY, 2)).isCloseTo(1.0 / 3, within(EPS));
        // top 5 = everything: a and b found, c never retrieved → 2/3.
        assertThat(Metrics.recallAtK(RANKING1, BINARY, 5)).isCloseTo(2.0 / 3, within(EPS));
        // k beyond the ranking's length changes nothing.
        assertThat(Metrics.recallAtK(RANKING1, BINARY, 100)).isCloseTo(2.0 / 3, within(EPS));
    }

    @Test
    void ndcgBinary() {
        // DCG@10  = 1/log2(2+1) + 1/log2(4+1)            (a at rank 2, b at rank 4)
        //         = 0.630930 + 0.430677 = 1.061606
        // IDCG@10 = 1/log2(2) + 1/log2(3) + 1/log2(4)    (three relevant docs at ranks 1..3)
        //         = 1 + 0.630930 + 0.5 = 2.130930
        // nDCG@10 = 1.061606 / 2.130930 = 0.498189
        assertThat(Metrics.ndcgAtK(RANKING1, BINARY, 10)).isCloseTo(0.4981892575, within(1e-9));
        // nDCG@1: rank 1 is x (not relevant) → 0.
        assertThat(Metrics.ndcgAtK(RANKING1, BINARY, 1)).isEqualTo(0.0);
    }

    // Example 2 (graded): a=2, b=1, c=0 (judged non-relevant); ranking b, c, a.
    private static final Map<String, Integer> GRADED = Map.of("a", 2, "b", 1, "c", 0);
    private static final List<String> RANKING2 = List.of("b", "c", "a");

    @Test
    void ndcgUsesTheGradeAsGainAndTheIdealOrderFromTheQrels() {
        // DCG@10  = 1/log2(2) + 0/log2(3) + 2/log2(4) = 1 + 0 + 1 = 2
        // IDCG@10 = 2/log2(2) + 1/log2(3) = 2 + 0.630930 = 2.630930  (c has grade 0: no gain)
        // nDCG@10 = 2 / 2.630930 = 0.760188
        assertThat(Metrics.ndcgAtK(RANKING2, GRADED, 10)).isCloseTo(0.7601875334, within(1e-9));
        // nDCG@1 = (1/log2(2)) / (2/log2(2)) = 0.5
        assertThat(Metrics.ndcgAtK(RANKING2, GRADED, 1)).isCloseTo(0.5, within(EPS));
    }

    @Test
    void gradeZeroIsNotRelevantForRecallAndMrr() {
        // Relevant = {a, b}. top 2 = {b, c}: 1 of 2.
        assertThat(Metrics.recallAtK(RANKING2, GRADED, 2)).isCloseTo(0.5, within(EPS));
        // A ranking that starts with the grade-0 doc: first relevant is a at rank 2 → 1/2.
        assertThat(Metrics.mrrAtK(List.of("c", "a"), GRADED, 10)).isCloseTo(0.5, within(EPS));
    }

    @Test
    void mrrIsTheReciprocalRankOfTheFirstRelevantDocWithinK() {
        // first relevant (a) at rank 2 → 1/2.
        assertThat(Metrics.mrrAtK(RANKING1, BINARY, 10)).isCloseTo(0.5, within(EPS));
        // ... but not within the top 1 → 0.
        assertThat(Metrics.mrrAtK(RANKING1, BINARY, 1)).isEqualTo(0.0);
        // relevant doc at rank 11 lies outside MRR@10.
        List<String> late = List.of("1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "a");
        assertThat(Metrics.mrrAtK(late, BINARY, 10)).isEqualTo(0.0);
        assertThat(Metrics.recallAtK(late, BINARY, 11)).isCloseTo(1.0 / 3, within(EPS));
    }

    @Test
    void repeatedIdsCountOnceAtTheirFirstPosition() {
        // ranking a, a, b: distinct top 2 = {a, b} → 2 of 3 relevant, and DCG counts a once:
        // DCG = 1 + 1/log2(3) = 1.630930; IDCG = 2.130930 → 0.765361
        List<String> dup = List.of("a", "a", "b");
        assertThat(Metrics.recallAtK(dup, BINARY, 2)).isCloseTo(2.0 / 3, within(EPS));
        assertThat(Metrics.ndcgAtK(dup, BINARY, 10))
                .isCloseTo((1 + 1 / log2(3)) / (1 + 1 / log2(3) + 0.5), within(EPS));
    }

    @Test
    void queriesWithoutRelevantDocumentsScoreZero() {
        Map<String, Integer> none = Map.of("c", 0);
        assertThat(Metrics.recallAtK(List.of("c"), none, 10)).isEqualTo(0.0);
        assertThat(Metrics.ndcgAtK(List.of("c"), none, 10)).isEqualTo(0.0);
        assertThat(Metrics.mrrAtK(List.of("c"), none, 10)).isEqualTo(0.0);
        assertThat(Metrics.ndcgAtK(List.of(), BINARY, 10)).isEqualTo(0.0);
    }

    @Test
    void perfectRankingScoresOne() {
        List<String> perfect = List.of("a", "b", "c");
        assertThat(Metrics.ndcgAtK(perfect, BINARY, 10)).isCloseTo(1.0, within(EPS));
        assertThat(Metrics.ndcgAtK(List.of("a", "b"), GRADED, 10)).isCloseTo(1.0, within(EPS));
        assertThat(Metrics.recallAtK(perfect, BINARY, 3)).isEqualTo(1.0);
        assertThat(Metrics.mrrAtK(perfect, BINARY, 10)).isEqualTo(1.0);
    }

    @Test
    void meanAndPercentile() {
        assertThat(Metrics.mean(List.of(1.0, 0.5, 0.0))).isCloseTo(0.5, within(EPS));
        assertThat(Metrics.mean(List.of())).isEqualTo(0.0);
        double[] v = {5, 1, 4, 2, 3, 6, 7, 8, 9, 10};
        // nearest rank: p50 → ceil(0.5*10)=5th smallest = 5; p99 → ceil(9.9)=10th = 10
        assertThat(Metrics.percentile(v, 0.50)).isEqualTo(5.0);
        assertThat(Metrics.percentile(v, 0.99)).isEqualTo(10.0);
    }

    @Test
    void rejectsNonPositiveK() {
        assertThatThrownBy(() -> Metrics.recallAtK(RANKING1, BINARY, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }
}
