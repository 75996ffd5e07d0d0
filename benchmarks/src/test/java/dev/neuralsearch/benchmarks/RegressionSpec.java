package dev.neuralsearch.benchmarks;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.neuralsearch.ann.LexicalAnalyzer;
import dev.neuralsearch.ann.LexicalOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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
 * @param pipeline     exact, ann, ann+rerank, bm25 or "ann+bm25 rrf" (the rows of {@code nsearch eval})
 * @param checks       the pinned metrics
 * @param command      the command line that reproduces the figures
 * @param notes        free text: provenance, known deviations
 * @param analyzer     optional: analyzer of the index's lexical route, as {@code nsearch eval --analyzer} takes
 *                     it (standard, english, chinese, cjk); null = standard
 * @param bm25         optional: BM25 {@code "k1,b"}, as {@code nsearch eval --bm25} takes it; null = 1.2,0.75
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record RegressionSpec(String dataset, String split, String model, Boolean instruction, Integer maxLength,
                             String pipeline, List<Check> checks, String command, String notes,
                             String analyzer, String bm25) {

    /** The rows an evaluation run produces (see {@code BeirEvaluator}). */
    static final List<String> PIPELINES = List.of("exact", "ann", "ann+rerank", "bm25", "ann+bm25 rrf");

    /**
     * Either {@code expected ± tolerance}, or (for the ann pipeline) {@code maxLossVsExact}: the metric may
     * be at most that much below the exact pipeline's value in the same run. Optionally (alone or with
     * either) a floor {@code min}: the metric must be at least that.
     *
     * @param source where {@code expected} comes from (published reference or "measured here on ...")
     */
    public record Check(String metric, Double expected, Double tolerance, Double maxLossVsExact, Double min,
                        String source) {
    }

    public boolean useInstruction() {
        return instruction == null || instruction;
    }

    /** The lexical route's settings: {@code analyzer} (default standard) and {@code bm25} (default 1.2,0.75). */
    public LexicalOptions lexicalOptions() {
        LexicalOptions o = LexicalOptions.DEFAULT.withAnalyzer(lexicalAnalyzer());
        if (bm25 != null) {
            String[] kb = bm25.split(",");
            if (kb.length != 2) {
                throw new IllegalArgumentException("bm25 wants \"k1,b\", e.g. \"0.9,0.4\", was " + bm25);
            }
            o = o.withBm25(Float.parseFloat(kb[0].trim()), Float.parseFloat(kb[1].trim()));
        }
        return o;
    }

    private LexicalAnalyzer lexicalAnalyzer() {
        return analyzer == null ? LexicalAnalyzer.STANDARD
                : LexicalAnalyzer.valueOf(analyzer.trim().toUpperCase(Locale.ROOT));
    }

    /**
     * What has to be run: specs sharing it share one evaluation run. Encoding (dataset, split, model,
     * instruction, max length) plus the lexical route (analyzer, k1, b), normalised so that an explicit
     * default and an absent field share the run.
     */
    public String runKey() {
        LexicalOptions lex = lexicalOptions();
        return dataset + "|" + split + "|" + model + "|" + useInstruction() + "|" + maxLength + "|"
                + lex.analyzer().name().toLowerCase(Locale.ROOT) + "|" + lex.k1() + "," + lex.b();
    }

    public boolean needsAnn() {
        return !"exact".equals(pipeline);
    }

    void validate(Path file) {
        List<String> problems = new ArrayList<>();
        if (dataset == null || split == null || model == null || pipeline == null || command == null) {
            problems.add("dataset, split, model, pipeline and command are required");
        }
        if (pipeline != null && !PIPELINES.contains(pipeline)) {
            problems.add("pipeline must be one of " + PIPELINES);
        }
        try {
            lexicalOptions();
        } catch (IllegalArgumentException e) {
            problems.add("analyzer/bm25: " + e.getMessage() + " (analyzer: standard, english, chinese or cjk;"
                    + " bm25: \"k1,b\")");
        }
        if (checks == null || checks.isEmpty()) {
            problems.add("no checks");
        } else {
            for (Check c : checks) {
                boolean pinned = c.expected() != null && c.tolerance() != null;
                boolean relative = c.maxLossVsExact() != null;
                boolean floor = c.min() != null;
                if (c.metric() == null || (pinned && relative) || !(pinned || relative || floor)
                        || (c.expected() == null) != (c.tolerance() == null)) {
                    problems.add("check " + c + ": give a metric and either expected+tolerance or maxLossVsExact"
                            + " (and/or a floor min)");
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
