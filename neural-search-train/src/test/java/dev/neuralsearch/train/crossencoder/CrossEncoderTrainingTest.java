package dev.neuralsearch.train.crossencoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.neuralsearch.encoder.ModelSpec;
import dev.neuralsearch.encoder.Presets;
import dev.neuralsearch.rerank.CrossEncoderReranker;
import dev.neuralsearch.tokenize.TextTokenizer;
import dev.neuralsearch.train.AdamW;
import dev.neuralsearch.train.Torch;
import dev.neuralsearch.train.TrainingCheckpoint;
import dev.neuralsearch.train.bert.BertConfig;
import dev.neuralsearch.train.bert.BertModel;
import dev.neuralsearch.train.bert.BertWeights;
import dev.neuralsearch.train.bert.TokenBatch;
import dev.neuralsearch.train.onnx.OnnxModelFile;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Losses by hand, one optimizer step lowering the pairwise loss, and a tiny end-to-end training run. */
class CrossEncoderTrainingTest {
    static final List<CrossEncoderExample> EXAMPLES = List.of(
            new CrossEncoderExample("1", "what causes the seasons on earth",
                    "The tilt of Earth's axis changes how directly sunlight strikes each hemisphere over the year.",
                    List.of("Yeast ferments sugars in the dough and releases carbon dioxide.",
                            "A neutron star is the collapsed core of a massive star.")),
            new CrossEncoderExample("2", "how do vaccines train the immune system",
                    "A vaccine exposes the immune system to a harmless antigen so that memory cells form.",
                    List.of("The tilt of Earth's axis changes the seasons.",
                            "Bread rises because gas bubbles are trapped in gluten.")),
            new CrossEncoderExample("3", "why does bread rise",
                    "Yeast ferments sugars in the dough and releases carbon dioxide, trapped as bubbles by gluten.",
                    List.of("Memory cells respond quickly to a second infection.",
                            "Sunlight strikes the hemispheres at different angles.")));

    @TempDir
    Path tmp;

