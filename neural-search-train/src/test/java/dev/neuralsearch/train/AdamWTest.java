package dev.neuralsearch.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.neuralsearch.encoder.ModelSpec;
import dev.neuralsearch.encoder.Presets;
import dev.neuralsearch.tokenize.TextTokenizer;
import dev.neuralsearch.train.bert.BertConfig;
import dev.neuralsearch.train.bert.BertModel;
import dev.neuralsearch.train.bert.BertWeights;
import dev.neuralsearch.train.bert.TokenBatch;
import dev.neuralsearch.train.onnx.OnnxModelFile;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** AdamW follows its formula, keeps no garbage, and resumes from saved state exactly. */
class AdamWTest {
    static final String DECAYED = "encoder.layer.1.attention.self.value.weight";
    static final String NOT_DECAYED = "encoder.layer.1.output.LayerNorm.weight";

    @Test
    void followsTheFormulaAndResumesFromItsState() {
        ModelSpec spec = Presets.ALL_MINILM_L6_V2;
        OnnxModelFile onnx = OnnxModelFile.read(spec.model());
        BertConfig config = BertConfig.from(onnx);
        float lr = 1e-4f;
        float wd = 0.01f;
        try (TextTokenizer tok = TextTokenizer.fromBytes(spec.tokenizer().readAllBytes(), "minilm", 64);
             NDManager root = Torch.engine().newBaseManager();
             BertWeights weights = BertWeights.load(onnx, root)) {
            TokenBatch q = TokenBatch.of(tok.encodeAll(TrainingStepTest.QUERIES));
            TokenBatch p = TokenBatch.of(tok.encodeAll(TrainingStepTest.POSITIVES));
            BertModel model = new BertModel(config, weights);
            weights.setTrainable(true);
            AdamW a = new AdamW(weights, lr, wd);

            // step 1: from zero moments the bias-corrected update is lr * g / (|g| + eps)
            backward(model, root, q, p, spec);
            float[] g1Decayed;
            float[] g1Plain;
            try (NDManager m = root.newSubManager()) {
                g1Decayed = weights.gradient(DECAYED, m).toFloatArray();
                g1Plain = weights.gradient(NOT_DECAYED, m).toFloatArray();
            }
            float[] p0Decayed = weights.get(DECAYED).toFloatArray();
            float[] p0Plain = weights.get(NOT_DECAYED).toFloatArray();
            int arrays = weights.manager().getManagedArrays().size();
            a.step();
            assertThat(weights.manager().getManagedArrays()).as("only the two moments per parameter are added")
                    .hasSize(arrays + 2 * weights.parameters().size());
            float[] p1Decayed = weights.get(DECAYED).toFloatArray();
            float[] p1Plain = weights.get(NOT_DECAYED).toFloatArray();
            for (int i = 0; i < 50; i++) {
                double expected = p0Decayed[i] * (1 - lr * wd) - lr * g1Decayed[i] / (Math.abs(g1Decayed[i]) + 1e-8);
                assertThat((double) p1Decayed[i]).isCloseTo(expected, within(2e-7));
                double plain = p0Plain[i] - lr * g1Plain[i] / (Math.abs(g1Plain[i]) + 1e-8);
                assertThat((double) p1Plain[i]).isCloseTo(plain, within(2e-7));
            }
            Map<String, float[]> saved = a.state();
            assertThat(saved).hasSize(2 * weights.parameters().size());
            Map<String, float[]> w1 = weights.toFloatArrays();

            // step 2, straight on
            backward(model, root, q, p, spec);
            arrays = weights.manager().getManagedArrays().size();
            a.step();
            assertThat(weights.manager().getManagedArrays()).as("no arrays left behind by a step").hasSize(arrays);
            Map<String, float[]> straight = weights.toFloatArrays();

            // step 2 again, from the weights after step 1 and a fresh optimizer restored from the saved state
            AdamW resumed = resumeAndStep(weights, w1, saved, 1, lr, wd, model, root, q, p, spec);
            assertThat(resumed.steps()).isEqualTo(2);
            double resumedDiff = maxAbsDiff(weights.toFloatArrays(), straight);
            // restored with the wrong step count (bias correction of step 1): clearly another result
            resumeAndStep(weights, w1, saved, 0, lr, wd, model, root, q, p, spec);
            double wrongDiff = maxAbsDiff(weights.toFloatArrays(), straight);
            System.out.printf("step 2 resumed vs straight: max abs diff %.3e; with a wrong step count: %.3e%n",
                    resumedDiff, wrongDiff);
            // measured bit-identical; a tolerance since PyTorch does not promise identical CPU reductions run to run
            assertThat(resumedDiff).isLessThan(1e-7);
            assertThat(wrongDiff).isGreaterThan(1e-6);
            assertThat(maxAbsDiff(straight, w1)).as("step 2 moved the weights").isGreaterThan(1e-5);
        }
    }

    private static AdamW resumeAndStep(BertWeights weights, Map<String, float[]> w1, Map<String, float[]> saved,
                                       long steps, float lr, float wd, BertModel model, NDManager root, TokenBatch q,
                                       TokenBatch p, ModelSpec spec) {
        weights.setTrainable(false);
        w1.forEach(weights::set);
        weights.setTrainable(true);
        AdamW resumed = new AdamW(weights, lr, wd);
        resumed.restore(steps, saved);
        backward(model, root, q, p, spec);
        resumed.step();
        return resumed;
    }

    private static double maxAbsDiff(Map<String, float[]> a, Map<String, float[]> b) {
        double max = 0;
        for (Map.Entry<String, float[]> e : a.entrySet()) {
            float[] x = e.getValue();
            float[] y = b.get(e.getKey());
            assertThat(y).hasSameSizeAs(x);
            for (int i = 0; i < x.length; i++) {
                max = Math.max(max, Math.abs(x[i] - y[i]));
            }
        }
        return max;
    }

    private static void backward(BertModel model, NDManager root, TokenBatch q, TokenBatch p, ModelSpec spec) {
        try (NDManager m = root.newSubManager(); GradientCollector gc = Torch.engine().newGradientCollector()) {
            NDArray l = new InBatchNegativesLoss().compute(model.encode(m, q, spec.pooling(), true, false),
                    model.encode(m, p, spec.pooling(), true, false));
            gc.backward(l);
        }
    }
}
