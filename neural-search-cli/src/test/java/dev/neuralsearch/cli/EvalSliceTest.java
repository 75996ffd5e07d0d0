package dev.neuralsearch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.neuralsearch.core.Fusion;
import dev.neuralsearch.eval.BeirDataset;
import dev.neuralsearch.eval.EvalReport;
import dev.neuralsearch.testing.SharedData;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * End to end on a SciFact slice (30 test queries, their relevant documents and 300 other documents) with
 * the int8 all-MiniLM-L6-v2: loader → encoder → exact and JVector ANN → metrics → table and JSON.
 */
class EvalSliceTest {
    @TempDir
    Path tmp;

    /** Writes the slice as a BEIR folder, so that the command's loader is exercised too. */
    private Path slice() throws IOException {
        BeirDataset full = BeirDataset.load(SharedData.scifact(), "test");
        List<String> qids = new ArrayList<>(full.queries().keySet()).subList(0, 30);
        Set<String> relevant = new HashSet<>();
        qids.forEach(q -> relevant.addAll(full.qrels().get(q).keySet()));
        Map<String, BeirDataset.CorpusDoc> docs = new LinkedHashMap<>();
        int others = 0;
        for (BeirDataset.CorpusDoc d : full.corpus().values()) {
            if (relevant.contains(d.id())) {
                docs.put(d.id(), d);
            } else if (others < 300) {
                docs.put(d.id(), d);
                others++;
            }
        }
        ObjectMapper json = new ObjectMapper();
        Path dir = tmp.resolve("scifact-slice");
        Files.createDirectories(dir.resolve("qrels"));
        List<String> lines = new ArrayList<>();
        for (BeirDataset.CorpusDoc d : docs.values()) {
            lines.add(json.writeValueAsString(Map.of("_id", d.id(), "title", d.title(), "text", d.text())));
        }
        Files.write(dir.resolve("corpus.jsonl"), lines);
        lines.clear();
        for (String q : qids) {
            lines.add(json.writeValueAsString(Map.of("_id", q, "text", full.queries().get(q))));
        }
        Files.write(dir.resolve("queries.jsonl"), lines);
        lines.clear();
        lines.add("query-id\tcorpus-id\tscore");
        for (String q : qids) {
            full.qrels().get(q).forEach((d, g) -> lines.add(q + "\t" + d + "\t" + g));
        }
        Files.write(dir.resolve("qrels/test.tsv"), lines);
        return dir;
    }

