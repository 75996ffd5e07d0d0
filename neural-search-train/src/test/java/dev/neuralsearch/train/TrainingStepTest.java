package dev.neuralsearch.train;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.List;
import org.junit.jupiter.api.Test;

/** One AdamW step on in-batch negatives lowers the loss of that batch: a real gradient through the whole model. */
class TrainingStepTest {
    static final List<String> QUERIES = List.of(
            "what causes the seasons on earth",
            "how do vaccines train the immune system",
            "why does bread rise",
            "what is a neutron star");
    static final List<String> POSITIVES = List.of(
            "The tilt of Earth's axis changes how directly sunlight strikes each hemisphere over the year.",
            "A vaccine exposes the immune system to a harmless antigen so that memory cells form.",
            "Yeast ferments sugars in the dough and releases carbon dioxide, which is trapped as bubbles.",
            "When a massive star collapses, its core can be crushed into an object made mostly of neutrons.");

    @Test
    void oneAdamWStepLowersTheInBatchNegativesLoss() {
        ModelSpec spec = Presets.ALL_MINILM_L6_V2;
        OnnxModelFile onnx = OnnxModelFile.read(spec.model());
        BertConfig config = BertConfig.from(onnx);
        InBatchNegativesLoss loss = new InBatchNegativesLoss();
        try (TextTokenizer tok = TextTokenizer.fromBytes(spec.tokenizer().readAllBytes(), "minilm", 64);
             NDManager root = Torch.engine().newBaseManager();
             BertWeights weights = BertWeights.load(onnx, root)) {
            TokenBatch q = TokenBatch.of(tok.encodeAll(QUERIES));
            TokenBatch p = TokenBatch.of(tok.encodeAll(POSITIVES));
            BertModel model = new BertModel(config, weights);
            weights.setTrainable(true);
            AdamW updater = new AdamW(weights, 2e-5f, 0f);
            float before = lossOf(model, loss, root, q, p, spec);
            float[] firstQuery = weights.get("encoder.layer.0.attention.self.query.weight").toFloatArray();
            try (NDManager m = root.newSubManager(); GradientCollector gc = Torch.engine().newGradientCollector()) {
                NDArray l = loss.compute(model.encode(m, q, spec.pooling(), true, false),
                        model.encode(m, p, spec.pooling(), true, false));
                assertThat(l.getFloat()).isEqualTo(before);
                gc.backward(l);
            }
            try (NDManager m = root.newSubManager()) {
                // gradients reach the first layer and the word embeddings
                assertThat(weights.gradient("encoder.layer.0.attention.self.query.weight", m).abs().sum().getFloat()).isPositive();
                assertThat(weights.gradient("embeddings.word_embeddings.weight", m).abs().sum().getFloat()).isPositive();
            }
            updater.step();
            try (NDManager m = root.newSubManager()) {
                assertThat(weights.gradient("encoder.layer.0.output.dense.weight", m).abs().sum().getFloat())
                        .as("gradients cleared after the step").isZero();
            }
            assertThat(weights.get("encoder.layer.0.attention.self.query.weight").toFloatArray()).isNotEqualTo(firstQuery);
            float after = lossOf(model, loss, root, q, p, spec);
            System.out.printf("in-batch negatives loss on the fixed batch: %.5f -> %.5f after one AdamW step (lr 2e-5)%n",
                    before, after);
            assertThat(after).isLessThan(before);
        }
    }

    private static float lossOf(BertModel model, InBatchNegativesLoss loss, NDManager root, TokenBatch q, TokenBatch p,
                                ModelSpec spec) {
        try (NDManager m = root.newSubManager()) {
            return loss.compute(model.encode(m, q, spec.pooling(), true, false),
                    model.encode(m, p, spec.pooling(), true, false)).getFloat();
        }
    }
}
