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
        return EvalRun.rows(dir, cache, tmp, args);
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
        // a route of weight 0 still has its own row, the same as when it weighs something
        assertThat(ndcg(onlyBge.get("all-minilm-l6-v2-q"))).isEqualTo(ndcg(test.get("all-minilm-l6-v2-q")));
        assertThat(ndcg(onlyBge.get("bm25"))).isEqualTo(ndcg(test.get("bm25")));
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
        assertThat(ndcg(rows.get("mini"))).as("a route of weight 0 keeps its row").isBetween(0.3, 1.0);

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
                "{\"routes\": [{\"model\": \"all-minilm-l6-v2-q\"}]}" + " ".repeat(1 << 20), "the limit is",
                "{\"routes\": [{\"model\": \"all-minilm-l6-v2-q\"}], \"rerank\": {\"model\": \"x\", \"mix\": 2}}",
                "'mix' must be in [0, 1]",
                "{\"routes\": [{\"model\": \"all-minilm-l6-v2-q\"}], \"rerank\": {\"model\": \"x\", \"depth\": \"deep\"}}",
                "must be a number or auto");
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

    @Test
    void teacherOutWritesTheFusedTopOfTrainAndPseudoQueriesAndRefusesTest() throws IOException {
        Path yaml = tmp.resolve("teacher.yaml");
        Files.writeString(yaml, "routes:\n  - model: all-minilm-l6-v2-q\nfusion: {kind: zscore, weights: [0.5, 0.5]}\n");
        Path file = tmp.resolve("teacher.jsonl");
        Map<String, JsonNode> rows = run("--split", "train", "--pipeline", yaml.toString(), "--teacher-out",
                file.toString(), "--teacher-depth", "5", "--pseudo-queries", "10");
        assertThat(rows.get("_report").get("settings").get("teacher").get("queries").asInt()).isEqualTo(25);
        List<dev.neuralsearch.eval.TeacherFile.Entry> es = dev.neuralsearch.eval.TeacherFile.read(file);
        assertThat(es).hasSize(25);
        assertThat(es.subList(0, 15)).allMatch(e -> e.kind().equals("train"));
        assertThat(es.subList(15, 25)).allMatch(e -> e.id().startsWith("pq-") && e.source() != null);
        Set<String> testTexts = new HashSet<>(BeirDataset.load(dir, "test").queries().values());
        for (dev.neuralsearch.eval.TeacherFile.Entry e : es) {
            assertThat(testTexts).doesNotContain(e.query());
            assertThat(e.docs()).hasSize(5);
            for (int i = 1; i < 5; i++) {
                assertThat(e.docs().get(i).score()).isLessThanOrEqualTo(e.docs().get(i - 1).score());
            }
        }
        // a title query finds its own document first (it is in the passage the routes indexed)
        assertThat(es.subList(15, 25).stream().filter(e -> e.kind().equals("title"))
                .filter(e -> e.docs().get(0).docId().equals(e.source())).count()).isPositive();

        StringWriter err = new StringWriter();
        CommandLine cmd = new CommandLine(new EvalCommand());
        cmd.setErr(new PrintWriter(err));
        assertThat(cmd.execute("--beir", dir.toString(), "--split", "test", "--pipeline", yaml.toString(),
                "--teacher-out", file.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("--split train");
    }

    /** The tiny random-weight cross-encoder, cut at 60 tokens, with the held-out train queries a trainer names. */
    private static Path tinyReranker(List<String> heldOut) throws IOException {
        Path d = dev.neuralsearch.search.Fixtures.tinyXlmRoberta(tmp.resolve("tiny-ce-" + heldOut.size()));
        Files.writeString(d.resolve("tokenizer_config.json"), "{\"model_max_length\": 60}");
        Files.writeString(d.resolve("training.json"), new ObjectMapper().writeValueAsString(
                Map.of("validationQueries", heldOut)));
        return d;
    }

    /**
     * The slice with each query cut to its first 20 characters: the tiny cross-encoder's tokenizer is nearly
     * character-level and its pairs fit 60 tokens, the query whole. The queries still retrieve.
     */
    private static Path shortQueries() throws IOException {
        Path d = tmp.resolve("scifact-short");
        Files.createDirectories(d.resolve("qrels"));
        Files.copy(dir.resolve("corpus.jsonl"), d.resolve("corpus.jsonl"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        ObjectMapper json = new ObjectMapper();
        List<String> lines = new ArrayList<>();
        for (String split : List.of("train", "test")) {
            BeirDataset ds = BeirDataset.load(dir, split);
            List<String> qrels = new ArrayList<>(List.of("query-id\tcorpus-id\tscore"));
            for (Map.Entry<String, String> q : ds.queries().entrySet()) {
                String text = q.getValue();
                lines.add(json.writeValueAsString(Map.of("_id", q.getKey(), "text",
                        text.substring(0, Math.min(20, text.length())))));
                ds.qrels().get(q.getKey()).forEach((doc, g) -> qrels.add(q.getKey() + "\t" + doc + "\t" + g));
            }
            Files.write(d.resolve("qrels/" + split + ".tsv"), qrels);
        }
        Files.write(d.resolve("queries.jsonl"), lines);
        return d;
    }

    @Test
    void rerankDepthAndMixAreChosenOnHeldOutTrainQueriesAndWeightZeroIsTheCandidates() throws IOException {
        Path saved = dir;
        dir = shortQueries();
        try {
            mixOnHeldOut();
        } finally {
            dir = saved;
        }
    }

    private void mixOnHeldOut() throws IOException {
        List<String> trainIds = new ArrayList<>(BeirDataset.load(dir, "train").queries().keySet());
        assertThat(trainIds.size()).isGreaterThanOrEqualTo(5);
        assertThat(BeirDataset.load(dir, "test").queries()).isNotEmpty();
        Path ce = tinyReranker(trainIds.subList(0, 5));
        Path fixed = tmp.resolve("mix0.yaml");
        Files.writeString(fixed, "routes:\n  - model: all-minilm-l6-v2-q\nfusion: {kind: zscore, weights: [0.5, 0.5]}\n"
                + "rerank: {model: " + ce + ", depth: 20, mix: 0}\n");
        Map<String, JsonNode> zero = run("--pipeline", fixed.toString());
        // weight 0: the fused order back, whatever the reranker says
        assertThat(ndcg(zero.get("pipeline+rerank"))).isEqualTo(ndcg(zero.get("pipeline")));
        assertThat(zero.get("_report").get("settings").get("rerankMix").has("grid")).isFalse();

        Path auto = tmp.resolve("auto.yaml");
        Files.writeString(auto, "routes:\n  - model: all-minilm-l6-v2-q\nfusion: {kind: zscore, weights: [0.5, 0.5]}\n"
                + "rerank: {model: " + ce + ", depth: auto, mix: fit}\n");
        Map<String, JsonNode> rows = run("--pipeline", auto.toString());
        JsonNode mix = rows.get("_report").get("settings").get("rerankMix");
        assertThat(mix.get("split").asText()).isEqualTo("train");
        assertThat(mix.get("queries").asInt()).isEqualTo(5);
        assertThat(mix.get("depth").asInt()).isIn(10, 20, 30, 50);
        assertThat(mix.get("rerankMsPerQuery")).hasSize(4);
        assertThat(mix.get("grid").get("30")).hasSize(21);
        assertThat(mix.get("ndcg@10").asDouble()).isGreaterThanOrEqualTo(mix.get("candidatesNdcg@10").asDouble());
        assertThat(rows).containsKey("pipeline+rerank");

        // without the held-out queries there is nothing honest to fit on
        Path none = tinyReranker(List.of());
        Path bad = tmp.resolve("bad-mix.yaml");
        Files.writeString(bad, "routes:\n  - model: all-minilm-l6-v2-q\nrerank: {model: " + none + ", mix: fit}\n");
        StringWriter err = new StringWriter();
        CommandLine cmd = new CommandLine(new EvalCommand());
        cmd.setErr(new PrintWriter(err));
        cmd.setOut(new PrintWriter(new StringWriter()));
        assertThat(cmd.execute("--beir", dir.toString(), "--cache-dir", cache.toString(), "--quiet", "--pipeline",
                bad.toString())).isNotZero();
        assertThat(err.toString()).contains("validationQueries");
    }
}
