package dev.neuralsearch.train.bi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.neuralsearch.eval.BeirDataset;
import dev.neuralsearch.testing.SharedData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading pairs and texts, and every refusal, on real files. */
class TrainingDataTest {
    @TempDir
    Path tmp;

    @Test
    void tsvPairsWithAndWithoutNegatives() throws IOException {
        Path f = tmp.resolve("pairs.tsv");
        Files.writeString(f, "what is dna\tDNA carries genetic information.\n\n"
                + "why is the sky blue\tRayleigh scattering.\tThe sea is salty.\tGrass is green.\n", StandardCharsets.UTF_8);
        List<TrainingPair> pairs = TrainingData.fromTsv(f);
        assertThat(pairs).hasSize(2);
        assertThat(pairs.get(0).negatives()).isEmpty();
        assertThat(pairs.get(1).query()).isEqualTo("why is the sky blue");
        assertThat(pairs.get(1).positive()).isEqualTo("Rayleigh scattering.");
        assertThat(pairs.get(1).negatives()).containsExactly("The sea is salty.", "Grass is green.");
    }

    @Test
    void emptyOrMalformedPairFilesAreRefusedWithTheLine() throws IOException {
        Path empty = tmp.resolve("empty.tsv");
        Files.writeString(empty, "\n  \n");
        assertThatThrownBy(() -> TrainingData.fromTsv(empty)).isInstanceOf(TrainingDataException.class)
                .hasMessageContaining("no pairs");
        Path noTab = tmp.resolve("notab.tsv");
        Files.writeString(noTab, "q\tp\nonly a query here\n");
        assertThatThrownBy(() -> TrainingData.fromTsv(noTab)).isInstanceOf(TrainingDataException.class)
                .hasMessageContaining("line 2").hasMessageContaining("no tab");
        Path emptyField = tmp.resolve("emptyfield.tsv");
        Files.writeString(emptyField, "q\tp\nq2\tp2\nq3\t \n");
        assertThatThrownBy(() -> TrainingData.fromTsv(emptyField)).isInstanceOf(TrainingDataException.class)
                .hasMessageContaining("line 3").hasMessageContaining("positive");
        assertThatThrownBy(() -> TrainingData.fromTsv(tmp.resolve("missing.tsv")))
                .hasMessageContaining("not found");
    }

    @Test
    void beirPairsRefuseQueriesOfTheTestSplit() throws IOException {
        Path dir = tinyBeir(tmp.resolve("leaky"), "q1\td1\t1\nq2\td2\t1\nq3\td3\t0\n", "q2\td2\t1\n");
        assertThatThrownBy(() -> TrainingData.fromBeir(dir, "train")).isInstanceOf(TrainingDataException.class)
                .hasMessageContaining("1 training query").hasMessageContaining("test.tsv").hasMessageContaining("[q2]");
        assertThatThrownBy(() -> TrainingData.fromBeir(dir, "test")).isInstanceOf(TrainingDataException.class)
                .hasMessageContaining("evaluation queries");

        Path clean = tinyBeir(tmp.resolve("clean"), "q1\td1\t1\nq1\td3\t1\nq3\td3\t0\n", "q2\td2\t1\n");
        List<TrainingPair> pairs = TrainingData.fromBeir(clean, "train");
        // score 0 is not a positive
        assertThat(pairs).extracting(TrainingPair::positiveId).containsExactly("d1", "d3");
        assertThat(pairs.get(0).query()).isEqualTo("query one");
        assertThat(pairs.get(0).positive()).isEqualTo(BeirDataset.passageText("Title d1", "text of d1"));
    }

    @Test
    void aTrainingQueryWithTheTextOfATestQueryIsLeftOut() throws IOException {
        Path dir = tinyBeir(tmp.resolve("twins"), "q1\td1\t1\nq3\td3\t1\n", "q2\td2\t1\n");
        // q3 becomes a twin of the test query q2: same text, another id
        Files.writeString(dir.resolve("queries.jsonl"), Files.readString(dir.resolve("queries.jsonl"))
                .replace("query three", "query two"));
        assertThat(TrainingData.evaluationQueryTexts(dir, "train")).containsExactly("query two");
        assertThat(TrainingData.fromBeir(dir, "train")).extracting(TrainingPair::queryId).containsExactly("q1");
    }

    @Test
    void unlabelledTextsFromCorpusOrLines() throws IOException {
        Path dir = tinyBeir(tmp.resolve("c"), "q1\td1\t1\n", "q2\td2\t1\n");
        assertThat(TrainingData.texts(dir.resolve("corpus.jsonl"))).hasSize(3).first()
                .isEqualTo("Title d1 text of d1");
        Path lines = tmp.resolve("t.txt");
        Files.writeString(lines, "first text\n\n second \n");
        assertThat(TrainingData.texts(lines)).containsExactly("first text", "second");
        Path blank = tmp.resolve("b.txt");
        Files.writeString(blank, "\n");
        assertThatThrownBy(() -> TrainingData.texts(blank)).hasMessageContaining("no texts");
    }

