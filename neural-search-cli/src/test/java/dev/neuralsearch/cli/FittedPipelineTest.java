package dev.neuralsearch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.neuralsearch.eval.BeirDataset;
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
import picocli.CommandLine;

/**
 * {@code nsearch eval --fitted-pipeline}: a real multi-route eval (int8 all-MiniLM-L6-v2 and bge-small, BM25) on the
 * demo corpus as a cloze BEIR set ({@link ClozeBeir}) fits the fusion family and weights on train and writes the
 * resolved pipeline; that file parses back with nothing left to fit, and evaluating it gives exactly the rows of the
 * fitted run.
 */
class FittedPipelineTest {
    @TempDir
    static Path tmp;
    static Path beir;
    static Path cache;

    @BeforeAll
    static void data() {
        beir = ClozeBeir.write(tmp.resolve("cloze"), Integer.MAX_VALUE);
        cache = tmp.resolve("cache");
    }

    /** Runs eval; returns the rows by name, plus "_report" and "_text". */
    static Map<String, JsonNode> eval(Path dataset, String... args) throws IOException {
        return EvalRun.rows(dataset, cache, tmp, args);
    }

    @Test
    void theFittedPipelineParsesBackResolvedAndReproducesTheFittedRows() throws IOException {
        Path yaml = tmp.resolve("fit.yaml");
        Files.writeString(yaml, String.join("\n",
                "name: cloze-fit",
                "routes:",
                "  - model: all-minilm-l6-v2-q",
                "    name: mini",
                "  - model: ${NSEARCH_TEST_UNSET_MODEL:-bge-small-en-v1.5-q}",
                "    instruction: false",
                "bm25: {analyzer: auto}",
                "fusion: {kind: auto, fit: train}",
                ""));
        Path fitted = tmp.resolve("out/fitted.yaml");
        Map<String, JsonNode> fit = eval(beir, "--pipeline", yaml.toString(), "--fitted-pipeline", fitted.toString());
        assertThat(fit.get("_text").asText()).contains("fitted pipeline written to " + fitted);
        JsonNode settings = fit.get("_report").get("settings");
        assertThat(settings.get("fusionFit").get("families")).hasSize(3);

        String written = Files.readString(fitted);
        assertThat(written).startsWith("# written by nsearch eval --fitted-pipeline: " + yaml)
                .contains("# fusion: fitted on the train split (25 queries)");
        String body = written.lines().filter(l -> !l.startsWith("#")).reduce("", (a, b) -> a + b + "\n");
        assertThat(body).doesNotContain("auto").doesNotContain("fit:");
        EvalPipeline p = EvalPipeline.read(fitted);
        assertThat(p.unresolved()).isEmpty();
        assertThat(p.name()).isEqualTo("cloze-fit");
        assertThat(p.routes()).extracting(EvalPipeline.RouteEntry::name)
                .containsExactly("mini", "bge-small-en-v1.5-q-noinstr");
        assertThat(p.routes().get(1).model()).isEqualTo("bge-small-en-v1.5-q"); // ${VAR:-default} expanded
        assertThat(p.routes().get(1).instruction()).isFalse();
        assertThat(p.bm25().analyzer()).isEqualTo("english"); // auto: the models' language
        assertThat(p.bm25().k1()).isEqualTo(1.2);
        assertThat(p.bm25().b()).isEqualTo(0.75);
        assertThat(p.fusion().fit()).isNull();
        assertThat(p.fusion().kind()).isIn("zscore", "minmax", "rrf:60");
        List<Double> weights = new ArrayList<>();
        settings.get("fusionFit").get("weights").forEach(w -> weights.add(w.asDouble()));
        assertThat(p.fusion().weights()).isEqualTo(weights);
        assertThat(p.fusionFamily().toString()).isEqualTo(settings.get("fusion").asText());
        assertThat(p.routeDepth()).isEqualTo(100);

        // the resolved file fits nothing and gives the same rows, figure for figure
        Path again = tmp.resolve("again.json");
        Map<String, JsonNode> resolved = eval(beir, "--pipeline", fitted.toString(), "--fitted-pipeline",
                again.toString());
        JsonNode rs = resolved.get("_report").get("settings");
        assertThat(rs.has("fusionFit")).isFalse();
        assertThat(rs.get("fusion").asText()).isEqualTo(settings.get("fusion").asText());
        assertThat(rs.get("bm25")).isEqualTo(settings.get("bm25"));
        for (String row : List.of("mini", "bge-small-en-v1.5-q-noinstr", "bm25", "pipeline")) {
            assertThat(resolved.get(row).get("metrics")).as(row).isEqualTo(fit.get(row).get("metrics"));
        }
        // the weights matter on this set (so the equality above can fail): equal weights give other figures
        assertThat(fit.get("pipeline").get("metrics").get("ndcg@10").asDouble()).isBetween(0.3, 1.0);
        Path equal = tmp.resolve("equal.yaml");
        Files.writeString(equal, body.replaceAll("(?s)weights:.*?depth:", "weights: [1, 1, 1]\ndepth:"));
        Map<String, JsonNode> unfitted = eval(beir, "--pipeline", equal.toString());
        assertThat(unfitted.get("pipeline").get("metrics")).isNotEqualTo(fit.get("pipeline").get("metrics"));
        // resolving a resolved pipeline changes nothing (JSON this time)
        assertThat(EvalPipeline.read(again)).isEqualTo(p);
    }

