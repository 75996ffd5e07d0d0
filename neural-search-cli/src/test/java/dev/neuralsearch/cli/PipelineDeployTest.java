package dev.neuralsearch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.neuralsearch.ann.JVectorIndex;
import dev.neuralsearch.core.Fusion;
import dev.neuralsearch.core.Hit;
import dev.neuralsearch.core.MultiRouteResult;
import dev.neuralsearch.core.MultiRouteSearch;
import dev.neuralsearch.core.NeuralSearch;
import dev.neuralsearch.encoder.BiEncoder;
import dev.neuralsearch.encoder.Presets;
import dev.neuralsearch.eval.BeirDataset;
import dev.neuralsearch.eval.Metrics;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code nsearch index --pipeline} and {@code nsearch search --pipeline}: a resolved pipeline file (two real int8
 * routes, all-MiniLM-L6-v2 and bge-small without instruction, plus BM25) indexed on disk from the demo corpus as a
 * cloze set ({@link ClozeBeir}), searched, and compared with a {@link MultiRouteSearch} built by hand with the same
 * weights, and with what {@code nsearch eval} measured for the same file; and the refusals.
 */
class PipelineDeployTest {
    @TempDir
    static Path tmp;
    static Path beir;
    static Path home;
    static Path pipeline;
    static final String BGE = "bge-small-en-v1.5-q-noinstr";
    static final double[] WEIGHTS = {0.6, 0.1, 0.3};

    /** Exit code, stdout and stderr of one {@code nsearch} run in this JVM. */
    record Run(int code, String out, String err) {
    }

