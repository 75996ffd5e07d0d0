package dev.neuralsearch.encoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.neuralsearch.core.Similarity;
import dev.neuralsearch.onnx.GpuUnavailableException;
import dev.neuralsearch.onnx.OnnxException;
import dev.neuralsearch.onnx.SessionConfig;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Quantized models, directory loading, presets and load-time errors. */
class EncoderLoadingTest {
    private static final EncoderOptions ONE = EncoderOptions.defaults().withSessions(1);
    private static BiEncoder minilmQ;

    @BeforeAll
    static void load() {
        minilmQ = BiEncoder.load(Presets.ALL_MINILM_L6_V2_Q, EncoderOptions.defaults().withSessions(2));
    }

    @AfterAll
    static void close() {
        minilmQ.close();
    }

    private static void copyResource(String resource, Path target) throws Exception {
        try (InputStream in = EncoderLoadingTest.class.getClassLoader().getResourceAsStream(resource)) {
            Files.copy(in, target);
        }
    }

    @Test
    void quantizedModelsAreDeterministicByDefault() {
        // int8 activations are quantized with one scale for the whole padded batch: detected at load
        assertThat(minilmQ.batchInvariant()).isFalse();
        List<String> texts = BiEncoderTest.texts(24, 5);
        List<float[]> bulk = minilmQ.encodePassages(texts);
        for (int i = 0; i < texts.size(); i++) {
            assertThat(minilmQ.encode(texts.get(i)).vector()).as("text %d", i).containsExactly(bulk.get(i));
        }
    }

    @Test
    void quantizedModelsBatchedWhenDeterminismIsOff() {
        try (BiEncoder fast = BiEncoder.load(Presets.ALL_MINILM_L6_V2_Q, ONE.withDeterministic(false))) {
            assertThat(fast.batchInvariant()).isTrue(); // not probed: batching is allowed
            List<String> texts = BiEncoderTest.texts(24, 5);
            List<float[]> bulk = fast.encodePassages(texts);
            double min = 1;
            double sum = 0;
            for (int i = 0; i < texts.size(); i++) {
                double cos = BiEncoder.cosine(minilmQ.encode(texts.get(i)).vector(), bulk.get(i));
                min = Math.min(min, cos);
                sum += cos;
            }
            // close, but not equal: the vector depends on the batch (heavily padded batches move it most)
            assertThat(min).isGreaterThan(0.95).isLessThan(0.99999);
            assertThat(sum / texts.size()).isGreaterThan(0.98);
        }
    }

    @Test
    void directoryWithSentenceTransformersConfig(@TempDir Path dir) throws Exception {
        copyResource("all-minilm-l6-v2-q.onnx", dir.resolve("model.onnx"));
        copyResource("all-minilm-l6-v2-q-tokenizer.json", dir.resolve("tokenizer.json"));
        Files.writeString(dir.resolve("modules.json"), """
                [{"idx":0,"name":"0","path":"","type":"sentence_transformers.models.Transformer"},
                 {"idx":1,"name":"1","path":"1_Pooling","type":"sentence_transformers.models.Pooling"},
                 {"idx":2,"name":"2","path":"2_Normalize","type":"sentence_transformers.models.Normalize"}]""");
        Files.createDirectories(dir.resolve("1_Pooling"));
        Files.writeString(dir.resolve("1_Pooling/config.json"), """
                {"word_embedding_dimension": 384, "pooling_mode_cls_token": false,
                 "pooling_mode_mean_tokens": true, "pooling_mode_max_tokens": false}""");
        Files.writeString(dir.resolve("sentence_bert_config.json"), "{\"max_seq_length\": 128, \"do_lower_case\": false}");

        ModelSpec spec = ModelSpec.fromDirectory(dir);
        assertThat(spec.pooling()).isEqualTo(Pooling.MEAN);
        assertThat(spec.normalize()).isTrue();
        assertThat(spec.maxTokens()).isEqualTo(128);
        assertThat(spec.dimension()).isEqualTo(384);
        assertThat(spec.id()).isEqualTo(dir.getFileName().toString());
        try (BiEncoder e = BiEncoder.load(dir, ONE)) {
            String text = "Directory-loaded models encode like the packaged preset.";
            assertThat(e.encode(text).vector()).containsExactly(minilmQ.encode(text).vector());
            assertThat(e.encode(String.join(" ", java.util.Collections.nCopies(300, "word"))).tokenCount()).isEqualTo(128);
            assertThat(e.similarity()).isEqualTo(Similarity.DOT_PRODUCT);
        }
    }

    @Test
    void directoryWithClsPoolingAndPrompts(@TempDir Path dir) throws Exception {
        copyResource("bge-small-en-v1.5-q.onnx", dir.resolve("model.onnx"));
        copyResource("bge-small-en-v1.5-q-tokenizer.json", dir.resolve("tokenizer.json"));
        Files.createDirectories(dir.resolve("1_Pooling"));
        Files.writeString(dir.resolve("1_Pooling/config.json"), "{\"word_embedding_dimension\": 384, \"pooling_mode_cls_token\": true}");
        Files.writeString(dir.resolve("config_sentence_transformers.json"),
                "{\"prompts\": {\"query\": \"Represent this sentence for searching relevant passages: \", \"document\": \"\"}}");
        assertThat(ModelSpec.fromDirectory(dir).language()).isNull();
        Files.writeString(dir.resolve("config_sentence_transformers.json"),
                "{\"prompts\": {\"query\": \"Represent this sentence for searching relevant passages: \", \"document\": \"\"},"
                        + " \"language\": \"en\"}");
        ModelSpec spec = ModelSpec.fromDirectory(dir);
        assertThat(spec.language()).isEqualTo("en");
        assertThat(spec.pooling()).isEqualTo(Pooling.CLS);
        assertThat(spec.maxTokens()).isEqualTo(ModelSpec.DEFAULT_MAX_TOKENS);
        assertThat(spec.queryPrefix()).isEqualTo("Represent this sentence for searching relevant passages: ");
        try (BiEncoder dirEncoder = BiEncoder.load(spec, ONE);
             BiEncoder preset = BiEncoder.load(Presets.BGE_SMALL_EN_V15_Q, ONE)) {
            assertThat(dirEncoder.encodeQuery("what is a cell")).containsExactly(preset.encodeQuery("what is a cell"));
        }
    }

