package dev.neuralsearch.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.neuralsearch.cli.EvalPipeline;
import dev.neuralsearch.eval.BeirDataset;
import dev.neuralsearch.eval.BeirEvaluator;
import dev.neuralsearch.eval.EvalReport;
import dev.neuralsearch.testing.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The pinned figures of {@code benchmarks/pipelines/scifact-best.yaml} (a fine-tuned route) and {@code
 * scifact-stock.yaml} (stock encoders): their fused rows, named {@code pipeline}, on SciFact test. Needs the shared
 * data and, for the first, the fine-tuned model that {@code benchmarks/pipelines/scifact-best.sh} trains (under {@code $NSEARCH_MODELS}, default {@code <project>/target/models}); skips with a message when either
 * is absent. Run with {@code ./mvnw -Pregression -pl benchmarks -am verify -Dtest=PipelineRegressionTest}.
 */
@Tag("regression")
class PipelineRegressionTest {

    /** The pinned expectations: {@code src/test/resources/pipeline-regression/*.json}. */
    record Expected(String pipelineFile, String dataset, String split, List<Check> checks, String command,
                    String notes) {
        record Check(String row, String metric, double expected, double tolerance, String source) {
        }
    }

    @Test
    void scifactBest() throws Exception {
        check("scifact-best");
    }

    @Test
    void scifactStock() throws Exception {
        check("scifact-stock");
    }

    private static void check(String name) throws Exception {
        Expected e = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).readValue(
                Path.of("src/test/resources/pipeline-regression", name + ".json").toFile(), Expected.class);
        Path data = SharedData.require("data/" + e.dataset());
        if (System.getenv("NSEARCH_MODELS") == null) {
            System.setProperty("NSEARCH_MODELS", Path.of("..", "target", "models").toString());
        }
        EvalPipeline p = EvalPipeline.read(Path.of("..").resolve(e.pipelineFile()));
        for (EvalPipeline.RouteEntry r : p.routes()) {
            String model = EvalPipeline.expand(r.model());
            if (model.contains("/")) {
                assumeTrue(Files.isDirectory(Path.of(model)), () -> "model " + model + " not found: run "
                        + "benchmarks/pipelines/scifact-best.sh first (it trains it) (skipping)");
            }
        }
        EvalReport report = p.run(BeirDataset.load(data, e.split()), data, Path.of("..", "target", "eval-cache"),
                "pipeline", new BeirEvaluator.Listener() {
                    @Override
                    public void info(String message) {
                        System.out.println(message);
                    }
                });
        System.out.println(report.table());
        report.writeJson(Path.of("target", "regression", name + ".json"));
        for (Expected.Check c : e.checks()) {
            double actual = report.pipeline(c.row()).metric(c.metric());
            assertThat(actual).as("%s %s (expected %.4f ± %.4f; source: %s)", c.row(), c.metric(), c.expected(),
                    c.tolerance(), c.source()).isBetween(c.expected() - c.tolerance(), c.expected() + c.tolerance());
        }
    }
}
