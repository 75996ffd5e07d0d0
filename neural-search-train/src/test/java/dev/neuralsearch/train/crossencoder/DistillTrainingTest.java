package dev.neuralsearch.train.crossencoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.neuralsearch.encoder.ModelSpec;
import dev.neuralsearch.encoder.Presets;
import dev.neuralsearch.eval.BeirDataset;
import dev.neuralsearch.eval.TeacherFile;
import dev.neuralsearch.rerank.CrossEncoderReranker;
import dev.neuralsearch.tokenize.TextTokenizer;
import dev.neuralsearch.tokenize.TokenizedText;
import dev.neuralsearch.train.AdamW;
import dev.neuralsearch.train.Torch;
import dev.neuralsearch.train.bert.BertConfig;
import dev.neuralsearch.train.bert.BertModel;
import dev.neuralsearch.train.bert.BertWeights;
import dev.neuralsearch.train.bert.TokenBatch;
import dev.neuralsearch.train.onnx.OnnxModelFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Distillation: the listwise and margin-MSE losses by hand and by gradient, the teacher data, a tiny real run. */
class DistillTrainingTest {
    @TempDir
    Path tmp;

    @Test
    void listwiseIsTheKlOfTheTeachersSoftmaxAndTheStudents() {
        float[] s = {2f, 0f, 1f, -1f, 0.5f, -3f};
        float[] t = {1f, -1f, 0f, 2f, 0f, -2f};
        float temp = 0.5f;
        double expect = 0;
        for (int g = 0; g < 2; g++) {
            double[] p = softmax(t, g * 3, 3, temp);
            double[] q = softmax(s, g * 3, 3, 1);
            for (int k = 0; k < 3; k++) {
                expect += p[k] * Math.log(p[k] / q[k]);
            }
        }
        expect /= 2;
        try (NDManager m = Torch.engine().newBaseManager()) {
            CrossEncoderLoss l = new CrossEncoderLoss(CrossEncoderLoss.Kind.LISTWISE, 0.1f, temp);
            assertThat((double) l.compute(m.create(s), 3, m.create(t)).getFloat()).isCloseTo(expect, within(1e-5));
            // the student equal to the teacher (at T = 1) costs nothing
            assertThat(new CrossEncoderLoss(CrossEncoderLoss.Kind.LISTWISE, 0.1f, 1f)
                    .compute(m.create(t), 3, m.create(t)).getFloat()).isCloseTo(0f, org.assertj.core.data.Offset.offset(1e-6f));
            assertThatThrownBy(() -> l.compute(m.create(s), 3)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("teacher");
        }
    }

    @Test
    void marginMseComparesTheFirstPassagesMarginToEachOther() {
        float[] s = {2f, 0f, 1f, -1f, 0.5f, -3f};
        float[] t = {1f, -1f, 0f, 2f, 0f, -2f};
        double expect = 0;
        for (int g = 0; g < 2; g++) {
            for (int k = 1; k < 3; k++) {
                double d = (s[g * 3] - s[g * 3 + k]) - (t[g * 3] - t[g * 3 + k]);
                expect += d * d;
            }
        }
        expect /= 4;
        try (NDManager m = Torch.engine().newBaseManager()) {
            assertThat((double) new CrossEncoderLoss(CrossEncoderLoss.Kind.MARGIN_MSE, 0.1f)
                    .compute(m.create(s), 3, m.create(t)).getFloat()).isCloseTo(expect, within(1e-5));
        }
    }

    @Test
    void theGradientPullsTheStudentTowardsTheTeachersOrder() {
        // one group: the teacher ranks passage 0 first, the student ranks passage 1 first
        float[] s = {0f, 2f, -1f};
        float[] t = {2f, 0f, -1f};
        for (CrossEncoderLoss.Kind kind : List.of(CrossEncoderLoss.Kind.LISTWISE, CrossEncoderLoss.Kind.MARGIN_MSE)) {
            try (NDManager m = Torch.engine().newBaseManager()) {
                NDArray x = m.create(s);
                x.setRequiresGradient(true);
                try (GradientCollector gc = Torch.engine().newGradientCollector()) {
                    gc.backward(new CrossEncoderLoss(kind, 0.1f).compute(x, 3, m.create(t)));
                }
                float[] g = x.getGradient().toFloatArray();
                // descent (x - lr * g) raises the teacher's first and lowers the student's wrong first
                assertThat(g[0]).as(kind + " d/ds0").isNegative();
                assertThat(g[1]).as(kind + " d/ds1").isPositive();
            }
        }
    }

    private static double[] softmax(float[] v, int from, int n, float temp) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, v[from + i] / temp);
        }
        double sum = 0;
        double[] e = new double[n];
        for (int i = 0; i < n; i++) {
            e[i] = Math.exp(v[from + i] / temp - max);
            sum += e[i];
        }
        for (int i = 0; i < n; i++) {
            e[i] /= sum;
        }
        return e;
    }

    static BeirDataset corpus() {
        Map<String, BeirDataset.CorpusDoc> c = new LinkedHashMap<>();
        c.put("d1", new BeirDataset.CorpusDoc("d1", "Seasons", "The tilt of Earth's axis changes how directly sunlight"
                + " strikes each hemisphere."));
        c.put("d2", new BeirDataset.CorpusDoc("d2", "Bread", "Yeast ferments sugars in the dough and releases carbon"
                + " dioxide."));
        c.put("d3", new BeirDataset.CorpusDoc("d3", "Vaccines", "A vaccine exposes the immune system to a harmless"
                + " antigen."));
        c.put("d4", new BeirDataset.CorpusDoc("d4", "Stars", "A neutron star is the collapsed core of a massive star."));
        return new BeirDataset("tiny", "train", c, Map.of(), Map.of());
    }

    static List<TeacherFile.Entry> teacher() {
        return List.of(
                new TeacherFile.Entry("1", "what causes the seasons", "train", null, null, docs("d1", 3, "d4", 1, "d2",
                        0.5, "d3", 0)),
                new TeacherFile.Entry("2", "why does bread rise", "train", null, null, docs("d2", 0.9, "d3", 0.2, "d1",
                        0.1, "d4", 0.0)),
                new TeacherFile.Entry("3", "how do vaccines work", "train", null, null, docs("d3", 10, "d2", 5, "d1",
                        4, "d4", 1)),
                new TeacherFile.Entry("pq-title-d4", "Stars", "title", "d4", "A neutron star is the collapsed core of"
                        + " a massive star.", docs("d4", 0.05, "d1", 0.02, "d2", 0.01, "d3", 0.01)));
    }

    private static List<TeacherFile.Candidate> docs(Object... idScore) {
        List<TeacherFile.Candidate> out = new ArrayList<>();
        for (int i = 0; i < idScore.length; i += 2) {
            out.add(new TeacherFile.Candidate((String) idScore[i], ((Number) idScore[i + 1]).doubleValue()));
        }
        return out;
    }

    @Test
    void teacherDataZScoresShowsTheSourcePassageAndRefusesTestQueries() {
        List<CrossEncoderExample> ex = DistillData.fromTeacher(teacher(), corpus(), Set.of(), Set.of());
        assertThat(ex).hasSize(4);
        CrossEncoderExample first = ex.get(0);
        assertThat(first.positive()).isEqualTo(corpus().corpus().get("d1").passage());
        double mean = first.teacher().stream().mapToDouble(Float::doubleValue).average().orElseThrow();
        assertThat(mean).isCloseTo(0, within(1e-6));
        assertThat(first.teacher().get(0)).isGreaterThan(first.teacher().get(1));
        // RRF-sized scores get the same scale
        assertThat(ex.get(3).teacher().get(0)).isGreaterThan(1f);
        assertThat(ex.get(3).positive()).doesNotStartWith("Stars"); // the title taken out of its source
        assertThatThrownBy(() -> DistillData.fromTeacher(teacher(), corpus(), Set.of("2"), Set.of()))
                .hasMessageContaining("test query");
        // a query with a test query's text (other id) is left out, judged or pseudo
        assertThat(DistillData.fromTeacher(teacher(), corpus(), Set.of(), Set.of(" Why does bread rise")))
                .extracting(CrossEncoderExample::queryId).containsExactly("1", "3", "pq-title-d4");
        assertThat(DistillData.fromTeacher(teacher(), corpus(), Set.of(), Set.of("stars"))).hasSize(3);
    }

    @Test
    void distillGroupsAreSampledFromTheListAndKeepTheTeachersOrder() {
        List<CrossEncoderExample> ex = DistillData.fromTeacher(teacher(), corpus(), Set.of(), Set.of());
        ModelSpec spec = Presets.ALL_MINILM_L6_V2;
        try (TextTokenizer tok = TextTokenizer.fromBytes(spec.tokenizer().readAllBytes(), "minilm", 32)) {
            List<TokenizedText> texts = new ArrayList<>();
            float[] t = CrossEncoderTrainer.pairs(tok, ex, 3, new Random(7), texts);
            assertThat(texts).hasSize(12);
            assertThat(t).hasSize(12);
            boolean notTop = false;
            for (int g = 0; g < 4; g++) {
                assertThat(t[g * 3]).isGreaterThanOrEqualTo(t[g * 3 + 1]);
                assertThat(t[g * 3 + 1]).isGreaterThanOrEqualTo(t[g * 3 + 2]);
                notTop |= t[g * 3] != ex.get(g).teacher().get(0);
            }
            assertThat(notTop).as("some group lacks the teacher's best: groups are drawn from the whole list").isTrue();
            float[] fixed = CrossEncoderTrainer.pairs(tok, ex, 3, null, new ArrayList<>());
            assertThat(fixed[0]).isEqualTo(ex.get(0).teacher().get(0)); // validation: the first ones
        }
    }

    @Test
    void oneStepLowersTheListwiseLossOnAFixedBatch() {
        List<CrossEncoderExample> ex = DistillData.fromTeacher(teacher(), corpus(), Set.of(), Set.of());
        ModelSpec spec = Presets.ALL_MINILM_L6_V2;
        OnnxModelFile onnx = OnnxModelFile.read(spec.model());
        CrossEncoderLoss loss = new CrossEncoderLoss(CrossEncoderLoss.Kind.LISTWISE, 0.1f, 1f);
        try (TextTokenizer tok = TextTokenizer.fromBytes(spec.tokenizer().readAllBytes(), "minilm", 32);
             NDManager root = Torch.engine().newBaseManager();
             BertWeights weights = BertWeights.load(onnx, root)) {
            CrossEncoderModel model = CrossEncoderModel.withNewHead(new BertModel(BertConfig.from(onnx), weights), 3);
            model.setTrainable(true);
            List<TokenizedText> texts = new ArrayList<>();
            float[] t = CrossEncoderTrainer.pairs(tok, ex, 4, null, texts);
            TokenBatch fixed = TokenBatch.of(texts);
            float before = lossOf(model, loss, root, fixed, t);
            CrossEncoderTrainer.step(model, tok, ex, loss, 4, -1, new AdamW(model, 1e-4f, 0f));
            float after = lossOf(model, loss, root, fixed, t);
            assertThat(before).isPositive();
            assertThat(after).isLessThan(before);
        }
    }

    private static float lossOf(CrossEncoderModel model, CrossEncoderLoss loss, NDManager root, TokenBatch b,
                                float[] t) {
        try (NDManager m = root.newSubManager()) {
            return loss.compute(model.scores(m, b, false), 4, m.create(t)).getFloat();
        }
    }

    @Test
    void aTinyDistillationRunWritesARerankerAndItsHeldOutJudgedQueries() throws Exception {
        Path file = tmp.resolve("teacher.jsonl");
        TeacherFile.write(file, teacher());
        List<CrossEncoderExample> ex = DistillData.fromTeacher(TeacherFile.read(file), corpus(), Set.of(), Set.of());
        CrossEncoderTrainer.Options o = CrossEncoderTrainer.Options.defaults().withBatch(2, 2).withMaxLength(32)
                .withValidation(0.34).withLoss(CrossEncoderLoss.Kind.MARGIN_MSE, 0.1f).withSeed(5);
        assertThatThrownBy(() -> CrossEncoderTrainer.train(Presets.ALL_MINILM_L6_V2, CrossEncoderTrainingTest.EXAMPLES,
                o, tmp.resolve("x"), null)).hasMessageContaining("distil");
        Path out = tmp.resolve("distilled");
        CrossEncoderTrainer.Result r = CrossEncoderTrainer.train(Presets.ALL_MINILM_L6_V2, ex, o, out, null);
        // 3 judged queries: floor(3 * 0.34) = 1 held out; the pseudo-query always trains: 3 examples, 2 steps
        assertThat(r.steps()).isEqualTo(2);
        assertThat(r.initialValidation().groups()).isEqualTo(1);
        JsonNode info = new ObjectMapper().readTree(out.resolve("training.json").toFile());
        assertThat(info.get("loss").asText()).isEqualTo("margin_mse");
        assertThat(info.get("validationQueries")).hasSize(1);
        assertThat(info.get("validationQueries").get(0).asText()).isIn("1", "2", "3");
        try (CrossEncoderReranker rr = CrossEncoderReranker.load(out)) {
            float[] s = rr.score("why does bread rise", List.of(corpus().corpus().get("d2").passage(), "unrelated"));
            assertThat(s).hasSize(2);
            assertThat(Float.isFinite(s[0]) && Float.isFinite(s[1])).isTrue();
        }
    }
}
