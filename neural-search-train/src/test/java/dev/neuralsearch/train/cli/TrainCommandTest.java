package dev.neuralsearch.train.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neuralsearch.encoder.BiEncoder;
import dev.neuralsearch.testing.SharedData;
import dev.neuralsearch.train.bi.TrainingData;
import dev.neuralsearch.train.bi.TrainingPair;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code nsearch train bi-encoder} end to end on a handful of SciFact train pairs (MiniLM, 32 tokens, 2 steps). */
class TrainCommandTest {
    @TempDir
    Path tmp;

    record Run(int exit, String out, String err) {
    }

    static Run run(String... args) {
        CommandLine cl = TrainCommand.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void trainsOnAHandfulOfScifactPairsAndWritesALoadableModel() throws IOException {
        List<TrainingPair> pairs = TrainingData.fromBeir(SharedData.scifact(), "train").subList(0, 8);
        Path tsv = tmp.resolve("pairs.tsv");
        StringBuilder sb = new StringBuilder();
        for (TrainingPair p : pairs) {
            sb.append(p.query().replaceAll("\\s+", " ")).append('\t').append(p.positive().replaceAll("\\s+", " ")).append('\n');
        }
        Files.writeString(tsv, sb);
        Path out = tmp.resolve("minilm-scifact");
        Run r = run("bi-encoder", "--model", "all-minilm-l6-v2", "--pairs", tsv.toString(), "--batch", "4",
                "--max-length", "32", "--output", out.toString(), "--quiet");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("model written to " + out.toAbsolutePath()).contains("2 steps, 8 training pairs")
                .contains("epoch 1: train loss");
        try (BiEncoder tuned = BiEncoder.load(out)) {
            assertThat(tuned.modelId()).isEqualTo("minilm-scifact");
            assertThat(tuned.encodeQuery(pairs.get(0).query())).hasSize(384);
        }
    }

    @Test
    void refusesATestQueryInTheTrainingData() throws IOException {
        Path scifact = SharedData.scifact();
        Path dir = tmp.resolve("scifact-leak");
        Files.createDirectories(dir.resolve("qrels"));
        Files.createSymbolicLink(dir.resolve("corpus.jsonl"), scifact.resolve("corpus.jsonl"));
        Files.createSymbolicLink(dir.resolve("queries.jsonl"), scifact.resolve("queries.jsonl"));
        Files.createSymbolicLink(dir.resolve("qrels/test.tsv"), scifact.resolve("qrels/test.tsv"));
        List<String> train = Files.readAllLines(scifact.resolve("qrels/train.tsv")).subList(0, 4);
        String testLine = Files.readAllLines(scifact.resolve("qrels/test.tsv")).get(1);
        Files.writeString(dir.resolve("qrels/train.tsv"), String.join("\n", train) + "\n" + testLine + "\n");
        Path out = tmp.resolve("never");
        Run r = run("bi-encoder", "--model", "all-minilm-l6-v2", "--beir", dir.toString(), "--max-length", "32",
                "--output", out.toString(), "--quiet");
        assertThat(r.exit()).isNotZero();
        assertThat(r.err()).contains("error:").contains("also appear in").contains("test.tsv")
                .contains(testLine.split("\t")[0]);
        assertThat(out).doesNotExist();
    }

    @Test
    void usageErrors() {
        Run r = run("bi-encoder", "--model", "all-minilm-l6-v2", "--pairs", "x.tsv", "--hard-negatives", "1",
                "--output", tmp.resolve("o").toString());
        assertThat(r.exit()).isNotZero();
        assertThat(r.err()).contains("--hard-negatives").contains("--beir");
        Run both = run("bi-encoder", "--model", "m", "--pairs", "x.tsv", "--beir", "y", "--output", "o");
        assertThat(both.exit()).isNotZero();
        assertThat(both.err()).contains("mutually exclusive");
        Run unknown = run("bi-encoder", "--model", "no-such-model", "--pairs", "x.tsv", "--output",
                tmp.resolve("o").toString());
        assertThat(unknown.exit()).isNotZero();
        assertThat(unknown.err()).contains("neither a model directory nor a preset");
    }
}
