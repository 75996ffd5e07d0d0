package dev.neuralsearch.rerank;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.neuralsearch.encoder.ModelMismatchException;
import dev.neuralsearch.onnx.ExecutionProvider;
import dev.neuralsearch.onnx.GpuUnavailableException;
import dev.neuralsearch.onnx.OnnxEnvironment;
import dev.neuralsearch.onnx.OnnxException;
import dev.neuralsearch.rerank.fixtures.TinyCrossEncoder;
import dev.neuralsearch.rerank.fixtures.TinyCrossEncoder.Variant;
import dev.neuralsearch.tokenize.TextTokenizer;
import dev.neuralsearch.tokenize.TokenizedText;
import dev.neuralsearch.tokenize.TokenizerException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cross-encoder on the hand-written BERT-style fixture ({@link TinyCrossEncoder}), whose logits are
 * {@code 0.125 nA - 0.0625 nB + 0.03125 S} for one class ({@code nA}/{@code nB}: tokens of type 0/1,
 * {@code S}: Σ id mod 7), so every score can be checked against Java arithmetic.
 */
class CrossEncoderRerankerTest {

    private static final String QUERY = "what is the capital of france";
    private static final List<String> PASSAGES = List.of(
            "Paris is the capital and most populous city of France.",
            "Berlin",
            "",
            "The Eiffel Tower is a wrought-iron lattice tower on the Champ de Mars in Paris, France. "
                    + "It is named after the engineer Gustave Eiffel, whose company designed and built the tower.",
            "France is a country in Western Europe.");

    @TempDir
    static Path tmp;

    static CrossEncoderReranker oneLogit;
    static CrossEncoderReranker twoLogits;
    static CrossEncoderReranker noTokenTypes;
    /** Untruncated pair encodings, to compute expected scores independently of the reranker. */
    static TextTokenizer oracle;

    @BeforeAll
    static void load() {
        oneLogit = CrossEncoderReranker.load(TinyCrossEncoder.write(tmp.resolve("bert-1"), 1, true));
        twoLogits = CrossEncoderReranker.load(TinyCrossEncoder.write(tmp.resolve("bert-2"), 2, true));
        noTokenTypes = CrossEncoderReranker.load(TinyCrossEncoder.write(tmp.resolve("plain-1"), 1, false));
        oracle = TextTokenizer.fromClasspath(TinyCrossEncoder.TOKENIZER_RESOURCE, 4096);
    }

