package dev.neuralsearch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.neuralsearch.eval.BeirDataset;
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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code nsearch eval} with several routes and with a pipeline file, on a SciFact slice (15 train and 15 test
 * queries, their relevant documents and 60 others) with two real int8 models: all-MiniLM-L6-v2 and bge-small.
 */
class EvalRoutesTest {
    @TempDir
    static Path tmp;
    static Path dir;
    static Path cache;

    @BeforeAll
    static void slice() throws IOException {
        BeirDataset train = BeirDataset.load(SharedData.scifact(), "train");
        BeirDataset test = BeirDataset.load(SharedData.scifact(), "test");
        List<String> trainQ = new ArrayList<>(train.queries().keySet()).subList(0, 15);
        List<String> testQ = new ArrayList<>(test.queries().keySet()).subList(0, 15);
        Set<String> relevant = new HashSet<>();
        trainQ.forEach(q -> relevant.addAll(train.qrels().get(q).keySet()));
        testQ.forEach(q -> relevant.addAll(test.qrels().get(q).keySet()));
        Map<String, BeirDataset.CorpusDoc> docs = new LinkedHashMap<>();
        int others = 0;
        for (BeirDataset.CorpusDoc d : test.corpus().values()) {
            if (relevant.contains(d.id()) || others++ < 60) {
                docs.put(d.id(), d);
            }
        }
        ObjectMapper json = new ObjectMapper();
        dir = tmp.resolve("scifact-routes");
        cache = tmp.resolve("cache");
        Files.createDirectories(dir.resolve("qrels"));
        List<String> lines = new ArrayList<>();
        for (BeirDataset.CorpusDoc d : docs.values()) {
            lines.add(json.writeValueAsString(Map.of("_id", d.id(), "title", d.title(), "text", d.text())));
        }
        Files.write(dir.resolve("corpus.jsonl"), lines);
        lines.clear();
        for (String q : trainQ) {
            lines.add(json.writeValueAsString(Map.of("_id", q, "text", train.queries().get(q))));
        }
        for (String q : testQ) {
            lines.add(json.writeValueAsString(Map.of("_id", q, "text", test.queries().get(q))));
        }
        Files.write(dir.resolve("queries.jsonl"), lines);
        qrels("train", trainQ, train);
        qrels("test", testQ, test);
    }

