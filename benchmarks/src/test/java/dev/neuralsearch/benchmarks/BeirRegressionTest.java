package dev.neuralsearch.benchmarks;

import static org.junit.jupiter.api.Assertions.fail;

import dev.neuralsearch.cli.EvalCommand;
import dev.neuralsearch.eval.BeirDataset;
import dev.neuralsearch.eval.BeirEvaluator;
import dev.neuralsearch.eval.EvalReport;
import dev.neuralsearch.testing.SharedData;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestFactory;

/**
 * Pinned retrieval quality: every {@code src/test/resources/regression/*.json} (see {@link RegressionSpec}).
 * Files that need the same run (dataset, split, model, query instruction, max length, analyzer, BM25 k1/b)
 * share one run.
 * Run with {@code ./mvnw -Pregression -pl benchmarks -am verify}; {@code -Dregression.only=<substring>[,<substring>...]}
 * limits the files. Corpus embeddings are cached in {@code <project>/target/eval-cache}, the folder
 * {@code nsearch eval} uses when started from the project root, so a figure measured with the command is
 * not encoded again (the cache key follows the encoder's actual output, see {@code EmbeddingCache}).
 * The files themselves are validated in the default build by {@link RegressionFilesTest}.
 */
@Tag("regression")
class BeirRegressionTest {
    static final Path DIR = Path.of("src/test/resources/regression");

    @TestFactory
    Stream<DynamicNode> regressions() {
        List<String> only = List.of(System.getProperty("regression.only", "").split(","));
        Map<String, List<Map.Entry<Path, RegressionSpec>>> groups = new LinkedHashMap<>();
        for (Path f : RegressionSpec.files(DIR)) {
            String name = f.getFileName().toString();
            if (only.stream().noneMatch(name::contains)) {
                continue;
            }
            RegressionSpec s = RegressionSpec.read(f);
            groups.computeIfAbsent(s.runKey(), k -> new ArrayList<>()).add(Map.entry(f, s));
        }
        return groups.values().stream().map(group -> {
            RegressionSpec first = group.get(0).getValue();
            boolean ann = group.stream().anyMatch(e -> e.getValue().needsAnn());
            EvalReport[] report = new EvalReport[1];
            List<DynamicNode> tests = new ArrayList<>();
            tests.add(DynamicTest.dynamicTest("run " + first.runKey(), () -> {
                Path data = SharedData.require("data/" + first.dataset());
                BeirDataset ds = BeirDataset.load(data, first.split());
                report[0] = EvalCommand.run(ds, first.model(), !first.useInstruction(), first.maxLength(), null,
                        1000, 100, Path.of("..", "target", "eval-cache"), ann, new BeirEvaluator.Listener() {
                            @Override
                            public void info(String message) {
                                System.out.println(message);
                            }
                        }, first.lexicalOptions());
                System.out.println(first.runKey() + "\n" + report[0].table());
                Path out = Path.of("target", "regression", first.runKey().replaceAll("[^A-Za-z0-9.-]+", "_")
                        + ".json");
                report[0].writeJson(out);
            }));
            for (Map.Entry<Path, RegressionSpec> e : group) {
                RegressionSpec s = e.getValue();
                for (RegressionSpec.Check c : s.checks()) {
                    tests.add(DynamicTest.dynamicTest(e.getKey().getFileName() + " " + s.pipeline() + " "
                            + c.metric(), () -> check(report[0], s, c, e.getKey())));
                }
            }
            return DynamicContainer.dynamicContainer(first.runKey(), tests);
        });
    }

    private static void check(EvalReport r, RegressionSpec s, RegressionSpec.Check c, Path file) {
        if (r == null) {
            fail("the evaluation run for " + s.runKey() + " did not complete");
        }
        double actual = r.pipeline(s.pipeline()).metric(c.metric());
        if (c.min() != null && actual < c.min()) {
            fail(String.format(Locale.ROOT, "%s: %s %s = %.4f is below the floor %.4f (source: %s)",
                    file.getFileName(), s.pipeline(), c.metric(), actual, c.min(), c.source()));
        }
        if (c.expected() == null && c.maxLossVsExact() == null) {
            return;
        }
        if (c.maxLossVsExact() != null) {
            double exact = r.pipeline("exact").metric(c.metric());
            if (actual < exact - c.maxLossVsExact()) {
                fail(String.format(Locale.ROOT, "%s: %s %s = %.4f is %.4f below exact (%.4f); at most %.4f allowed",
                        file.getFileName(), s.pipeline(), c.metric(), actual, exact - actual, exact,
                        c.maxLossVsExact()));
            }
            return;
        }
        if (Math.abs(actual - c.expected()) > c.tolerance()) {
            fail(String.format(Locale.ROOT, "%s: %s %s = %.4f, expected %.4f ± %.4f (off by %+.4f; source: %s)",
                    file.getFileName(), s.pipeline(), c.metric(), actual, c.expected(), c.tolerance(),
                    actual - c.expected(), c.source()));
        }
    }
}
