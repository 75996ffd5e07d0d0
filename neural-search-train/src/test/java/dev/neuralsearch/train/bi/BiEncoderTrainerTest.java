package dev.neuralsearch.train.bi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.neuralsearch.encoder.BiEncoder;
import dev.neuralsearch.encoder.ModelSpec;
import dev.neuralsearch.encoder.Presets;
import dev.neuralsearch.train.TrainingCheckpoint;
import dev.neuralsearch.train.onnx.UnsupportedModelException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trainer on all-MiniLM-L6-v2 at tiny settings (batch 2, 32 tokens, a few steps): repeatable under a seed,
 * resumable to the same weights, a SimCSE stage, validation per epoch, the refusals, and an output directory that
 * core's BiEncoder loads.
 */
class BiEncoderTrainerTest {
    static final ModelSpec MINILM = Presets.ALL_MINILM_L6_V2;

    @TempDir
    Path tmp;

    static List<TrainingPair> pairs(int n) {
        String[][] qp = {
                {"what causes the seasons", "The tilt of Earth's axis changes how directly sunlight strikes each hemisphere."},
                {"how do vaccines work", "A vaccine exposes the immune system to a harmless antigen so memory cells form."},
                {"why does bread rise", "Yeast ferments sugars and releases carbon dioxide trapped as bubbles."},
                {"what is a neutron star", "A collapsed stellar core made mostly of neutrons."},
                {"how do plants make food", "Photosynthesis turns light, water and carbon dioxide into sugar."},
                {"why is the sea salty", "Rivers carry dissolved minerals from rocks into the ocean."},
                {"what causes tides", "The Moon's gravity pulls on the oceans, raising bulges of water."},
                {"how do bees communicate", "Honey bees dance to tell others where flowers are."},
                {"what is inflation", "A general rise in prices that lowers the purchasing power of money."},
                {"why do cats purr", "Cats purr through rapid vibration of the laryngeal muscles."},
                {"how does a compass work", "A magnetized needle aligns with Earth's magnetic field."},
                {"what is an enzyme", "A protein that speeds up a chemical reaction in the cell."},
        };
        List<TrainingPair> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new TrainingPair("q" + i, qp[i][0], "d" + i, qp[i][1], List.of()));
        }
        return out;
    }

    static BiEncoderTrainingOptions tiny() {
        return BiEncoderTrainingOptions.DEFAULTS.withBatchSize(2).withMaxLength(32).withValidationFraction(0)
                .withLearningRate(1e-4f).withSeed(7);
    }

    static BiEncoderTrainer trainer(BiEncoderTrainingOptions o) {
        return new BiEncoderTrainer(MINILM, o).progressBar(false);
    }

    @Test
    void twoRunsWithTheSameSeedGiveIdenticalWeights() throws IOException {
        BiEncoderTrainingOptions o = tiny().withMaxSteps(2);
        BiEncoderTrainingResult a = trainer(o).train(pairs(8), null, tmp.resolve("a"), null, false);
        BiEncoderTrainingResult b = trainer(o).train(pairs(8), null, tmp.resolve("b"), null, false);
        assertThat(a.steps()).isEqualTo(2);
        assertThat(a.stepLosses()).hasSize(2).allMatch(l -> l > 0).isEqualTo(b.stepLosses());
        byte[] ma = Files.readAllBytes(tmp.resolve("a/model.onnx"));
        assertThat(Files.readAllBytes(tmp.resolve("b/model.onnx"))).isEqualTo(ma);
        // and training changed them
        assertThat(ma).isNotEqualTo(MINILM.model().readAllBytes());
        // another seed: other batches and dropout, other weights
        trainer(o.withSeed(8)).train(pairs(8), null, tmp.resolve("c"), null, false);
        assertThat(Files.readAllBytes(tmp.resolve("c/model.onnx"))).isNotEqualTo(ma);
    }

    @Test
    void resumingAfterTwoStepsGivesTheWeightsOfFourUninterruptedSteps() throws IOException {
        // 8 pairs, batch 2, 1 epoch = 4 steps
        BiEncoderTrainingOptions o = tiny();
        Path ckpt = tmp.resolve("ckpt");
        // --max-steps stopping mid-epoch writes a checkpoint
        BiEncoderTrainingResult first = trainer(o.withMaxSteps(2))
                .train(pairs(8), null, tmp.resolve("half"), ckpt, false);
        assertThat(first.steps()).isEqualTo(2);
        assertThat(first.epochs()).isEmpty();
        BiEncoderTrainer.CheckpointState saved = TrainingCheckpoint.read(ckpt, BiEncoderTrainer.CheckpointState.class)
                .orElseThrow().state();
        assertThat(saved.step()).isEqualTo(2);
        assertThat(saved.optimizerSteps()).isEqualTo(2);
        assertThat(saved.options()).isEqualTo(o.withMaxSteps(2));

        BiEncoderTrainingResult resumed = trainer(o).train(pairs(8), null, tmp.resolve("resumed"), ckpt, true);
        BiEncoderTrainingResult straight = trainer(o).train(pairs(8), null, tmp.resolve("straight"), null, false);
        assertThat(resumed.steps()).isEqualTo(4);
        assertThat(straight.steps()).isEqualTo(4);
        assertThat(resumed.stepLosses()).isEqualTo(straight.stepLosses());
        assertThat(resumed.epochs()).hasSize(1);
        assertThat(Files.readAllBytes(tmp.resolve("resumed/model.onnx")))
                .isEqualTo(Files.readAllBytes(tmp.resolve("straight/model.onnx")));

        // a checkpoint of other settings is not continued
        assertThatThrownBy(() -> trainer(o.withLearningRate(3e-5f)).train(pairs(8), null, tmp.resolve("x"), ckpt, true))
                .hasMessageContaining("written by another run");
    }

    @Test
    void simcseStageThenPairsAndValidationLossPerEpoch() {
        List<String> texts = pairs(12).stream().map(TrainingPair::positive).toList();
        BiEncoderTrainingOptions o = tiny().withSimcseSteps(2).withValidationFraction(0.2).withBatchSize(4);
        BiEncoderTrainingResult r = trainer(o).train(pairs(12), texts, tmp.resolve("simcse"), null, false);
        // 12 queries, 20% held out = 2; 10 training pairs in batches of 4: 4 + 4 + 2 = 3 steps
        assertThat(r.validationPairs()).isEqualTo(2);
        assertThat(r.trainPairs()).isEqualTo(10);
        assertThat(r.steps()).isEqualTo(2 + 3);
        assertThat(r.stepLosses()).hasSize(5).allMatch(l -> Float.isFinite(l) && l >= 0);
        assertThat(r.simcseLoss()).isFinite().isPositive();
        assertThat(r.initialValidationLoss()).isFinite().isPositive();
        assertThat(r.epochs()).hasSize(1);
        BiEncoderTrainingResult.Epoch e = r.epochs().get(0);
        assertThat(e.steps()).isEqualTo(3);
        assertThat(e.validationLoss()).isFinite().isPositive();
        assertThat(e.trainLoss()).isCloseTo(r.stepLosses().subList(2, 5).stream().mapToDouble(Float::doubleValue)
                .average().orElseThrow(), org.assertj.core.data.Offset.offset(1e-6));
        assertThat(tmp.resolve("simcse/training.json")).exists();
    }

    @Test
    void theOutputDirectoryLoadsInCoreWithTheSourceSettings() {
        Path out = tmp.resolve("minilm-tuned");
        trainer(tiny().withMaxSteps(1)).train(pairs(4), null, out, null, false);
        try (BiEncoder tuned = BiEncoder.load(out); BiEncoder original = BiEncoder.load(MINILM)) {
            assertThat(tuned.modelId()).isEqualTo("minilm-tuned");
            ModelSpec s = tuned.spec();
            assertThat(s.pooling()).isEqualTo(MINILM.pooling());
            assertThat(s.normalize()).isEqualTo(MINILM.normalize());
            assertThat(s.maxTokens()).as("the model keeps its own maximum, not the training length")
                    .isEqualTo(MINILM.maxTokens());
            assertThat(s.queryPrefix()).isEqualTo(MINILM.queryPrefix());
            float[] a = tuned.encodeQuery("what causes tides");
            float[] b = original.encodeQuery("what causes tides");
            double dot = 0;
            for (int i = 0; i < a.length; i++) {
                dot += a[i] * b[i];
            }
            assertThat(dot).as("one step moves the vectors a little").isLessThan(0.999999).isGreaterThan(0.9);
        }
    }

    @Test
    void refusals() throws IOException {
        BiEncoderTrainingOptions o = tiny().withMaxSteps(1);
        assertThatThrownBy(() -> new BiEncoderTrainer(Presets.ALL_MINILM_L6_V2_Q, o).progressBar(false)
                .train(pairs(4), null, tmp.resolve("q"), null, false))
                .isInstanceOf(UnsupportedModelException.class).hasMessageContaining("quantized");
        ModelSpec mismatched = new ModelSpec("mixed", MINILM.model(), Presets.BGE_SMALL_ZH_V15.tokenizer(),
                MINILM.pooling(), true, 256, "", "", 384);
        assertThatThrownBy(() -> new BiEncoderTrainer(mismatched, o).progressBar(false)
                .train(pairs(4), null, tmp.resolve("m"), null, false))
                .isInstanceOf(UnsupportedModelException.class).hasMessageContaining("do not belong together");
        assertThatThrownBy(() -> trainer(o).train(pairs(4), null, tmp.resolve(MINILM.id()), null, false))
                .hasMessageContaining("source model's id");
        Files.createDirectories(tmp.resolve("full"));
        Files.writeString(tmp.resolve("full/x"), "x");
        assertThatThrownBy(() -> trainer(o).train(pairs(4), null, tmp.resolve("full"), null, false))
                .hasMessageContaining("not empty");
        assertThatThrownBy(() -> trainer(o.withSimcseSteps(1)).train(pairs(4), null, tmp.resolve("s"), null, false))
                .hasMessageContaining("no unlabelled texts");
    }
}
