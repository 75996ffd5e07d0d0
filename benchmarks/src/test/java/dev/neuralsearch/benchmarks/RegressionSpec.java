package dev.neuralsearch.benchmarks;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * One pinned quality figure set, read from {@code src/test/resources/regression/*.json}, in the spirit of
 * Anserini's regression YAMLs: what to run (dataset, split, model, options, pipeline), what to expect, how
 * far off is still fine, where the expected number comes from, and the command that reproduces it.
 *
 * @param dataset      folder under {@code shared/data}
 * @param split        qrels split
 * @param model        preset name or model folder, as {@code nsearch eval --model} takes it
 * @param instruction  whether the model's query instruction/prefix is used (false = --no-instruction)
 * @param maxLength    token limit override, or null for the model's default
 * @param pipeline     exact, ann or ann+rerank
 * @param checks       the pinned metrics
 * @param command      the command line that reproduces the figures
 * @param notes        free text: provenance, known deviations
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record RegressionSpec(String dataset, String split, String model, Boolean instruction, Integer maxLength,
                             String pipeline, List<Check> checks, String command, String notes) {

    /**
     * Either {@code expected ± tolerance}, or (for the ann pipeline) {@code maxLossVsExact}: the metric may
     * be at most that much below the exact pipeline's value in the same run.
     *
     * @param source where {@code expected} comes from (published reference or "measured here on ...")
     */
    public record Check(String metric, Double expected, Double tolerance, Double maxLossVsExact, String source) {
    }

    public boolean useInstruction() {
        return instruction == null || instruction;
    }

    /** What has to be encoded: specs sharing it share one evaluation run. */
    public String runKey() {
        return dataset + "|" + split + "|" + model + "|" + useInstruction() + "|" + maxLength;
    }

    public boolean needsAnn() {
        return !"exact".equals(pipeline);
    }

    void validate(Path file) {
        List<String> problems = new ArrayList<>();
        if (dataset == null || split == null || model == null || pipeline == null || command == null) {
            problems.add("dataset, split, model, pipeline and command are required");
        }
        if (pipeline != null && !List.of("exact", "ann", "ann+rerank").contains(pipeline)) {
            problems.add("pipeline must be exact, ann or ann+rerank");
        }
        if (checks == null || checks.isEmpty()) {
            problems.add("no checks");
        } else {
            for (Check c : checks) {
                boolean pinned = c.expected() != null && c.tolerance() != null;
                boolean relative = c.maxLossVsExact() != null;
                if (c.metric() == null || pinned == relative) {
                    problems.add("check " + c + ": give a metric and either expected+tolerance or maxLossVsExact");
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(file + ": " + String.join("; ", problems));
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    public static RegressionSpec read(Path file) {
        try {
            RegressionSpec s = JSON.readValue(file.toFile(), RegressionSpec.class);
            s.validate(file);
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException("reading regression file " + file, e);
        }
    }

    public static List<Path> files(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
