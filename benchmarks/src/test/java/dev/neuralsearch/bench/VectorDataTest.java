package dev.neuralsearch.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Comparator;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class VectorDataTest {

    @Test
    void exactTopKAgreesWithSortingEverything() {
        Random r = new Random(1);
        float[][] base = new float[500][16];
        for (float[] v : base) {
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) r.nextGaussian();
            }
            VectorData.normalise(v);
        }
        float[] q = VectorData.normalise(base[7].clone());
        int[] expected = IntStream.range(0, base.length).boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> -VectorData.dot(base[i], q)))
                .limit(10).mapToInt(Integer::intValue).toArray();
        assertThat(VectorData.exactTopK(base, q, 10)).containsExactly(expected);
        assertThat(expected[0]).isEqualTo(7);
    }

    @Test
    void recallCountsOverlapOfTheTopK() {
        int[][] truth = {{1, 2, 3, 4}, {5, 6, 7, 8}};
        int[][] found = {{3, 2, 1, 9}, {5, 6, 7, 8}};
        assertThat(VectorData.recall(truth, found, 4)).isEqualTo(7 / 8.0);
        assertThat(VectorData.recall(truth, found, 2)).isEqualTo(3 / 4.0);
    }

    @Test
    void encoderFlopsFollowTheStatedFormula() {
        // bge-small: 12 layers x (4 x 384^2 + 2 x 384 x 1536) weights in matrix multiplies
        assertThat(EncoderModel.BGE_SMALL_EN_V15.matmulParameters()).isEqualTo(21_233_664L);
        assertThat(EncoderModel.ALL_MINILM_L6_V2.matmulParameters()).isEqualTo(10_616_832L);
        double n = 100;
        assertThat(EncoderModel.ALL_MINILM_L6_V2.flops(100))
                .isEqualTo(2.0 * 10_616_832L * n + 4.0 * 6 * 384 * n * n);
    }
}