    @AfterAll
    static void close() {
        for (AutoCloseable c : new AutoCloseable[] {oneLogit, twoLogits, noTokenTypes, oracle}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /*
     * "hello" / "world" with the bge (BERT uncased) vocabulary:
     *   ids   = [CLS] hello [SEP] world [SEP] = 101 7592 102 2088 102, types 0 0 0 1 1
     *   nA = 3, nB = 2, S = 101%7 + 7592%7 + 102%7 + 2088%7 + 102%7 = 3 + 4 + 4 + 2 + 4 = 17
     *   one logit:  0.125*3 - 0.0625*2 + 0.03125*17 = 0.375 - 0.125 + 0.53125 = 0.78125
     *     sigmoid:  1 / (1 + e^-0.78125) = 0.6859494550
     *   two logits: l0 = 0.0625*2 - 0.03125*17 = -0.40625, l1 = 0.125*3 + 0.03125*17 = 0.90625
     *     softmax class 1 = 1 / (1 + e^-(l1 - l0)) = 1 / (1 + e^-1.3125) = 0.7879311956
     *   without token_type_ids every token counts as type 0: nA = 5, nB = 0
     *     one logit: 0.125*5 + 0.03125*17 = 1.15625
     */
    @Test
    void handComputedScores() {
        TokenizedText pair = oneLogit.tokenize("hello", "world");
        assertThat(pair.ids()).containsExactly(101, 7592, 102, 2088, 102);
        assertThat(pair.typeIds()).containsExactly(0, 0, 0, 1, 1);

        assertThat(oneLogit.score("hello", List.of("world"))).containsExactly(0.78125f);
        assertThat(twoLogits.score("hello", List.of("world"))).containsExactly(new float[] {0.7879311956f}, within(1e-7f));
        assertThat(noTokenTypes.score("hello", List.of("world"))).containsExactly(1.15625f);
        assertThat(oneLogit.usesTokenTypeIds()).isTrue();
        assertThat(noTokenTypes.usesTokenTypeIds()).isFalse();
    }

    @Test
    void int32InputsAreFedAsInt32() {
        try (CrossEncoderReranker r = CrossEncoderReranker.load(
                TinyCrossEncoder.write(tmp.resolve("bert-1-int32"), 1, true, Variant.INT32_INPUTS))) {
            assertThat(r.score(QUERY, PASSAGES)).containsExactly(oneLogit.score(QUERY, PASSAGES));
        }
    }

    @Test
    void sigmoidOption() {
        try (CrossEncoderReranker r = CrossEncoderReranker.builder(tmp.resolve("bert-1")).sigmoid(true).build();
             CrossEncoderReranker r2 = CrossEncoderReranker.builder(tmp.resolve("bert-2")).sigmoid(true).build()) {
            assertThat(r.score("hello", List.of("world"))).containsExactly(new float[] {0.6859494550f}, within(1e-7f));
            // Two-class models are softmax probabilities already; the option leaves them alone.
            assertThat(r2.score("hello", List.of("world"))).containsExactly(twoLogits.score("hello", List.of("world")));
        }
    }

    @Test
    void scoresFollowTheKnownFunctionForBothHeads() {
        float[] one = oneLogit.score(QUERY, PASSAGES);
        float[] two = twoLogits.score(QUERY, PASSAGES);
        float[] plain = noTokenTypes.score(QUERY, PASSAGES);
        for (int i = 0; i < PASSAGES.size(); i++) {
            TokenizedText t = oracle.encodePair(QUERY, PASSAGES.get(i));
            assertThat(one[i]).isEqualTo(TinyCrossEncoder.logits(t.ids(), t.typeIds(), 1, true)[0]);
            float[] l = TinyCrossEncoder.logits(t.ids(), t.typeIds(), 2, true);
            assertThat(two[i]).isCloseTo(softmaxClass1(l), within(1e-6f));
            assertThat(plain[i]).isEqualTo(TinyCrossEncoder.logits(t.ids(), t.typeIds(), 1, false)[0]);
        }
    }

    @Test
    void batchingByLengthGivesTheSameScoresInInputOrder() {
        List<String> passages = variedPassages(60);
        float[] single = new float[passages.size()];
        for (int i = 0; i < passages.size(); i++) {
            single[i] = oneLogit.score(QUERY, List.of(passages.get(i)))[0];
        }
        try (CrossEncoderReranker small = CrossEncoderReranker.builder(tmp.resolve("bert-1"))
                .maxBatchSize(4).maxBatchTokens(100).build()) {
            float[] batched = small.score(QUERY, passages);
            assertThat(batched).containsExactly(single);
        }
        float[] defaults = oneLogit.score(QUERY, passages);
        assertThat(defaults).containsExactly(single);
        for (int i = 0; i < passages.size(); i++) {
            TokenizedText t = oracle.encodePair(QUERY, passages.get(i));
            assertThat(defaults[i]).as("passage %d", i).isEqualTo(TinyCrossEncoder.logits(t.ids(), t.typeIds(), 1, true)[0]);
        }
    }

    @Test
    void batchesSharedOutOverHelperThreadsGiveTheScoresOfOneThread() {
        List<String> passages = variedPassages(60);
        try (CrossEncoderReranker serial = CrossEncoderReranker.builder(tmp.resolve("bert-1"))
                .maxBatchSize(4).parallelism(1).build();
             CrossEncoderReranker shared = CrossEncoderReranker.builder(tmp.resolve("bert-1"))
                .maxBatchSize(4).parallelism(3).build()) {
            float[] one = serial.score(QUERY, passages);
            for (int round = 0; round < 5; round++) {
                assertThat(shared.score(QUERY, passages)).containsExactly(one);
            }
            assertThat(shared.score(QUERY, passages.subList(0, 1))).containsExactly(one[0]); // one batch: no helper
            assertThatThrownBy(() -> shared.score(QUERY, java.util.Arrays.asList("a", null)))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void onlyThePassageIsTruncated() {
        String longPassage = String.join(" ", java.util.Collections.nCopies(300, "paris is lovely in spring"));
        try (CrossEncoderReranker r = CrossEncoderReranker.builder(tmp.resolve("bert-1")).maxLength(32).build()) {
            TokenizedText pair = r.tokenize(QUERY, longPassage);
            long[] query = oracle.encode(QUERY).ids();                 // [CLS] q [SEP]
            long[] passage = oracle.encode(longPassage).ids();         // [CLS] p [SEP]
            int passageTokens = 32 - query.length - 1;                 // room left before the final [SEP]
            long[] expected = new long[32];
            System.arraycopy(query, 0, expected, 0, query.length);
            System.arraycopy(passage, 1, expected, query.length, passageTokens);
            expected[31] = 102;
            assertThat(pair.ids()).containsExactly(expected);
            assertThat(pair.truncated()).isTrue();
            long[] types = new long[32];
            Arrays.fill(types, query.length, 32, 1);
            assertThat(pair.typeIds()).containsExactly(types);

            // The score sees the whole query: nA = query.length, nB = 32 - query.length.
            assertThat(r.score(QUERY, List.of(longPassage)))
                    .containsExactly(TinyCrossEncoder.logits(expected, types, 1, true)[0]);
        }
    }

    @Test
    void queryThatLeavesNoRoomIsAClearError() {
        try (CrossEncoderReranker r = CrossEncoderReranker.builder(tmp.resolve("bert-1")).maxLength(8).build()) {
            assertThatThrownBy(() -> r.score("one two three four five six seven eight nine ten", List.of("x")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("query too long").hasMessageContaining("8 tokens");
        }
    }

    @Test
    void parallelCallsGiveTheSameScores() throws Exception {
        List<String> passages = variedPassages(24);
        List<String> queries = List.of(QUERY, "hello", "eiffel tower height", "capital cities of europe");
        List<float[]> expected = queries.stream().map(q -> oneLogit.score(q, passages)).toList();
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<Boolean>> futures = new ArrayList<>();
            for (int task = 0; task < 48; task++) {
                int q = task % queries.size();
                futures.add(pool.submit(() -> Arrays.equals(oneLogit.score(queries.get(q), passages), expected.get(q))));
            }
            for (Future<Boolean> f : futures) {
                assertThat(f.get()).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void badInputs() {
        assertThatThrownBy(() -> oneLogit.score(null, List.of("x")))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("query is null");
        assertThatThrownBy(() -> oneLogit.score("  ", List.of("x")))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("query is empty or blank");
        assertThatThrownBy(() -> oneLogit.score("q", Arrays.asList("a", null)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("passage 1 is null");
        assertThatThrownBy(() -> oneLogit.score("q", null)).isInstanceOf(NullPointerException.class);
        assertThat(oneLogit.score("q", List.of())).isEmpty();
    }

    @Test
    void closedRerankerRefusesCalls() {
        CrossEncoderReranker r = CrossEncoderReranker.load(tmp.resolve("bert-1"));
        r.close();
        r.close(); // idempotent
        assertThatThrownBy(() -> r.score("q", List.of("p"))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
        assertThatThrownBy(() -> r.score("q", List.of())).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void missingAndCorruptFiles() throws Exception {
        assertThatThrownBy(() -> CrossEncoderReranker.load(tmp.resolve("does-not-exist")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("model directory not found");

        Path noModel = Files.createDirectories(tmp.resolve("no-model"));
        Files.copy(tmp.resolve("bert-1/tokenizer.json"), noModel.resolve("tokenizer.json"));
        assertThatThrownBy(() -> CrossEncoderReranker.load(noModel))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no model.onnx")
                .hasMessageContaining("optimum-cli export onnx");

        Path noTokenizer = Files.createDirectories(tmp.resolve("no-tokenizer"));
        Files.copy(tmp.resolve("bert-1/model.onnx"), noTokenizer.resolve("model.onnx"));
        assertThatThrownBy(() -> CrossEncoderReranker.load(noTokenizer))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no tokenizer.json");

        Path corruptModel = Files.createDirectories(tmp.resolve("corrupt-model"));
        Files.copy(tmp.resolve("bert-1/tokenizer.json"), corruptModel.resolve("tokenizer.json"));
        Files.write(corruptModel.resolve("model.onnx"), "not a model".getBytes());
        assertThatThrownBy(() -> CrossEncoderReranker.load(corruptModel))
                .isInstanceOf(OnnxException.class).hasMessageContaining("cannot load ONNX model");

        Path corruptTokenizer = Files.createDirectories(tmp.resolve("corrupt-tokenizer"));
        Files.copy(tmp.resolve("bert-1/model.onnx"), corruptTokenizer.resolve("model.onnx"));
        Files.writeString(corruptTokenizer.resolve("tokenizer.json"), "{\"model\": 42");
        assertThatThrownBy(() -> CrossEncoderReranker.load(corruptTokenizer))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not valid JSON");
        Files.writeString(corruptTokenizer.resolve("tokenizer.json"), "{\"version\": \"1.0\"}");
        assertThatThrownBy(() -> CrossEncoderReranker.load(corruptTokenizer))
                .isInstanceOf(TokenizerException.class);
    }

    @Test
    void modelFileInASubfolderOrNamedExplicitly() throws Exception {
        Path hubLayout = Files.createDirectories(tmp.resolve("hub-layout/onnx"));
        Files.copy(tmp.resolve("bert-1/model.onnx"), hubLayout.resolve("model.onnx"));
        Files.copy(tmp.resolve("bert-1/model.onnx"), hubLayout.resolve("model_quantized.onnx"));
        Files.copy(tmp.resolve("bert-1/tokenizer.json"), hubLayout.getParent().resolve("tokenizer.json"));
        float expected = oneLogit.score("hello", List.of("world"))[0];
        try (CrossEncoderReranker r = CrossEncoderReranker.load(hubLayout.getParent());
             CrossEncoderReranker q = CrossEncoderReranker.builder(hubLayout.getParent())
                     .modelFile("onnx/model_quantized.onnx").build()) {
            assertThat(r.score("hello", List.of("world"))).containsExactly(expected);
            assertThat(q.score("hello", List.of("world"))).containsExactly(expected);
        }
        assertThatThrownBy(() -> CrossEncoderReranker.builder(hubLayout.getParent()).modelFile("nope.onnx").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("model file nope.onnx not found");
    }

    @Test
    void unexpectedOutputShapeIsRefusedAtLoad() {
        Path threeClasses = TinyCrossEncoder.write(tmp.resolve("bert-3"), 3, true);
        assertThatThrownBy(() -> CrossEncoderReranker.load(threeClasses))
                .isInstanceOf(ModelMismatchException.class).hasMessageContaining("unexpected output 'logits'")
                .hasMessageContaining("[-1, 3]");
    }

    @Test
    void outputWidthUnknownUntilRunIsCheckedByTheLoadProbe() {
        Path threeClasses = TinyCrossEncoder.write(tmp.resolve("bert-3-symbolic"), 3, true, Variant.SYMBOLIC_WIDTH);
        assertThatThrownBy(() -> CrossEncoderReranker.load(threeClasses))
                .isInstanceOf(ModelMismatchException.class).hasMessageContaining("unexpected output shape [1, 3]");
        // A symbolic width that turns out to be 2 is fine.
        try (CrossEncoderReranker r = CrossEncoderReranker.load(
                TinyCrossEncoder.write(tmp.resolve("bert-2-symbolic"), 2, true, Variant.SYMBOLIC_WIDTH))) {
            assertThat(r.score("hello", List.of("world"))).containsExactly(twoLogits.score("hello", List.of("world")));
        }
    }

    @Test
    void tokenizerOfAnotherModelIsRefusedAtLoad() {
        Path small = TinyCrossEncoder.write(tmp.resolve("bert-1-small-vocab"), 1, true, Variant.SMALL_VOCABULARY);
        assertThatThrownBy(() -> CrossEncoderReranker.load(small))
                .isInstanceOf(ModelMismatchException.class).hasMessageContaining("does not match model")
                .hasMessageContaining("30522 tokens");
    }

    @Test
    void batchDependentModelRunsOnePairAtATimeUnlessToldOtherwise() {
        Path leaky = TinyCrossEncoder.write(tmp.resolve("bert-1-leaky"), 1, true, Variant.PADDING_LEAKS);
        List<String> passages = variedPassages(12);
        try (CrossEncoderReranker deterministic = CrossEncoderReranker.load(leaky);
             CrossEncoderReranker fast = CrossEncoderReranker.builder(leaky).deterministic(false).build()) {
            assertThat(oneLogit.batchInvariant()).isTrue();
            assertThat(deterministic.batchInvariant()).isFalse();
            float[] alone = new float[passages.size()];
            for (int i = 0; i < alone.length; i++) {
                alone[i] = deterministic.score(QUERY, List.of(passages.get(i)))[0];
            }
            // Unpadded, the leaky model computes the fixture's function exactly.
            TokenizedText t = oracle.encodePair(QUERY, passages.get(0));
            assertThat(alone[0]).isEqualTo(TinyCrossEncoder.logits(t.ids(), t.typeIds(), 1, true)[0]);
            assertThat(deterministic.score(QUERY, passages)).containsExactly(alone);
            // Batched, padding counts as query tokens (pad id 0 -> E[0] = (1, 0, 0)) and raises the scores.
            float[] batched = fast.score(QUERY, passages);
            assertThat(batched).isNotEqualTo(alone);
            for (int i = 0; i < alone.length; i++) {
                assertThat(batched[i]).isGreaterThanOrEqualTo(alone[i]);
            }
        }
    }

    @Test
    void maxLengthFollowsTheModelConfig() throws Exception {
        Path dir = TinyCrossEncoder.write(tmp.resolve("bert-1-config"), 1, true);
        Files.writeString(dir.resolve("config.json"), "{\"model_type\": \"bert\", \"max_position_embeddings\": 128}");
        try (CrossEncoderReranker r = CrossEncoderReranker.load(dir)) {
            assertThat(r.maxLength()).isEqualTo(128);
            assertThat(r.id()).isEqualTo("cross-encoder:bert-1-config");
        }
        Files.writeString(dir.resolve("config.json"), "{\"model_type\": \"xlm-roberta\", \"max_position_embeddings\": 514}");
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"model_max_length\": 1000000000000000019884624838656}");
        try (CrossEncoderReranker r = CrossEncoderReranker.load(dir)) {
            assertThat(r.maxLength()).isEqualTo(512);
        }
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"model_max_length\": 256}");
        try (CrossEncoderReranker r = CrossEncoderReranker.builder(dir).id("mine").build()) {
            assertThat(r.maxLength()).isEqualTo(256);
            assertThat(r.id()).isEqualTo("mine");
        }
        assertThatThrownBy(() -> CrossEncoderReranker.builder(dir).maxLength(300).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("accepts (256 tokens");
    }

    @Test
    void cudaOnTheCpuBuildIsAClearError() {
        org.junit.jupiter.api.Assumptions.assumeFalse(OnnxEnvironment.cudaBuildPresent(), "GPU build on the class path");
        assertThatThrownBy(() -> CrossEncoderReranker.builder(tmp.resolve("bert-1"))
                .executionProvider(ExecutionProvider.CUDA).build())
                .isInstanceOf(GpuUnavailableException.class).hasMessageContaining("onnxruntime_gpu");
    }

    @Test
    void badOptions() {
        var b = CrossEncoderReranker.builder(tmp);
        assertThatThrownBy(() -> b.maxLength(3)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.maxBatchSize(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.maxBatchTokens(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.threads(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.parallelism(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.id(" ")).isInstanceOf(IllegalArgumentException.class);
    }

    /** Passages of 1 to ~60 words, lengths in a scrambled order. */
    static List<String> variedPassages(int count) {
        String[] words = "paris france capital city river seine tower museum louvre art history europe people"
                .split(" ");
        return IntStream.range(0, count).mapToObj(i -> {
            int n = 1 + (i * 37) % 61;
            StringBuilder sb = new StringBuilder();
            for (int w = 0; w < n; w++) {
                sb.append(words[(i + w * 7) % words.length]).append(' ');
            }
            return sb.toString().trim();
        }).toList();
    }

    private static float softmaxClass1(float[] l) {
        double e0 = Math.exp(l[0]);
        double e1 = Math.exp(l[1]);
        return (float) (e1 / (e0 + e1));
    }
}