    @Test
    void severalModelsWithFitFusionWriteTheirPipelineToo() throws IOException {
        Path fitted = tmp.resolve("flags.yaml");
        Map<String, JsonNode> fit = eval(beir, "--model", "all-minilm-l6-v2-q,bge-small-en-v1.5-q", "--fit-fusion",
                "--bm25", "1.0,0.5", "--fitted-pipeline", fitted.toString());
        EvalPipeline p = EvalPipeline.read(fitted);
        assertThat(Files.readString(fitted)).startsWith("# written by nsearch eval --fitted-pipeline: --model"
                + " all-minilm-l6-v2-q,bge-small-en-v1.5-q with every fit/auto resolved");
        assertThat(p.unresolved()).isEmpty();
        assertThat(p.fusion().kind()).isEqualTo("zscore"); // --fusion default: Fusion.DEFAULT's family
        List<Double> weights = new ArrayList<>();
        fit.get("_report").get("settings").get("fusionFit").get("weights").forEach(w -> weights.add(w.asDouble()));
        assertThat(p.fusion().weights()).isEqualTo(weights);
        assertThat(p.bm25().k1()).isEqualTo(1.0);
        assertThat(p.bm25().b()).isEqualTo(0.5);

        Map<String, JsonNode> resolved = eval(beir, "--pipeline", fitted.toString());
        assertThat(resolved.get("pipeline").get("metrics")).isEqualTo(fit.get("fused").get("metrics"));
    }

    @Test
    void theFittedPipelineNeedsAMultiRouteRun() {
        StringWriter err = new StringWriter();
        CommandLine cmd = new CommandLine(new EvalCommand());
        cmd.setErr(new PrintWriter(err));
        assertThat(cmd.execute("--beir", beir.toString(), "--model", "all-minilm-l6-v2-q", "--fitted-pipeline",
                tmp.resolve("x.yaml").toString())).isEqualTo(2);
        assertThat(err.toString()).contains("--fitted-pipeline needs --pipeline or several --model");
        assertThat(tmp.resolve("x.yaml")).doesNotExist();
    }

    /**
     * Rerank depth {@code auto} and mix {@code fit} (chosen on the train queries the cross-encoder held out) are
     * written as the numbers chosen, and the resolved file gives the same rerank row. The tiny random-weight
     * cross-encoder comes from the shared folder (skipped without it); its 60 tokens need short queries.
     */
    @Test
    void theRerankDepthAndMixAreWrittenAsChosen() throws IOException {
        Path ce = dev.neuralsearch.search.Fixtures.tinyXlmRoberta(tmp.resolve("tiny-ce"));
        Path shortQ = ClozeBeir.write(tmp.resolve("cloze-short"), 20);
        List<String> train = new ArrayList<>(BeirDataset.load(shortQ, "train").queries().keySet());
        Files.writeString(ce.resolve("tokenizer_config.json"), "{\"model_max_length\": 60}");
        Files.writeString(ce.resolve("training.json"), new ObjectMapper().writeValueAsString(
                Map.of("validationQueries", train.subList(0, 8))));
        Path yaml = tmp.resolve("rerank.yaml");
        Files.writeString(yaml, "routes:\n  - model: all-minilm-l6-v2-q\nbm25: {analyzer: english, k1: 0.9, b: 0.4}\n"
                + "fusion: {kind: minmax, weights: [0.7, 0.3]}\n"
                + "rerank: {model: " + ce + ", depth: auto, mix: fit}\n");
        Path fitted = tmp.resolve("rerank-fitted.yaml");
        Map<String, JsonNode> fit = eval(shortQ, "--pipeline", yaml.toString(), "--fitted-pipeline",
                fitted.toString());
        JsonNode mix = fit.get("_report").get("settings").get("rerankMix");
        EvalPipeline p = EvalPipeline.read(fitted);
        assertThat(p.unresolved()).isEmpty();
        assertThat(Integer.parseInt(p.rerank().depth())).isEqualTo(mix.get("depth").asInt()).isIn(10, 20, 30, 50);
        assertThat(Double.parseDouble(p.rerank().mix())).isEqualTo(mix.get("weight").asDouble());
        assertThat(p.fusion().weights()).containsExactly(0.7, 0.3);
        assertThat(p.bm25().k1()).isEqualTo(0.9);
        assertThat(Files.readString(fitted)).contains("rerank depth/mix: chosen on 8 held-out train queries");

        Map<String, JsonNode> resolved = eval(shortQ, "--pipeline", fitted.toString());
        JsonNode rmix = resolved.get("_report").get("settings").get("rerankMix");
        assertThat(rmix.has("grid")).isFalse(); // nothing fitted
        assertThat(rmix.get("depth")).isEqualTo(mix.get("depth"));
        assertThat(rmix.get("weight").asDouble()).isEqualTo(mix.get("weight").asDouble());
        for (String row : List.of("pipeline", "pipeline+rerank")) {
            assertThat(resolved.get(row).get("metrics")).as(row).isEqualTo(fit.get(row).get("metrics"));
        }
    }
}