    @Test
    void scifactTrainSplitGivesItsPairsAndNoTestQuery() {
        Path scifact = SharedData.scifact();
        List<TrainingPair> pairs = TrainingData.fromBeir(scifact, "train");
        Set<String> queries = pairs.stream().map(TrainingPair::queryId).collect(Collectors.toSet());
        // 919 pairs of 809 queries in qrels/train.tsv, less two queries whose text is a test query's (871 = 870,
        // 1291 = 1292, each with its twin's relevant document)
        assertThat(pairs).hasSize(917);
        assertThat(queries).hasSize(807).doesNotContain("871", "1291");
        BeirDataset test = BeirDataset.load(scifact, "test");
        assertThat(queries).doesNotContainAnyElementsOf(test.qrels().keySet());
        Set<String> testTexts = test.queries().values().stream().map(String::strip).collect(Collectors.toSet());
        assertThat(pairs).noneMatch(p -> testTexts.contains(p.query().strip()));
    }

    @Test
    void batchesNeverRepeatAQueryOrAPositive() {
        List<TrainingPair> pairs = new java.util.ArrayList<>();
        for (int q = 0; q < 20; q++) {
            for (int p = 0; p < 1 + q % 3; p++) {
                pairs.add(new TrainingPair("q" + q, "query " + q, "d" + q + "-" + p, "passage " + q + "-" + p, List.of()));
            }
        }
        pairs.add(new TrainingPair("q99", "query 99", "d0-0", "passage 0-0", List.of())); // shares a positive
        List<List<TrainingPair>> batches = BiEncoderTrainer.batches(pairs, 8, new Random(1));
        int total = 0;
        for (List<TrainingPair> b : batches) {
            Set<String> q = new HashSet<>();
            Set<String> p = new HashSet<>();
            for (TrainingPair t : b) {
                assertThat(q.add(t.queryId())).isTrue();
                assertThat(p.add(t.positive())).isTrue();
            }
            total += b.size();
        }
        // only a last single-pair batch may be dropped
        assertThat(total).isGreaterThanOrEqualTo(pairs.size() - 1);
        assertThat(BiEncoderTrainer.batches(pairs, 8, new Random(1))).isEqualTo(batches);
        assertThat(BiEncoderTrainer.batches(pairs, 8, new Random(2))).isNotEqualTo(batches);
    }

    @Test
    void validationSplitHoldsOutWholeQueries() {
        List<TrainingPair> pairs = new java.util.ArrayList<>();
        for (int q = 0; q < 100; q++) {
            pairs.add(new TrainingPair("q" + q, "query " + q, null, "a " + q, List.of()));
            pairs.add(new TrainingPair("q" + q, "query " + q, null, "b " + q, List.of()));
        }
        BiEncoderTrainer.Split s = BiEncoderTrainer.split(pairs, 0.05, 42);
        assertThat(s.validation()).hasSize(10);
        Set<String> held = s.validation().stream().map(TrainingPair::queryId).collect(Collectors.toSet());
        assertThat(held).hasSize(5);
        assertThat(s.train()).noneMatch(p -> held.contains(p.queryId()));
        assertThat(BiEncoderTrainer.split(pairs, 0.05, 42)).isEqualTo(s);
        assertThat(BiEncoderTrainer.split(pairs, 0, 42).validation()).isEmpty();
    }

    @Test
    void learningRateWarmsUpThenDecaysLinearly() {
        // 10 steps, 20% warm-up: 0.5, 1.0, then 8 steps down to 1/8
        assertThat(BiEncoderTrainer.learningRate(1f, 0.2f, 0, 10)).isEqualTo(0.5f);
        assertThat(BiEncoderTrainer.learningRate(1f, 0.2f, 1, 10)).isEqualTo(1f);
        assertThat(BiEncoderTrainer.learningRate(1f, 0.2f, 2, 10)).isEqualTo(1f);
        assertThat(BiEncoderTrainer.learningRate(1f, 0.2f, 9, 10)).isEqualTo(0.125f);
        assertThat(BiEncoderTrainer.learningRate(1f, 0f, 0, 4)).isEqualTo(1f);
    }

    /** corpus d1..d3, queries q1..q3, the given train and test qrels. */
    static Path tinyBeir(Path dir, String trainQrels, String testQrels) throws IOException {
        Files.createDirectories(dir.resolve("qrels"));
        StringBuilder corpus = new StringBuilder();
        StringBuilder queries = new StringBuilder();
        String[] words = {"one", "two", "three"};
        for (int i = 1; i <= 3; i++) {
            corpus.append("{\"_id\": \"d").append(i).append("\", \"title\": \"Title d").append(i)
                    .append("\", \"text\": \"text of d").append(i).append("\"}\n");
            queries.append("{\"_id\": \"q").append(i).append("\", \"text\": \"query ").append(words[i - 1]).append("\"}\n");
        }
        Files.writeString(dir.resolve("corpus.jsonl"), corpus);
        Files.writeString(dir.resolve("queries.jsonl"), queries);
        Files.writeString(dir.resolve("qrels/train.tsv"), "query-id\tcorpus-id\tscore\n" + trainQrels);
        Files.writeString(dir.resolve("qrels/test.tsv"), "query-id\tcorpus-id\tscore\n" + testQrels);
        return dir;
    }
}