    @Test
    void lossesAsDefined() {
        try (NDManager m = Torch.engine().newBaseManager()) {
            // two groups of (positive, negative, negative)
            float[] s = {2f, 0f, 1f, -1f, 0.5f, -3f};
            NDArray logits = m.create(s);
            double pair = 0;
            double bce = 0;
            for (int g = 0; g < 2; g++) {
                double pos = sig(s[g * 3]);
                for (int k = 1; k < 3; k++) {
                    pair += Math.max(0, 0.1 - (pos - sig(s[g * 3 + k])));
                    bce += -Math.log(1 - sig(s[g * 3 + k]));
                }
                bce += -Math.log(pos);
            }
            pair /= 4;
            bce /= 6;
            assertThat(new CrossEncoderLoss(CrossEncoderLoss.Kind.PAIRWISE, 0.1f).compute(logits, 3).getFloat())
                    .isCloseTo((float) pair, org.assertj.core.data.Offset.offset(1e-6f));
            assertThat(new CrossEncoderLoss(CrossEncoderLoss.Kind.BCE, 0.1f).compute(logits, 3).getFloat())
                    .isCloseTo((float) bce, org.assertj.core.data.Offset.offset(1e-5f));
            assertThat(new CrossEncoderLoss(CrossEncoderLoss.Kind.BOTH, 0.1f).compute(logits, 3).getFloat())
                    .isCloseTo((float) (pair + bce), org.assertj.core.data.Offset.offset(1e-5f));
            assertThatThrownBy(() -> new CrossEncoderLoss(CrossEncoderLoss.Kind.BCE, 0.1f).compute(logits, 4))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    private static double sig(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    @Test
    void oneStepLowersThePairwiseLossOnAFixedBatch() {
        ModelSpec spec = Presets.ALL_MINILM_L6_V2;
        OnnxModelFile onnx = OnnxModelFile.read(spec.model());
        BertConfig config = BertConfig.from(onnx);
        CrossEncoderLoss loss = new CrossEncoderLoss(CrossEncoderLoss.Kind.PAIRWISE, 0.1f);
        try (TextTokenizer tok = TextTokenizer.fromBytes(spec.tokenizer().readAllBytes(), "minilm", 48);
             NDManager root = Torch.engine().newBaseManager();
             BertWeights weights = BertWeights.load(onnx, root)) {
            Torch.seed(3);
            CrossEncoderModel model = CrossEncoderModel.withNewHead(new BertModel(config, weights), 3);
            model.setTrainable(true);
            TokenBatch fixed = TokenBatch.of(CrossEncoderTrainer.pairs(tok, EXAMPLES, 3, null));
            float before = lossOf(model, loss, root, fixed);
            AdamW adam = new AdamW(model, 2e-5f, 0f);
            CrossEncoderTrainer.step(model, tok, EXAMPLES, loss, 3, -1, adam);
            float after = lossOf(model, loss, root, fixed);
            System.out.printf("pairwise loss on the fixed batch: %.6f -> %.6f after one AdamW step (lr 2e-5)%n", before, after);
            assertThat(before).isPositive();
            assertThat(after).isLessThan(before);
        }
    }

    @Test
    void aStepWithANonFiniteLossIsSkippedWithoutTouchingTheWeights() {
        ModelSpec spec = Presets.ALL_MINILM_L6_V2;
        OnnxModelFile onnx = OnnxModelFile.read(spec.model());
        BertConfig config = BertConfig.from(onnx);
        try (TextTokenizer tok = TextTokenizer.fromBytes(spec.tokenizer().readAllBytes(), "minilm", 32);
             NDManager root = Torch.engine().newBaseManager();
             BertWeights weights = BertWeights.load(onnx, root)) {
            float[] w = new float[config.hidden()];
            w[0] = Float.NaN; // a head that scores NaN: the loss is NaN
            CrossEncoderModel model = CrossEncoderModel.withHead(new BertModel(config, weights), w, 0f);
            model.setTrainable(true);
            AdamW adam = new AdamW(model, 1e-3f, 0.01f);
            float[] before = weights.get("encoder.layer.5.output.dense.weight").toFloatArray();
            float l = CrossEncoderTrainer.step(model, tok, EXAMPLES, new CrossEncoderLoss(CrossEncoderLoss.Kind.BOTH, 0.1f),
                    3, 1, adam);
            assertThat(l).isNaN();
            assertThat(adam.steps()).as("no optimizer step").isZero();
            assertThat(weights.get("encoder.layer.5.output.dense.weight").toFloatArray()).isEqualTo(before);
            try (NDManager m = root.newSubManager()) {
                // the NaN gradients of the skipped step are cleared, not kept for the next step
                assertThat(weights.gradient("encoder.layer.5.output.dense.weight", m).abs().sum().getFloat()).isZero();
                assertThat(CrossEncoderTrainer.nonFiniteGradients(model)).isEmpty();
            }
        }
    }

    private static float lossOf(CrossEncoderModel model, CrossEncoderLoss loss, NDManager root, TokenBatch b) {
        try (NDManager m = root.newSubManager()) {
            return loss.compute(model.scores(m, b, false), 3).getFloat();
        }
    }

    @Test
    void learningRateWarmsUpThenDecaysToZero() {
        assertThat(CrossEncoderTrainer.learningRate(1f, 2, 10, 1)).isEqualTo(0.5f);
        assertThat(CrossEncoderTrainer.learningRate(1f, 2, 10, 2)).isEqualTo(1f);
        assertThat(CrossEncoderTrainer.learningRate(1f, 2, 10, 3)).isEqualTo(1f);
        assertThat(CrossEncoderTrainer.learningRate(1f, 2, 10, 10)).isCloseTo(0.125f, org.assertj.core.data.Offset.offset(1e-6f));
        assertThat(CrossEncoderTrainer.learningRate(1f, 2, 10, 11)).isZero();
    }

    @Test
    void aTinyRunWritesADirectoryTheRerankerLoads() {
        CrossEncoderTrainer.Options o = CrossEncoderTrainer.Options.defaults().withBatch(2, 2).withMaxLength(32)
                .withValidation(0.34).withLoss(CrossEncoderLoss.Kind.PAIRWISE, 0.1f).withSeed(5);
        Path out = tmp.resolve("tiny-ce");
        CrossEncoderTrainer.Result r = CrossEncoderTrainer.train(Presets.ALL_MINILM_L6_V2, EXAMPLES, o, out, null);
        assertThat(r.steps()).isEqualTo(1); // 2 training examples, batch 2, one epoch
        assertThat(r.validations()).hasSize(1);
        assertThat(r.initialValidation().groups()).isEqualTo(1);
        assertThat(out.resolve("training.json")).isRegularFile();
        try (CrossEncoderReranker rr = CrossEncoderReranker.load(out)) {
            assertThat(rr.maxLength()).isEqualTo(32);
            float[] s = rr.score(EXAMPLES.get(0).query(), List.of(EXAMPLES.get(0).positive(), "unrelated words"));
            assertThat(s).hasSize(2);
            assertThat(Float.isFinite(s[0]) && Float.isFinite(s[1])).isTrue();
        }
    }

    @Test
    void resumingFromACheckpointTakesTheStepsOfAnUninterruptedRun() throws Exception {
        // 2 training examples, 1 per step, 2 epochs = 4 steps; the first run stops after 3 (mid-epoch 2)
        CrossEncoderTrainer.Options o = CrossEncoderTrainer.Options.defaults().withEpochs(2).withBatch(1, 2)
                .withMaxLength(32).withValidation(0.34).withLoss(CrossEncoderLoss.Kind.BOTH, 0.1f).withSeed(9)
                .withLearningRate(1e-4f, 0.25f);
        Path ckpt = tmp.resolve("ckpt");
        CrossEncoderTrainer.Result first = CrossEncoderTrainer.train(Presets.ALL_MINILM_L6_V2, EXAMPLES,
                o.withSteps(3, 0), tmp.resolve("first"), null, ckpt, false);
        assertThat(first.steps()).isEqualTo(3);
        CrossEncoderTrainer.CheckpointState saved = TrainingCheckpoint.read(ckpt,
                CrossEncoderTrainer.CheckpointState.class).orElseThrow().state();
        assertThat(saved.step()).isEqualTo(3);
        assertThat(saved.optimizerSteps()).isEqualTo(3);
        assertThat(saved.validations()).hasSize(1); // epoch 1 finished, epoch 2 not
        assertThat(saved.stepLosses()).hasSize(3);

        CrossEncoderTrainer.Result resumed = CrossEncoderTrainer.train(Presets.ALL_MINILM_L6_V2, EXAMPLES, o,
                tmp.resolve("resumed"), null, ckpt, true);
        CrossEncoderTrainer.Result straight = CrossEncoderTrainer.train(Presets.ALL_MINILM_L6_V2, EXAMPLES, o,
                tmp.resolve("straight"), null, null, false);
        assertThat(straight.steps()).isEqualTo(4);
        assertThat(resumed.steps()).isEqualTo(4);
        assertThat(resumed.stepLosses()).isEqualTo(straight.stepLosses());
        assertThat(resumed.validations()).isEqualTo(straight.validations());
        assertThat(java.nio.file.Files.readAllBytes(tmp.resolve("resumed/model.onnx")))
                .isEqualTo(java.nio.file.Files.readAllBytes(tmp.resolve("straight/model.onnx")));

        // a checkpoint of other options is refused
        assertThatThrownBy(() -> CrossEncoderTrainer.train(Presets.ALL_MINILM_L6_V2, EXAMPLES, o.withSeed(10),
                tmp.resolve("other"), null, ckpt, true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("another run");
    }
}