    @Test
    void directoryErrorsNameTheFile(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> BiEncoder.load(dir.resolve("absent"))).isInstanceOf(ModelNotFoundException.class)
                .hasMessageContaining("absent");
        assertThatThrownBy(() -> BiEncoder.load(dir)).isInstanceOf(ModelNotFoundException.class)
                .hasMessageContaining("model.onnx");
        Files.write(dir.resolve("model.onnx"), new byte[] {0x08, 0x07, 0x12, 0x01, 0x41, 0x42, 0x43});
        assertThatThrownBy(() -> BiEncoder.load(dir)).isInstanceOf(ModelNotFoundException.class)
                .hasMessageContaining("tokenizer.json");
        copyResource("all-minilm-l6-v2-q-tokenizer.json", dir.resolve("tokenizer.json"));
        assertThatThrownBy(() -> BiEncoder.load(dir, ONE)).isInstanceOf(OnnxException.class)
                .hasMessageContaining(dir.resolve("model.onnx").toString());
    }

    @Test
    void tokenizerLargerThanTheModelsVocabularyIsDetectedAtLoad(@TempDir Path dir) throws Exception {
        copyResource("all-minilm-l6-v2-q.onnx", dir.resolve("model.onnx"));
        ObjectMapper json = new ObjectMapper();
        ObjectNode tok;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("all-minilm-l6-v2-q-tokenizer.json")) {
            tok = (ObjectNode) json.readTree(in);
        }
        ((ObjectNode) tok.path("model").path("vocab")).put("zzzunknowable", 40000); // model has 30522 rows
        json.writeValue(dir.resolve("tokenizer.json").toFile(), tok);
        assertThatThrownBy(() -> BiEncoder.load(dir, ONE)).isInstanceOf(ModelMismatchException.class)
                .hasMessageContaining("tokenizer.json").hasMessageContaining("40001");
    }

    @Test
    void wrongDimensionInTheSpecIsReported() {
        ModelSpec wrong = new ModelSpec("wrong", Presets.ALL_MINILM_L6_V2_Q.model(), Presets.ALL_MINILM_L6_V2_Q.tokenizer(),
                Pooling.MEAN, true, 128, "", "", 512);
        assertThatThrownBy(() -> BiEncoder.load(wrong, ONE)).isInstanceOf(ModelMismatchException.class)
                .hasMessageContaining("384").hasMessageContaining("512");
    }

    @Test
    void e5UsesQueryAndPassagePrefixesAndZhQuantizedIs512d() {
        try (BiEncoder e5 = BiEncoder.load(Presets.E5_SMALL_V2_Q, ONE)) {
            EncodedText asQuery = e5.encode("how are proteins folded", TextRole.QUERY);
            EncodedText asPassage = e5.encode("how are proteins folded", TextRole.PASSAGE);
            assertThat(e5.tokenizer().decode(e5.tokenizer().encode("query: x").ids())).isEqualTo("query : x");
            assertThat(BiEncoder.cosine(asQuery.vector(), asPassage.vector())).isLessThan(0.9999);
            float[] q = e5.encodeQuery("how are proteins folded");
            List<float[]> p = e5.encodePassages(List.of("Chaperones help proteins fold into their native structure.",
                    "The football season starts in August."));
            assertThat(BiEncoderTest.dot(q, p.get(0))).isGreaterThan(BiEncoderTest.dot(q, p.get(1)));
        }
        try (BiEncoder zhQ = BiEncoder.load(Presets.BGE_SMALL_ZH_V15_Q, ONE)) {
            assertThat(zhQ.dimension()).isEqualTo(512);
            assertThat(BiEncoderTest.norm(zhQ.encodeQuery("你好"))).isCloseTo(1.0, within(1e-5));
        }
    }

    @Test
    void cudaRequestOnACpuOnlyMachineFailsClearly() {
        EncoderOptions cuda = ONE.withSession(SessionConfig.DEFAULT.withCuda(0));
        assertThatThrownBy(() -> BiEncoder.load(Presets.ALL_MINILM_L6_V2_Q, cuda))
                .isInstanceOf(GpuUnavailableException.class)
                .hasMessageContaining("onnxruntime_gpu").hasMessageContaining("cuDNN 9");
    }

    @Test
    void closedEncoderRefusesWork() {
        BiEncoder e = BiEncoder.load(Presets.ALL_MINILM_L6_V2_Q, ONE);
        e.close();
        e.close();
        assertThatThrownBy(() -> e.encodeQuery("x")).isInstanceOf(IllegalStateException.class);
    }
}