    static Run nsearch(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        picocli.CommandLine cl = Nsearch.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @BeforeAll
    static void indexThePipeline() throws IOException {
        beir = ClozeBeir.write(tmp.resolve("cloze"), Integer.MAX_VALUE);
        pipeline = tmp.resolve("resolved.yaml");
        Files.writeString(pipeline, String.join("\n",
                "routes:",
                "  - model: all-minilm-l6-v2-q",
                "    name: mini",
                "  - model: bge-small-en-v1.5-q",
                "    instruction: false",
                "bm25: {analyzer: english, k1: 0.9, b: 0.4}",
                "fusion: {kind: zscore, weights: [0.6, 0.1, 0.3]}",
                "depth: 100",
                ""));
        home = tmp.resolve("home");
        Run r = nsearch("index", "--pipeline", pipeline.toString(), "--home", home.toString(), "--no-progress",
                "--commit-every", "60", beir.resolve("docs.jsonl").toString());
        assertThat(r.code()).as(r.err()).isZero();
        long docs = Files.readAllLines(beir.resolve("docs.jsonl")).size();
        assertThat(r.out()).contains("committed 60").endsWith("committed " + docs + "\n");
    }

    /** The by-hand search over the command's homes: the fluent API with the file's settings typed in. */
    private static MultiRouteSearch byHand(Fusion fusion) {
        return byHandBuilder().fusion(fusion).build();
    }

    private static MultiRouteSearch.Builder byHandBuilder() {
        return MultiRouteSearch.builder()
                .route("mini", NeuralSearch.builder().encoder(BiEncoder.load(Presets.byId("all-minilm-l6-v2-q")))
                        .index(JVectorIndex.at(home.resolve("mini")).readOnly().bm25(0.9f, 0.4f)).build())
                .route(BGE, NeuralSearch.builder()
                        .encoder(BiEncoder.load(Presets.byId("bge-small-en-v1.5-q").withoutQueryPrefix()))
                        .index(JVectorIndex.at(home.resolve(BGE)).readOnly()).build());
    }

    /**
     * The file's cross-encoder, rerank depth and mix reach the search: the order and reranker scores are those of
     * the by-hand search with {@code reranker(..).rerankDepth(20).rerankMix(0.4)}; {@code --rerank 0} gives the fused
     * order. The tiny random-weight cross-encoder comes from the shared folder (skipped without it).
     */
    @Test
    void theRerankStageHasTheFilesDepthAndMix() throws IOException {
        Path ce = dev.neuralsearch.search.Fixtures.tinyXlmRoberta(tmp.resolve("tiny-ce"));
        Files.writeString(ce.resolve("tokenizer_config.json"), "{\"model_max_length\": 60}");
        Path reranked = tmp.resolve("reranked.yaml");
        Files.writeString(reranked, Files.readString(pipeline) + "rerank: {model: " + ce + ", depth: 20, mix: 0.4}\n");
        try (MultiRouteSearch hand = byHandBuilder().fusion(Fusion.convex(Fusion.Normalization.Z_SCORE, WEIGHTS))
                .reranker(dev.neuralsearch.rerank.CrossEncoderReranker.load(ce)).rerankDepth(20).rerankMix(0.4)
                .build()) {
            boolean mixMatters = false;
            for (String q : List.of("black holes", "bread and yeast")) {
                Run r = nsearch("search", "--pipeline", reranked.toString(), "--home", home.toString(), q, "--json");
                assertThat(r.code()).as(r.err()).isZero();
                List<String> got = new ArrayList<>();
                List<Float> rerankScores = new ArrayList<>();
                for (String line : r.out().strip().split("\n")) {
                    JsonNode hit = new ObjectMapper().readTree(line);
                    got.add(hit.get("id").asText());
                    rerankScores.add((float) hit.get("rerankScore").asDouble());
                }
                List<Hit> expected = hand.query(q).depth(100).limit(10).execute().fused();
                assertThat(got).as(q).isEqualTo(ids(expected));
                assertThat(rerankScores).as(q).isEqualTo(expected.stream().map(Hit::rerankScore).toList());
                mixMatters |= !got.equals(ids(hand.query(q).depth(100).limit(10).rerankMix(1).execute().fused()));

                Run off = nsearch("search", "--pipeline", reranked.toString(), "--home", home.toString(), q, "--json",
                        "--rerank", "0");
                assertThat(off.code()).as(off.err()).isZero();
                List<String> fused = new ArrayList<>();
                for (String line : off.out().strip().split("\n")) {
                    fused.add(new ObjectMapper().readTree(line).get("id").asText());
                }
                assertThat(fused).as(q).isEqualTo(ids(hand.query(q).depth(100).limit(10).rerank(0).execute().fused()));
            }
            assertThat(mixMatters).as("the reranker's order alone differs from the 0.4 mix").isTrue();
        }
    }

    private static List<String> ids(List<Hit> hits) {
        return hits.stream().map(Hit::id).toList();
    }

    @Test
    void eachRouteHasItsOwnHomeWithItsModelAndTheFilesAnalyzer() throws IOException {
        assertThat(Components.indexedSchema(home.resolve("mini")).orElseThrow().modelId())
                .isEqualTo("all-minilm-l6-v2-q");
        assertThat(Components.indexedSchema(home.resolve(BGE)).orElseThrow().modelId()).isEqualTo(BGE);
        JsonNode lexical = new ObjectMapper().readTree(home.resolve("mini/manifest.json").toFile())
                .path("manifest").path("lexical");
        assertThat(lexical.path("analyzer").asText()).isEqualTo("ENGLISH");
    }

    @Test
    void searchGivesTheFusedOrderOfTheSameSearchBuiltByHand() throws IOException {
        BeirDataset test = BeirDataset.load(beir, "test");
        boolean weightsMatter = false;
        try (MultiRouteSearch hand = byHand(Fusion.convex(Fusion.Normalization.Z_SCORE, WEIGHTS))) {
            int checked = 0;
            for (String q : test.queries().values()) {
                if (checked++ == 4) { // the command loads both models per run: a few queries
                    break;
                }
                Run r = nsearch("search", "--pipeline", pipeline.toString(), "--home", home.toString(), q,
                        "--json", "-k", "10");
                assertThat(r.code()).as(r.err()).isZero();
                List<String> got = new ArrayList<>();
                List<Float> scores = new ArrayList<>();
                for (String line : r.out().strip().split("\n")) {
                    JsonNode hit = new ObjectMapper().readTree(line);
                    got.add(hit.get("id").asText());
                    scores.add((float) hit.get("recallScore").asDouble());
                    assertThat(hit.get("routeRanks").size()).isPositive();
                }
                List<Hit> expected = hand.query(q).depth(100).limit(10).execute().fused();
                assertThat(got).as(q).isEqualTo(ids(expected));
                assertThat(scores).as(q).isEqualTo(expected.stream().map(Hit::recallScore).toList());
                weightsMatter |= !ids(expected).equals(ids(hand.query(q).depth(100).limit(10)
                        .fusion(Fusion.convex(Fusion.Normalization.Z_SCORE, 1, 1, 1)).execute().fused()));
            }
        }
        // the comparison can fail: other weights give another order for at least one of those queries
        assertThat(weightsMatter).isTrue();

        Run text = nsearch("search", "--pipeline", pipeline.toString(), "--home", home.toString(), "black holes");
        assertThat(text.code()).as(text.err()).isZero();
        assertThat(text.out()).contains("  1. ").contains("routes {");
        assertThat(text.err()).contains("fused convex(z_score, weights=[0.6, 0.1, 0.3])").contains("mini ")
                .contains("lexical ");
    }

    @Test
    void theDeployedPipelineAnswersAsEvalMeasuredIt() throws IOException {
        Path report = tmp.resolve("eval.json");
        StringWriter err = new StringWriter();
        picocli.CommandLine cmd = new picocli.CommandLine(new EvalCommand());
        cmd.setOut(new PrintWriter(new StringWriter()));
        cmd.setErr(new PrintWriter(err));
        assertThat(cmd.execute("--beir", beir.toString(), "--cache-dir", tmp.resolve("cache").toString(), "--quiet",
                "--pipeline", pipeline.toString(), "--json", report.toString())).as(err.toString()).isZero();
        JsonNode row = null;
        for (JsonNode p : new ObjectMapper().readTree(report.toFile()).get("pipelines")) {
            row = p.get("name").asText().equals("pipeline") ? p : row;
        }
        BeirDataset test = BeirDataset.load(beir, "test");
        List<Double> ndcg = new ArrayList<>();
        List<Double> recall = new ArrayList<>();
        try (MultiRouteSearch deployed = PipelineHome.open(PipelineHome.readResolved(pipeline), pipeline, home, true)) {
            for (Map.Entry<String, String> q : test.queries().entrySet()) {
                List<String> ranking = ids(deployed.query(q.getValue()).depth(100).limit(100).execute().fused());
                ndcg.add(Metrics.ndcgAtK(ranking, test.qrels().get(q.getKey()), 10));
                recall.add(Metrics.recallAtK(ranking, test.qrels().get(q.getKey()), 100));
            }
        }
        assertThat(Metrics.mean(ndcg)).isEqualTo(row.get("metrics").get("ndcg@10").asDouble());
        assertThat(Metrics.mean(recall)).isEqualTo(row.get("metrics").get("recall@100").asDouble());
    }

    @Test
    void aRouteTheFitWeighedZeroIsNotSearched() throws IOException {
        Path zero = tmp.resolve("zero.yaml");
        Files.writeString(zero, Files.readString(pipeline)
                .replace("weights: [0.6, 0.1, 0.3]", "weights: [0.0, 0.6, 0.4]"));
        String q = BeirDataset.load(beir, "test").queries().values().iterator().next();
        Run r = nsearch("search", "--pipeline", zero.toString(), "--home", home.toString(), q, "--json");
        assertThat(r.code()).as(r.err()).isZero();
        List<String> got = new ArrayList<>();
        for (String line : r.out().strip().split("\n")) {
            JsonNode hit = new ObjectMapper().readTree(line);
            got.add(hit.get("id").asText());
            assertThat(hit.get("routeRanks").has("mini")).isFalse(); // weight 0: not searched
            assertThat(hit.get("routeRanks").size()).isPositive();
        }
        // the same answer as the search that searches every route
        try (MultiRouteSearch hand = byHandBuilder()
                .fusion(Fusion.convex(Fusion.Normalization.Z_SCORE, 0.0, 0.6, 0.4)).build()) {
            MultiRouteResult all = hand.query(q).depth(100).limit(10).execute();
            assertThat(all.route("mini")).isNotEmpty();
            assertThat(got).isEqualTo(ids(all.fused()));
        }
    }

    @Test
    void withoutBm25OnlyTheDenseRoutesAreFusedAndTheAnalyzerIsNotAsked() throws IOException {
        Path dense = tmp.resolve("dense.yaml");
        Files.writeString(dense, Files.readString(pipeline)
                .replace("bm25: {analyzer: english, k1: 0.9, b: 0.4}", "bm25: {enabled: false}")
                .replace("weights: [0.6, 0.1, 0.3]", "weights: [0.6, 0.1]"));
        String q = BeirDataset.load(beir, "test").queries().values().iterator().next();
        Run r = nsearch("search", "--pipeline", dense.toString(), "--home", home.toString(), q, "--json");
        assertThat(r.code()).as(r.err()).isZero();
        List<String> got = new ArrayList<>();
        for (String line : r.out().strip().split("\n")) {
            JsonNode hit = new ObjectMapper().readTree(line);
            got.add(hit.get("id").asText());
            assertThat(hit.get("routeRanks").has("lexical")).isFalse();
        }
        try (MultiRouteSearch hand = byHandBuilder().lexical(false)
                .fusion(Fusion.convex(Fusion.Normalization.Z_SCORE, 0.6, 0.1)).build()) {
            assertThat(got).isEqualTo(ids(hand.query(q).depth(100).limit(10).execute().fused()));
        }
    }

    @Test
    void aPipelineThatStillFitsIsRefusedWithTheEvalOptionThatResolvesIt() throws IOException {
        Map<String, String> open = Map.of(
                "fusion: {kind: zscore, fit: train}\nbm25: {analyzer: english}", "fusion fit: train",
                "fusion: {kind: auto, fit: train}\nbm25: {analyzer: english}", "fusion kind: auto",
                "fusion: {kind: zscore}", "bm25 analyzer: auto",
                "bm25: {analyzer: english}\nrerank: {model: ce, depth: auto, mix: 0.5}", "rerank depth: auto",
                "bm25: {analyzer: english}\nrerank: {model: ce, depth: 20, mix: fit}", "rerank mix: fit");
        int i = 0;
        for (Map.Entry<String, String> e : open.entrySet()) {
            Path f = tmp.resolve("open" + i++ + ".yaml");
            Files.writeString(f, "routes:\n  - model: all-minilm-l6-v2-q\n    name: mini\n" + e.getKey() + "\n");
            for (String command : List.of("index", "search")) {
                Run r = nsearch(command, "--pipeline", f.toString(), "--home", home.toString(),
                        command.equals("index") ? beir.resolve("docs.jsonl").toString() : "black holes");
                assertThat(r.code()).as(command + " " + e.getKey()).isEqualTo(Nsearch.EXIT_USER_ERROR);
                assertThat(r.err()).as(command + " " + e.getKey()).contains("still has ").contains(e.getValue())
                        .contains("nsearch eval --beir <dir> --pipeline " + f + " --fitted-pipeline");
            }
        }
    }

    @Test
    void aRouteWhoseModelDiffersFromItsHomeIsRefused() throws IOException {
        Path swapped = tmp.resolve("swapped.yaml");
        Files.writeString(swapped, Files.readString(pipeline).replace("model: all-minilm-l6-v2-q",
                "model: e5-small-v2-q"));
        long before = Files.size(home.resolve("mini/manifest.json"));
        for (String command : List.of("search", "index")) {
            Run r = nsearch(command, "--pipeline", swapped.toString(), "--home", home.toString(),
                    command.equals("index") ? beir.resolve("docs.jsonl").toString() : "black holes");
            assertThat(r.code()).as(command).isEqualTo(Nsearch.EXIT_USER_ERROR);
            assertThat(r.err()).as(command).contains("route 'mini' of " + swapped + " uses model 'e5-small-v2-q',"
                    + " but its index home " + home.resolve("mini") + " was built with model 'all-minilm-l6-v2-q'");
        }
        assertThat(Files.size(home.resolve("mini/manifest.json"))).isEqualTo(before);

        // the BM25 analyzer is the home's too
        Path standard = tmp.resolve("standard.yaml");
        Files.writeString(standard, Files.readString(pipeline).replace("analyzer: english", "analyzer: standard"));
        Run r = nsearch("search", "--pipeline", standard.toString(), "--home", home.toString(), "black holes");
        assertThat(r.code()).isEqualTo(Nsearch.EXIT_USER_ERROR);
        assertThat(r.err()).contains("the bm25 analyzer of " + standard + " is STANDARD, but the index home "
                + home.resolve("mini") + " of route 'mini' was built with the ENGLISH analyzer");
        Run index = nsearch("index", "--pipeline", standard.toString(), "--home", home.toString(),
                beir.resolve("docs.jsonl").toString());
        assertThat(index.code()).isEqualTo(Nsearch.EXIT_USER_ERROR);
        assertThat(index.err()).contains("was built with the ENGLISH analyzer");
    }

    @Test
    void aMissingRouteHomeAndSingleHomeOptionsAreRefused() {
        Run r = nsearch("search", "--pipeline", pipeline.toString(), "--home", tmp.resolve("empty").toString(),
                "black holes");
        assertThat(r.code()).isEqualTo(Nsearch.EXIT_USER_ERROR);
        assertThat(r.err()).contains("no index for route 'mini' at " + tmp.resolve("empty").resolve("mini"))
                .contains("nsearch index --pipeline " + pipeline + " --home " + tmp.resolve("empty"));
        assertThat(tmp.resolve("empty")).doesNotExist();

        Run model = nsearch("search", "--pipeline", pipeline.toString(), "--home", home.toString(), "x",
                "--model", "all-minilm-l6-v2-q", "--hybrid");
        assertThat(model.code()).isEqualTo(2);
        assertThat(model.err()).contains("drop --model, --hybrid");
        Run rerank = nsearch("search", "--pipeline", pipeline.toString(), "--home", home.toString(), "x",
                "--rerank", "5");
        assertThat(rerank.code()).isEqualTo(2);
        assertThat(rerank.err()).contains("--rerank: pipeline " + pipeline + " has no rerank stage");
        Run analyzer = nsearch("index", "--pipeline", pipeline.toString(), "--home", home.toString(), "--analyzer",
                "cjk", "-");
        assertThat(analyzer.code()).isEqualTo(2);
        assertThat(analyzer.err()).contains("drop --model and --analyzer");
    }
}
