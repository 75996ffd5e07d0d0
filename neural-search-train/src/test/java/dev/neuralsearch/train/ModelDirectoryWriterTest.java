package dev.neuralsearch.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.neuralsearch.encoder.BiEncoder;
import dev.neuralsearch.encoder.EncoderOptions;
import dev.neuralsearch.encoder.ModelSource;
import dev.neuralsearch.encoder.ModelSpec;
import dev.neuralsearch.encoder.Presets;
import dev.neuralsearch.encoder.TextRole;
import dev.neuralsearch.train.bert.BertConfig;
import dev.neuralsearch.train.bert.BertModel;
import dev.neuralsearch.train.bert.BertWeights;
import dev.neuralsearch.train.bert.TokenBatch;
import dev.neuralsearch.train.onnx.OnnxModelFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Write-back: changed weights exported as a model directory load in ONNX Runtime and give the DJL vectors. */
class ModelDirectoryWriterTest {
    @TempDir
    Path tmp;

    static final List<String> TEXTS = List.of("how do black holes form",
            "Yeast makes bread rise by releasing carbon dioxide during fermentation of the dough.", "stars");

    @Test
    void changedWeightsRoundTripThroughOnnxRuntime() throws IOException {
        ModelSpec spec = Presets.ALL_MINILM_L6_V2;
        OnnxModelFile onnx = OnnxModelFile.read(spec.model());
        BertConfig config = BertConfig.from(onnx);
        Path dir = tmp.resolve("minilm-tuned");
        float[][] djl = new float[TEXTS.size()][];
        try (BiEncoder original = BiEncoder.load(spec, EncoderOptions.defaults().withSessions(1));
             NDManager root = Torch.engine().newBaseManager();
             BertWeights weights = BertWeights.load(onnx, root)) {
            Random r = new Random(11);
            for (Map.Entry<String, NDArray> e : weights.parameters().entrySet()) {
                float[] v = e.getValue().toFloatArray();
                for (int i = 0; i < v.length; i++) {
                    v[i] += (float) (0.01 * r.nextGaussian());
                }
                weights.set(e.getKey(), v);
            }
            assertThat(ModelDirectoryWriter.write(onnx, weights, config, spec, dir)).isEqualTo(dir.toAbsolutePath());
            List<String> prefixed = TEXTS.stream().map(t -> spec.queryPrefix() + t).toList();
            TokenBatch batch = TokenBatch.of(original.tokenizer().encodeAll(prefixed));
            try (NDManager m = root.newSubManager()) {
                NDArray v = new BertModel(config, weights).encode(m, batch, spec.pooling(), spec.normalize(), false);
                for (int i = 0; i < djl.length; i++) {
                    djl[i] = v.get(i).toFloatArray();
                }
            }
            List<float[]> before = original.encodeQueries(TEXTS);
            try (BiEncoder tuned = BiEncoder.load(dir, EncoderOptions.defaults().withSessions(1))) {
                assertThat(tuned.modelId()).isEqualTo("minilm-tuned");
                assertThat(tuned.dimension()).isEqualTo(384);
                List<float[]> after = tuned.encodeQueries(TEXTS);
                for (int i = 0; i < TEXTS.size(); i++) {
                    double same = cosine(after.get(i), djl[i]);
                    double moved = cosine(after.get(i), before.get(i));
                    System.out.printf("text %d: ORT(tuned) vs DJL cosine %.9f; tuned vs original cosine %.6f%n", i, same, moved);
                    assertThat(same).isGreaterThanOrEqualTo(0.99999);
                    assertThat(moved).as("the weights changed the vector").isLessThan(0.9999);
                }
            }
        }
        // the written files: nothing temporary left behind
        try (Stream<Path> s = Files.list(tmp)) {
            assertThat(s.map(p -> p.getFileName().toString()).toList()).containsExactly("minilm-tuned");
        }
    }

    @Test
    void theDirectoryReproducesTheSourceSpec() throws IOException {
        for (ModelSpec spec : List.of(Presets.E5_SMALL_V2, Presets.BGE_SMALL_EN_V15)) {
            OnnxModelFile onnx = OnnxModelFile.read(spec.model());
            BertConfig config = BertConfig.from(onnx);
            Path dir = tmp.resolve(spec.id() + "-copy");
            ModelDirectoryWriter.write(onnx, Map.of(), config, spec, dir);
            ModelSpec back = ModelSpec.fromDirectory(dir);
            assertThat(back.id()).isEqualTo(spec.id() + "-copy");
            assertThat(back.pooling()).isEqualTo(spec.pooling());
            assertThat(back.normalize()).isEqualTo(spec.normalize());
            assertThat(back.maxTokens()).isEqualTo(spec.maxTokens());
            assertThat(back.queryPrefix()).isEqualTo(spec.queryPrefix());
            assertThat(back.passagePrefix()).isEqualTo(spec.passagePrefix());
            assertThat(back.dimension()).isEqualTo(384);
            assertThat(back.language()).isEqualTo("en").isEqualTo(spec.language());
            assertThat(back.tokenizer().readAllBytes()).isEqualTo(spec.tokenizer().readAllBytes());
            assertThat(((ModelSource.File) back.model()).path()).isEqualTo(dir.resolve("model.onnx").toAbsolutePath());
            // config.json lets the directory be trained again with the same shape
            assertThat(BertConfig.from(OnnxModelFile.read(dir.resolve("model.onnx")), dir)).isEqualTo(config);
        }
        // writing into an existing directory replaces the files in place
        ModelSpec plain = Presets.BGE_SMALL_EN_V15_NO_INSTRUCTION;
        Path dir = tmp.resolve(Presets.BGE_SMALL_EN_V15.id() + "-copy");
        OnnxModelFile onnx = OnnxModelFile.read(plain.model());
        ModelDirectoryWriter.write(onnx, Map.of(), BertConfig.from(onnx), plain, dir);
        assertThat(ModelSpec.fromDirectory(dir).queryPrefix()).isEmpty();
        try (Stream<Path> s = Files.walk(dir)) {
            assertThat(s.filter(p -> p.getFileName().toString().startsWith(".")).toList()).isEmpty();
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
}
