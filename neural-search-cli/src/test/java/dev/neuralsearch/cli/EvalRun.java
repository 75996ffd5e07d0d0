package dev.neuralsearch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;

/** Runs {@code nsearch eval} in process for the eval tests and reads its JSON report. */
final class EvalRun {
    private EvalRun() {
    }

    /**
     * Runs eval on {@code dataset} with {@code cache} as its cache and {@code args}, writing the report into
     * {@code reportDir}; asserts it exits 0 and returns the rows by name, plus "_report" (the whole report) and
     * "_text" (what it printed).
     */
    static Map<String, JsonNode> rows(Path dataset, Path cache, Path reportDir, String... args) throws IOException {
        Path out = reportDir.resolve("report-" + System.nanoTime() + ".json");
        List<String> all = new ArrayList<>(List.of("--beir", dataset.toString(), "--cache-dir", cache.toString(),
                "--quiet", "--json", out.toString()));
        all.addAll(List.of(args));
        StringWriter text = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = new CommandLine(new EvalCommand());
        cmd.setOut(new PrintWriter(text));
        cmd.setErr(new PrintWriter(err));
        int code = cmd.execute(all.toArray(new String[0]));
        assertThat(code).as(text + "\n" + err).isZero();
        JsonNode report = new ObjectMapper().readTree(out.toFile());
        Map<String, JsonNode> rows = new LinkedHashMap<>();
        report.get("pipelines").forEach(p -> rows.put(p.get("name").asText(), p));
        rows.put("_report", report);
        rows.put("_text", new ObjectMapper().valueToTree(text.toString()));
        return rows;
    }
}
