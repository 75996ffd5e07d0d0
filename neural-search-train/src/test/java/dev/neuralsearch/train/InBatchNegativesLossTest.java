package dev.neuralsearch.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Random;
import org.junit.jupiter.api.Test;

class InBatchNegativesLossTest {
    @Test
    void equalsCrossEntropyOverScaledSimilaritiesWithHardNegatives() {
        Random r = new Random(3);
        int n = 4;
        int m = 6; // 4 positives + 2 hard negatives
        int d = 8;
        float[][] q = new float[n][d];
        float[][] c = new float[m][d];
        for (float[][] a : new float[][][] {q, c}) {
            for (float[] row : a) {
                for (int i = 0; i < d; i++) {
                    row[i] = (float) r.nextGaussian();
                }
            }
        }
        float scale = 20f;
        double expected = 0;
        for (int i = 0; i < n; i++) {
            double[] logits = new double[m];
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < m; j++) {
                double dot = 0;
                for (int k = 0; k < d; k++) {
                    dot += q[i][k] * c[j][k];
                }
                logits[j] = scale * dot;
                max = Math.max(max, logits[j]);
            }
            double sum = 0;
            for (double l : logits) {
                sum += Math.exp(l - max);
            }
            expected += -(logits[i] - max - Math.log(sum));
        }
        expected /= n;
        try (NDManager mgr = Torch.engine().newBaseManager()) {
            NDArray qa = mgr.create(flat(q), new Shape(n, d));
            NDArray ca = mgr.create(flat(c), new Shape(m, d));
            float loss = new InBatchNegativesLoss(scale).compute(qa, ca).getFloat();
            assertThat((double) loss).isCloseTo(expected, offset(1e-3 * Math.max(1, expected)));
            assertThatThrownBy(() -> new InBatchNegativesLoss().compute(ca, qa)).isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> new InBatchNegativesLoss(0f)).isInstanceOf(IllegalArgumentException.class);
    }

    private static float[] flat(float[][] a) {
        float[] out = new float[a.length * a[0].length];
        for (int i = 0; i < a.length; i++) {
            System.arraycopy(a[i], 0, out, i * a[0].length, a[0].length);
        }
        return out;
    }
}
