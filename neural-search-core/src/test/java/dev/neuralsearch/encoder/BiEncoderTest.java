package dev.neuralsearch.encoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import dev.neuralsearch.core.Similarity;
import dev.neuralsearch.onnx.OnnxEnvironment;
import dev.neuralsearch.onnx.SessionConfig;
import dev.neuralsearch.tokenize.TokenizedText;
import java.io.InputStream;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The fp32 encoders on real packaged models: semantics, pooling, batching, truncation, bad input. */
class BiEncoderTest {
    private static BiEncoder minilm;
    private static BiEncoder bge;
    private static BiEncoder bgeZh;

    @BeforeAll
    static void load() {
        EncoderOptions two = EncoderOptions.defaults().withSessions(2);
        minilm = BiEncoder.load(Presets.ALL_MINILM_L6_V2, two);
        bge = BiEncoder.load(Presets.BGE_SMALL_EN_V15, two);
        bgeZh = BiEncoder.load(Presets.BGE_SMALL_ZH_V15, EncoderOptions.defaults().withSessions(1));
    }

    @AfterAll
    static void close() {
        minilm.close();
        bge.close();
        bgeZh.close();
    }

    static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * b[i];
        }
        return s;
    }

    static double norm(float[] a) {
        return Math.sqrt(dot(a, a));
    }

    @Test
    void similarEnglishSentencesScoreHigherThanUnrelatedOnes() {
        assertThat(minilm.modelId()).isEqualTo("all-minilm-l6-v2");
        assertThat(minilm.dimension()).isEqualTo(384);
        assertThat(minilm.similarity()).isEqualTo(Similarity.DOT_PRODUCT);
        for (BiEncoder e : List.of(minilm, bge)) {
            float[] q = e.encodeQuery("How do I bake bread at home?");
            List<float[]> p = e.encodePassages(List.of(
                    "A simple recipe for homemade bread: flour, water, yeast and salt, baked in the oven.",
                    "The stock market fell sharply on Tuesday after the central bank raised interest rates."));
            assertThat(norm(q)).isCloseTo(1.0, within(1e-5));
            assertThat(dot(q, p.get(0))).as(e.modelId()).isGreaterThan(dot(q, p.get(1)) + 0.1);
        }
    }

    @Test
    void similarChineseSentencesScoreHigherThanUnrelatedOnes() {
        assertThat(bgeZh.dimension()).isEqualTo(512);
        assertThat(bgeZh.modelId()).isEqualTo("bge-small-zh-v1.5");
        float[] q = bgeZh.encodeQuery("北京是哪个国家的首都？");
        List<float[]> p = bgeZh.encodePassages(List.of("北京是中华人民共和国的首都，也是全国的政治和文化中心。",
                "今天的足球比赛非常精彩，主队以三比一获胜。"));
        assertThat(p.get(0)).hasSize(512);
        assertThat(norm(p.get(0))).isCloseTo(1.0, within(1e-5));
        assertThat(dot(q, p.get(0))).isGreaterThan(dot(q, p.get(1)) + 0.1);
    }

    @Test
    void batchedEqualsOneAtATimeForFloatModels() {
        assertThat(minilm.batchInvariant()).isTrue();
        assertThat(bge.batchInvariant()).isTrue();
        List<String> texts = texts(40, 7);
        for (BiEncoder e : List.of(minilm, bge)) {
            List<float[]> batched = e.encodePassages(texts);
            for (int i = 0; i < texts.size(); i++) {
                float[] alone = e.encode(texts.get(i)).vector();
                assertThat(BiEncoder.cosine(alone, batched.get(i))).as("%s text %d", e.modelId(), i)
                        .isGreaterThanOrEqualTo(0.99999);
            }
        }
    }

    @Test
    void resultsComeBackInInputOrderWithProgress() {
        List<String> texts = texts(100, 11);
        List<long[]> progress = new CopyOnWriteArrayList<>();
        List<float[]> out = minilm.encodePassages(texts, (done, total) -> progress.add(new long[] {done, total}));
        assertThat(out).hasSize(100);
        assertThat(progress).isNotEmpty();
        assertThat(progress.stream().mapToLong(p -> p[0]).max().getAsLong()).isEqualTo(100);
        assertThat(progress).allMatch(p -> p[1] == 100);
        for (int i : new int[] {0, 17, 42, 99}) {
            assertThat(BiEncoder.cosine(out.get(i), minilm.encodeQuery(texts.get(i)))).isGreaterThan(0.99999);
        }
        List<float[]> queries = minilm.encodeQueries(texts.subList(0, 5));
        assertThat(BiEncoder.cosine(queries.get(3), out.get(3))).isGreaterThan(0.99999); // no prefixes
    }

    @Test
    void batchesRespectTheBudgets() {
        List<TokenizedText> tokens = minilm.tokenizer().encodeAll(texts(100, 3));
        List<int[]> plan = minilm.plan(tokens);
        int seen = 0;
        for (int[] batch : plan) {
            int longest = 0;
            for (int idx : batch) {
                longest = Math.max(longest, tokens.get(idx).tokenCount());
            }
            assertThat(batch.length).isLessThanOrEqualTo(minilm.options().maxBatchSize());
            assertThat((long) longest * batch.length).isLessThanOrEqualTo(minilm.options().maxBatchTokens());
            seen += batch.length;
        }
        assertThat(seen).isEqualTo(100);
    }

    @Test
    void meanPoolingMatchesAHandComputationOnTheRawModelOutput() throws Exception {
        String text = "Mean pooling averages the token vectors under the attention mask.";
        float[] expected = rawHiddenStates("all-minilm-l6-v2.onnx", minilm.tokenizer().encode(text), true);
        EncodedText actual = minilm.encode(text);
        assertThat(norm(actual.vector())).isCloseTo(1.0, within(1e-5));
        for (int i = 0; i < expected.length; i++) {
            assertThat(actual.vector()[i]).isCloseTo(expected[i], within(1e-4f));
        }
    }

    @Test
    void clsPoolingMatchesTheRawModelOutput() throws Exception {
        String text = "BGE uses the hidden state of the CLS token.";
        float[] expected = rawHiddenStates("bge-small-en-v1.5.onnx", bge.tokenizer().encode(text), false);
        float[] actual = bge.encode(text).vector();
        for (int i = 0; i < expected.length; i++) {
            assertThat(actual[i]).isCloseTo(expected[i], within(1e-4f));
        }
    }

    /** Runs a model directly and pools by hand: mean over all tokens, or the first token; then L2-normalizes. */
    private static float[] rawHiddenStates(String resource, TokenizedText t, boolean mean) throws Exception {
        byte[] model;
        try (InputStream in = BiEncoderTest.class.getClassLoader().getResourceAsStream(resource)) {
            model = in.readAllBytes();
        }
        var env = OnnxEnvironment.get();
        try (OrtSession s = OnnxEnvironment.createSession(model, resource, SessionConfig.DEFAULT)) {
            long[] shape = {1, t.tokenCount()};
            Map<String, OnnxTensor> in = new HashMap<>();
            in.put("input_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(t.ids()), shape));
            in.put("attention_mask", OnnxTensor.createTensor(env, LongBuffer.wrap(t.attentionMask()), shape));
            in.put("token_type_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(t.typeIds()), shape));
            try (OrtSession.Result r = s.run(in)) {
                float[][][] h = (float[][][]) r.get("last_hidden_state").orElseThrow().getValue();
                float[] v = new float[h[0][0].length];
                int tokens = mean ? t.tokenCount() : 1;
                for (int tok = 0; tok < tokens; tok++) {
                    for (int i = 0; i < v.length; i++) {
                        v[i] += h[0][tok][i] / tokens;
                    }
                }
                double n = norm(v);
                for (int i = 0; i < v.length; i++) {
                    v[i] /= (float) n;
                }
                return v;
            } finally {
                in.values().forEach(OnnxTensor::close);
            }
        }
    }

    @Test
    void longTextsAreTruncatedAtTheSpecsMaximum() {
        String longText = String.join(" ", Collections.nCopies(5000, "word"));
        EncodedText m = minilm.encode(longText);
        assertThat(m.tokenCount()).isEqualTo(256);
        assertThat(m.truncated()).isTrue();
        EncodedText b = bge.encode(longText, TextRole.QUERY);
        assertThat(b.tokenCount()).isEqualTo(512);
        assertThat(b.truncated()).isTrue();
        List<EncodedText> bulk = bge.encodeAll(List.of("short", longText), TextRole.PASSAGE, null);
        assertThat(bulk.get(0).truncated()).isFalse();
        assertThat(bulk.get(1).tokenCount()).isEqualTo(512);
        assertThat(bulk.get(1).truncated()).isTrue();
        assertThat(norm(bulk.get(1).vector())).isCloseTo(1.0, within(1e-5));
    }

    @Test
    void queryPrefixIsApplied() {
        EncodedText plainQuery = bge.encode("scientific claim", TextRole.PASSAGE);
        EncodedText instructed = bge.encode("scientific claim", TextRole.QUERY);
        assertThat(instructed.tokenCount()).isGreaterThan(plainQuery.tokenCount() + 5);
        assertThat(BiEncoder.cosine(plainQuery.vector(), instructed.vector())).isLessThan(0.999);
    }

    @Test
    void badInputs() {
        assertThatThrownBy(() -> minilm.encodeQuery(null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("must not be null");
        List<String> withNull = new ArrayList<>(List.of("a", "b"));
        withNull.add(null);
        assertThatThrownBy(() -> minilm.encodePassages(withNull)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("text 2");
        assertThat(minilm.encodePassages(List.of())).isEmpty();
        EncodedText empty = minilm.encode("");
        assertThat(empty.tokenCount()).isEqualTo(2); // [CLS] [SEP]
        assertThat(norm(empty.vector())).isCloseTo(1.0, within(1e-5));
        EncodedText weird = minilm.encode("\uD83D lone surrogate \u0000 and controls \u0007");
        assertThat(norm(weird.vector())).isCloseTo(1.0, within(1e-5));
    }

    /** Texts of varied lengths (1 to ~300 words). */
    static List<String> texts(int n, long seed) {
        String[] words = ("the cell protein gene expression patients study results treatment cancer risk increased "
                + "effect mice clinical data analysis associated human disease response levels model role").split(" ");
        Random r = new Random(seed);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int len = 1 + (int) Math.pow(r.nextDouble(), 2) * 300;
            StringBuilder sb = new StringBuilder();
            for (int w = 0; w < len; w++) {
                sb.append(words[r.nextInt(words.length)]).append(' ');
            }
            out.add(sb.toString().trim());
        }
        return out;
    }
}
