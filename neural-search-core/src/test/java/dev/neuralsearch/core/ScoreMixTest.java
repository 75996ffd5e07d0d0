package dev.neuralsearch.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** {@link ScoreMix}: the rerank mix's numbers and order. */
class ScoreMixTest {

    @Test
    void theMixIsAConvexCombinationOfZScores() {
        float[] recall = {0.05f, 0.04f, 0.03f}; // z = (1.2247, 0, -1.2247) whatever the scale
        float[] rerank = {1, 2, 9};             // mean 4, sd sqrt(38/3): z = (-0.8429, -0.5620, 1.4049)
        double sd = Math.sqrt(38.0 / 3);
        double[] m = ScoreMix.mixed(recall, rerank, 3, 0.25);
        assertThat(m[0]).isCloseTo(0.75 * Math.sqrt(1.5) + 0.25 * (-3 / sd), within(1e-6));
        assertThat(m[1]).isCloseTo(0.25 * (-2 / sd), within(1e-6));
        assertThat(m[2]).isCloseTo(-0.75 * Math.sqrt(1.5) + 0.25 * (5 / sd), within(1e-6));
        // only the first n count: the 4th candidate's scores change nothing
        assertThat(ScoreMix.mixed(new float[] {0.05f, 0.04f, 0.03f, 100}, new float[] {1, 2, 9, -100}, 3, 0.25))
                .containsExactly(m);
    }

    @Test
    void weightZeroKeepsTheRecallOrderAndOneIsTheRerankersOrder() {
        float[] recall = {5, 4, 3, 2};
        float[] rerank = {0.1f, 3, -2, 7};
        assertThat(ScoreMix.order(recall, rerank, 4, 0)).containsExactly(0, 1, 2, 3);
        assertThat(ScoreMix.order(recall, rerank, 4, 1)).containsExactly(3, 1, 0, 2);
        // equal reranker scores: ties keep the recall order
        assertThat(ScoreMix.order(recall, new float[] {1, 1, 1, 1}, 4, 1)).containsExactly(0, 1, 2, 3);
        assertThat(ScoreMix.order(recall, rerank, 0, 0.5)).isEmpty();
        assertThat(ScoreMix.order(recall, rerank, 1, 0.5)).containsExactly(0);
    }

    @Test
    void badArgumentsAreRefused() {
        float[] s = {1, 2, 3};
        assertThatThrownBy(() -> ScoreMix.order(s, s, 3, 1.5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("in [0, 1]").hasMessageContaining("1.5");
        assertThatThrownBy(() -> ScoreMix.order(s, s, 3, Double.NaN)).hasMessageContaining("in [0, 1]");
        assertThatThrownBy(() -> ScoreMix.order(s, s, 3, -0.1)).hasMessageContaining("in [0, 1]");
        assertThatThrownBy(() -> ScoreMix.order(s, new float[2], 3, 0.5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("scores for 2 candidates, need 3");
        assertThatThrownBy(() -> ScoreMix.order(s, s, -1, 0.5)).hasMessageContaining(">= 0");
    }
}
