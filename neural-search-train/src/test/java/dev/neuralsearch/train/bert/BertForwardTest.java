package dev.neuralsearch.train.bert;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.neuralsearch.encoder.BiEncoder;
import dev.neuralsearch.encoder.EncoderOptions;
import dev.neuralsearch.encoder.ModelSpec;
import dev.neuralsearch.encoder.Presets;
import dev.neuralsearch.encoder.TextRole;
import dev.neuralsearch.train.Torch;
import dev.neuralsearch.train.onnx.OnnxModelFile;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The DJL forward pass against ONNX Runtime (core's BiEncoder) on the packaged fp32 models. */
class BertForwardTest {
    static final List<String> TEXTS = List.of(
            "A black hole forms when a massive star collapses under its own gravity.",
            "Yeast makes bread rise.",
            "Neutron stars are the remnants of supernovae; they spin fast and have strong magnetic fields, and some are seen as pulsars.");

    static Stream<Arguments> models() {
        return Stream.of(Arguments.of(Presets.ALL_MINILM_L6_V2), Arguments.of(Presets.BGE_SMALL_EN_V15));
    }

    @ParameterizedTest
    @MethodSource("models")
    void forwardPassMatchesOnnxRuntimeWithPaddingInTheBatch(ModelSpec spec) {
        OnnxModelFile onnx = OnnxModelFile.read(spec.model());
        BertConfig config = BertConfig.from(onnx);
        try (BiEncoder ort = BiEncoder.load(spec, EncoderOptions.defaults().withSessions(1));
             NDManager root = Torch.engine().newBaseManager();
             BertWeights weights = BertWeights.load(onnx, root)) {
            List<float[]> expected = ort.encodeAll(TEXTS, TextRole.QUERY, null).stream().map(e -> e.vector()).toList();
            List<String> prefixed = TEXTS.stream().map(t -> spec.queryPrefix() + t).toList();
            TokenBatch batch = TokenBatch.of(ort.tokenizer().encodeAll(prefixed));
            assertThat(batch.tokenCount()).as("the batch has padding").isLessThan((long) batch.size() * batch.length());
            BertModel model = new BertModel(config, weights);
            int weightArrays = weights.manager().getManagedArrays().size();
            float[][] actual;
            try (NDManager m = root.newSubManager()) {
                NDArray v = model.encode(m, batch, spec.pooling(), spec.normalize(), false);
                assertThat(v.getShape().getShape()).containsExactly(TEXTS.size(), 384L);
                actual = new float[TEXTS.size()][];
                for (int i = 0; i < actual.length; i++) {
                    actual[i] = v.get(i).toFloatArray();
                }
            }
            assertThat(weights.manager().getManagedArrays()).as("nothing left in the weights' manager").hasSize(weightArrays);
            for (int i = 0; i < TEXTS.size(); i++) {
                System.out.printf("%s text %d: cosine %.9f, max abs diff %.2e%n", spec.id(), i,
                        cosine(actual[i], expected.get(i)), maxAbsDiff(actual[i], expected.get(i)));
                assertThat(cosine(actual[i], expected.get(i))).as("text %d cosine", i).isGreaterThanOrEqualTo(0.99999);
                assertThat(maxAbsDiff(actual[i], expected.get(i))).as("text %d max abs diff", i).isLessThan(1e-4);
            }
        }
    }

    static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }

    static double maxAbsDiff(float[] a, float[] b) {
        assertThat(a).hasSameSizeAs(b);
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }
}