    @Test
    void evalCommandOnASciFactSlice() throws IOException {
        Path dir = slice();
        Path jsonOut = tmp.resolve("out/report.json");
        Path cache = tmp.resolve("cache");
        StringWriter out = new StringWriter();
        CommandLine cmd = new CommandLine(new EvalCommand());
        cmd.setOut(new PrintWriter(out));
        int code = cmd.execute("--beir", dir.toString(), "--model", "all-minilm-l6-v2-q", "--recall", "100",
                "--json", jsonOut.toString(), "--cache-dir", cache.toString(), "--quiet");
        assertThat(code).as(out.toString()).isZero();
        String text = out.toString();
        assertThat(text).contains("scifact-slice (test):").contains("30 queries")
                .contains("exact").contains("ann").contains("ndcg@10").contains("recall@100");

        JsonNode report = new ObjectMapper().readTree(jsonOut.toFile());
        assertThat(report.get("queries").asInt()).isEqualTo(30);
        Map<String, JsonNode> rows = new LinkedHashMap<>();
        report.get("pipelines").forEach(p -> rows.put(p.get("name").asText(), p));
        // the index's lexical route adds a BM25 row, its reciprocal rank fusion with ann and the default fusion
        assertThat(rows).containsOnlyKeys("exact", "ann", "bm25", "ann+bm25 rrf", "ann+bm25 fused");
        assertThat(report.get("settings").get("fusion").asText()).isEqualTo(Fusion.DEFAULT.toString());
        // auto analyzer: all-MiniLM is an English preset
        assertThat(text).contains("lexical route: ENGLISH analyzer (auto: the model's language en)");
        assertThat(rows.get("bm25").get("metrics").get("ndcg@10").asDouble()).isBetween(0.4, 1.0);
        assertThat(rows.get("ann+bm25 rrf").get("metrics").get("recall@100").asDouble())
                .isGreaterThanOrEqualTo(rows.get("bm25").get("metrics").get("recall@100").asDouble() - 0.05);
        JsonNode exact = rows.get("exact").get("metrics");
        JsonNode ann = rows.get("ann").get("metrics");
        // Sane ranges: on the full corpus MiniLM scores nDCG@10 ~0.65; 330 documents are easier.
        assertThat(exact.get("ndcg@10").asDouble()).isBetween(0.55, 1.0);
        assertThat(exact.get("recall@100").asDouble()).isBetween(0.9, 1.0);
        assertThat(exact.get("mrr@10").asDouble()).isBetween(0.5, 1.0);
        double prev = 0;
        for (String k : List.of("recall@1", "recall@5", "recall@10", "recall@20", "recall@50", "recall@100")) {
            assertThat(exact.get(k).asDouble()).as(k).isGreaterThanOrEqualTo(prev);
            prev = exact.get(k).asDouble();
        }
        // The ANN index (default settings) must not lose measurably against brute force.
        assertThat(ann.get("ndcg@10").asDouble()).isGreaterThanOrEqualTo(exact.get("ndcg@10").asDouble() - 0.01);
        assertThat(ann.get("recall@100").asDouble()).isGreaterThanOrEqualTo(exact.get("recall@100").asDouble() - 0.01);
        assertThat(report.get("annOverlapAt10").asDouble()).isGreaterThan(0.9);
        assertThat(rows.get("exact").get("latencyMsP50").asDouble()).isPositive();
        assertThat(report.get("encoding").get("cached").asBoolean()).isFalse();
        assertThat(report.get("encoding").get("docsPerSecond").asDouble()).isPositive();
        assertThat(report.get("encoding").get("tokensPerSecond").asDouble()).isPositive();

        // Second run: the corpus comes from the cache, the figures stay the same.
        BeirDataset ds = BeirDataset.load(dir, "test");
        EvalReport again = EvalCommand.run(ds, "all-minilm-l6-v2-q", false, null, null, 100, 100, cache, false,
                null);
        assertThat(again.encoding().cached()).isTrue();
        assertThat(again.pipeline("exact").metric("ndcg@10")).isEqualTo(exact.get("ndcg@10").asDouble());
        try (var files = Files.list(cache)) {
            assertThat(files.map(p -> p.getFileName().toString()).collect(Collectors.toList()))
                    .anyMatch(n -> n.startsWith("scifact-slice-all-minilm-l6-v2-q-") && n.endsWith(".f32"));
        }
    }

    @Test
    void fusionFlagsParse() {
        assertThat(EvalCommand.parseFusion("default", null)).isEqualTo(Fusion.DEFAULT);
        assertThat(EvalCommand.parseFusion("minmax", "0.7,0.3"))
                .isEqualTo(Fusion.convex(Fusion.Normalization.MIN_MAX, 0.7, 0.3));
        assertThat(EvalCommand.parseFusion("zscore", null)).isEqualTo(Fusion.convex(Fusion.Normalization.Z_SCORE));
        assertThat(EvalCommand.parseFusion("rrf:20", "1,2")).isEqualTo(Fusion.rrf(20, 1, 2));
        StringWriter err = new StringWriter();
        CommandLine cmd = new CommandLine(new EvalCommand());
        cmd.setErr(new PrintWriter(err));
        assertThat(cmd.execute("--beir", SharedData.scifact().toString(), "--model", "all-minilm-l6-v2-q",
                "--fusion", "mean")).isEqualTo(2);
        assertThat(err.toString()).contains("unknown fusion 'mean'");
    }

    @Test
    void badArgumentsGiveAUsageError() {
        StringWriter err = new StringWriter();
        CommandLine cmd = new CommandLine(new EvalCommand());
        cmd.setErr(new PrintWriter(err));
        int code = cmd.execute("--beir", tmp.resolve("nope").toString(), "--model", "all-minilm-l6-v2-q");
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("BEIR dataset folder not found");
    }
}