    private static void qrels(String split, List<String> qids, BeirDataset ds) throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add("query-id\tcorpus-id\tscore");
        for (String q : qids) {
            ds.qrels().get(q).forEach((d, g) -> lines.add(q + "\t" + d + "\t" + g));
        }
        Files.write(dir.resolve("qrels/" + split + ".tsv"), lines);
    }

    private static Map<String, JsonNode> run(String... args) throws IOException {
        Path out = tmp.resolve("report-" + System.nanoTime() + ".json");
        List<String> all = new ArrayList<>(List.of("--beir", dir.toString(), "--cache-dir", cache.toString(),
                "--quiet", "--json", out.toString()));
        all.addAll(List.of(args));
        StringWriter text = new StringWriter();
        CommandLine cmd = new CommandLine(new EvalCommand());
        cmd.setOut(new PrintWriter(text));
        StringWriter err = new StringWriter();
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

    private static double ndcg(JsonNode row) {
        return row.get("metrics").get("ndcg@10").asDouble();
    }

    @Test
    void severalModelsGiveARowPerRouteBm25AndFused() throws IOException {
        // in-sample fit on train: the fitted weights can only match or beat every single route there
        Map<String, JsonNode> train = run("--split", "train", "--model", "all-minilm-l6-v2-q",
                "--model", "bge-small-en-v1.5-q", "--fit-fusion");
        assertThat(train.keySet()).containsSequence("all-minilm-l6-v2-q", "bge-small-en-v1.5-q", "bm25", "fused");
        JsonNode fit = train.get("_report").get("settings").get("fusionFit");
        assertThat(fit.get("split").asText()).isEqualTo("train");
        assertThat(fit.get("inSample").asBoolean()).isTrue();
        assertThat(fit.get("weights")).hasSize(3);
        assertThat(fit.get("gridPoints").asInt()).isEqualTo(231);
        double fitted = fit.get("ndcg@10").asDouble();
        for (String route : List.of("all-minilm-l6-v2-q", "bge-small-en-v1.5-q", "bm25")) {
            assertThat(fitted).as(route).isGreaterThanOrEqualTo(ndcg(train.get(route)) - 1e-9);
        }
        assertThat(ndcg(train.get("fused"))).isEqualTo(fitted);

        // on test: weights fitted on train (not in sample), the corpus read from the cache of the train run
        Map<String, JsonNode> test = run("--model", "all-minilm-l6-v2-q,bge-small-en-v1.5-q", "--fit-fusion");
        JsonNode settings = test.get("_report").get("settings");
        assertThat(settings.get("fusionFit").get("inSample").asBoolean()).isFalse();
        assertThat(settings.get("fusionFit").get("weights")).isEqualTo(fit.get("weights"));
        assertThat(settings.get("routes").toString()).isEqualTo("[\"all-minilm-l6-v2-q\",\"bge-small-en-v1.5-q\",\"lexical\"]");
        assertThat(settings.get("encodings").get("bge-small-en-v1.5-q").get("cached").asBoolean()).isTrue();
        assertThat(test.get("_report").get("queries").asInt()).isEqualTo(15);
        for (String row : List.of("all-minilm-l6-v2-q", "bge-small-en-v1.5-q", "bm25", "fused")) {
            assertThat(ndcg(test.get(row))).as(row).isBetween(0.3, 1.0);
            assertThat(test.get(row).get("metrics").get("recall@100").asDouble()).as(row).isBetween(0.5, 1.0);
        }
        assertThat(test.get("_text").asText()).contains("routes: [all-minilm-l6-v2-q, bge-small-en-v1.5-q] + bm25")
                .contains("weights fitted on train");

        // a single route's weight alone reproduces that route's row: the weights follow route order
        Map<String, JsonNode> onlyBge = run("--model", "all-minilm-l6-v2-q", "--model", "bge-small-en-v1.5-q",
                "--fusion", "minmax", "--weights", "0,1,0");
        assertThat(ndcg(onlyBge.get("fused"))).isEqualTo(ndcg(onlyBge.get("bge-small-en-v1.5-q")));
    }

    @Test
    void aPipelineFileNamesRoutesBm25FusionAndItsRowIsPipeline() throws IOException {
        Path yaml = tmp.resolve("two.yaml");
        Files.writeString(yaml, String.join("\n",
                "name: two-int8",
                "routes:",
                "  - model: ${NSEARCH_TEST_UNSET_MODEL:-bge-small-en-v1.5-q}",
                "    instruction: false",
                "  - model: all-minilm-l6-v2-q",
                "    name: mini",
                "bm25: {analyzer: english, k1: 0.9, b: 0.4}",
                "fusion: {kind: rrf, weights: [0, 0, 1]}",
                "depth: 100",
                ""));
        Map<String, JsonNode> rows = run("--pipeline", yaml.toString());
        assertThat(rows.keySet()).containsSequence("bge-small-en-v1.5-q-noinstr", "mini", "bm25", "pipeline");
        JsonNode settings = rows.get("_report").get("settings");
        assertThat(settings.get("pipeline").asText()).isEqualTo("two-int8");
        assertThat(settings.get("fusion").asText()).isEqualTo("rrf(k=60, weights=[0.0, 0.0, 1.0])");
        assertThat(settings.get("bm25").get("analyzer").asText()).isEqualTo("english");
        assertThat(ndcg(rows.get("pipeline"))).isEqualTo(ndcg(rows.get("bm25")));

        Path json = tmp.resolve("fit.json");
        Files.writeString(json, "{\"routes\": [{\"model\": \"all-minilm-l6-v2-q\"}],"
                + " \"fusion\": {\"kind\": \"auto\", \"fit\": \"train\"}}");
        Map<String, JsonNode> fitted = run("--pipeline", json.toString());
        assertThat(fitted.keySet()).containsSequence("all-minilm-l6-v2-q", "bm25", "pipeline");
        JsonNode fit = fitted.get("_report").get("settings").get("fusionFit");
        assertThat(fit.get("split").asText()).isEqualTo("train");
        // kind auto: every family fitted on train, the best kept
        double best = 0;
        for (JsonNode v : fit.get("families")) {
            best = Math.max(best, v.asDouble());
        }
        assertThat(fit.get("families")).hasSize(3);
        assertThat(fit.get("ndcg@10").asDouble()).isEqualTo(best);
    }

    @Test
    void badPipelineFilesAreRefusedWithTheField() throws IOException {
        Map<String, String> bad = Map.of(
                "{\"routes\": []}", "'routes' needs at least one dense route",
                "{\"routes\": [{\"model\": \"all-minilm-l6-v2-q\"}], \"fusion\": {\"weights\": [1]}}", "1 weights for 2 routes",
                "{\"routes\": [{\"model\": \"all-minilm-l6-v2-q\"}], \"fusion\": {\"fit\": \"test\"}}", "'fit' must be 'train'",
                "{\"routes\": [{\"model\": \"all-minilm-l6-v2-q\"}], \"colour\": 1}", "colour",
                "{\"routes\": [{\"model\": \"all-minilm-l6-v2-q\"}], \"fusion\": {\"kind\": \"auto\"}}", "'auto' chooses the family by a fit",
                "{\"routes\": [{\"model\": \"${NSEARCH_TEST_UNSET_MODEL}\"}]}", "NSEARCH_TEST_UNSET_MODEL is not set",
                "{\"routes\": [" + "{\"model\": \"all-minilm-l6-v2-q\"},".repeat(16)
                        + "{\"model\": \"all-minilm-l6-v2-q\"}]}", "at most 16 dense routes",
                "{\"routes\": [{\"model\": \"all-minilm-l6-v2-q\"}]}" + " ".repeat(1 << 20), "the limit is");
        int i = 0;
        for (Map.Entry<String, String> e : bad.entrySet()) {
            Path f = tmp.resolve("bad" + i++ + ".json");
            Files.writeString(f, e.getKey());
            StringWriter err = new StringWriter();
            CommandLine cmd = new CommandLine(new EvalCommand());
            cmd.setErr(new PrintWriter(err));
            assertThat(cmd.execute("--beir", dir.toString(), "--pipeline", f.toString())).as(e.getKey()).isEqualTo(2);
            assertThat(err.toString()).as(e.getKey()).contains(e.getValue());
        }
    }
}
