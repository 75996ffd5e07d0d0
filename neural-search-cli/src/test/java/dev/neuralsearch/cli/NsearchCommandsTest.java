package dev.neuralsearch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The nsearch commands in-process, on one index home built by the first test. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NsearchCommandsTest {

    private static final String MODEL = "all-minilm-l6-v2-q";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path tmp;

    private Path home;
    private Path docs;

    record Run(int exit, String out, String err) {
        List<String> lines() {
            return out.lines().toList();
        }
    }

    static Run nsearch(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Nsearch.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @BeforeAll
    void writeDocuments() throws IOException {
        home = tmp.resolve("home");
        docs = tmp.resolve("docs.jsonl");
        List<String> lines = new ArrayList<>();
        String[][] texts = {
                {"en", "astronomy", "2010", "A black hole forms when a massive star collapses under its own gravity."},
                {"en", "astronomy", "2019", "The Event Horizon Telescope imaged the shadow of the black hole in M87."},
                {"en", "cooking", "2021", "Yeast ferments sugar and releases carbon dioxide, which makes bread rise."},
                {"en", "cooking", "2015", "Searing meat at high heat browns it through the Maillard reaction."},
                {"en", "finance", "2022", "Diversifying across many stocks lowers the risk of a single company failing."},
                {"en", "finance", "2008", "Compound interest makes savings grow faster the longer they are invested."},
                {"en", "medicine", "2020", "Cutting salt and exercising regularly can lower high blood pressure."},
                {"en", "medicine", "2012", "Vaccines train the immune system to recognise a pathogen."},
                {"en", "transport", "2023", "High-speed trains run on dedicated tracks with gentle curves."},
                {"en", "climate", "2021", "Melting glaciers and warming water raise the sea level."},
                {"zh", "transport", "2018", "高速铁路采用专用线路和大半径曲线，列车因此能高速运行。"},
                {"zh", "medicine", "2020", "少吃盐、多运动可以帮助降低血压。"},
        };
        for (int i = 0; i < texts.length; i++) {
            String[] t = texts[i];
            lines.add(JSON.writeValueAsString(java.util.Map.of("id", "d" + (i + 1), "text", t[3],
                    "metadata", java.util.Map.of("lang", t[0], "topic", t[1], "year", Integer.parseInt(t[2])))));
        }
        lines.add(2, ""); // blank lines are skipped
        Files.write(docs, lines, StandardCharsets.UTF_8);
    }

    @Test
    @Order(1)
    void indexCommitsEveryNAndAtTheEnd() {
        Run r = nsearch("index", "--home", home.toString(), "--model", MODEL, "--commit-every", "5", "--no-progress",
                docs.toString());
        assertThat(r.exit).as(r.err).isZero();
        assertThat(r.lines()).containsExactly("committed 5", "committed 10", "committed 12");
        assertThat(r.err).contains("indexed 12 documents");
    }

    @Test
    @Order(2)
    void searchJsonLines() throws IOException {
        Run r = nsearch("search", "--home", home.toString(), "how are black holes made", "--k", "3", "--json");
        assertThat(r.exit).as(r.err).isZero();
        List<String> lines = r.lines();
        assertThat(lines).hasSize(3);
        JsonNode first = JSON.readTree(lines.get(0));
        assertThat(first.get("rank").asInt()).isEqualTo(1);
        assertThat(first.get("id").asText()).isIn("d1", "d2");
        assertThat(first.get("recallRank").asInt()).isEqualTo(1);
        assertThat(first.get("rerankScore").isNull()).isTrue();
        assertThat(first.get("metadata").get("topic").asText()).isEqualTo("astronomy");
        assertThat(first.get("text").asText()).contains("black hole");
    }

    @Test
    @Order(2)
    void searchLexicalAndHybrid() throws IOException {
        Run r = nsearch("search", "--home", home.toString(), "blood pressure", "--k", "2", "--lexical", "5", "--json");
        assertThat(r.exit).as(r.err).isZero();
        JsonNode first = JSON.readTree(r.lines().get(0));
        assertThat(first.get("id").asText()).isEqualTo("d7"); // the only document with both words
        assertThat(first.get("routeRanks").get("lexical").asInt()).isEqualTo(1);
        assertThat(first.get("routeRanks").has("dense")).isFalse();

        r = nsearch("search", "--home", home.toString(), "how is high blood pressure lowered", "--k", "3", "--hybrid",
                "--filter", "lang=en", "--json");
        assertThat(r.exit).as(r.err).isZero();
        assertThat(r.lines()).hasSize(3);
        first = JSON.readTree(r.lines().get(0));
        assertThat(first.get("id").asText()).isEqualTo("d7");
        assertThat(first.get("routeRanks").get("dense").asInt()).isEqualTo(1);
        assertThat(first.get("routeRanks").get("lexical").asInt()).isEqualTo(1);
        for (String line : r.lines()) {
            assertThat(JSON.readTree(line).get("metadata").get("lang").asText()).isEqualTo("en");
        }
    }

    @Test
    @Order(2)
    void indexWithEnglishAnalyzerStems() throws IOException {
        Path english = tmp.resolve("english-home");
        Run r = nsearch("index", "--home", english.toString(), "--model", MODEL, "--analyzer", "english",
                "--no-progress", docs.toString());
        assertThat(r.exit).as(r.err).isZero();
        // "pressures" and "lowering" only match "pressure" and "lower" after English stemming
        r = nsearch("search", "--home", english.toString(), "pressures lowering", "--k", "1", "--lexical", "1",
                "--json");
        assertThat(r.exit).as(r.err).isZero();
        assertThat(JSON.readTree(r.lines().get(0)).get("id").asText()).isEqualTo("d7");
        // the default analyzer follows the model's language: English for this model, so the default home stems too
        r = nsearch("search", "--home", home.toString(), "pressures lowering", "--k", "1", "--lexical", "1", "--json");
        assertThat(JSON.readTree(r.lines().get(0)).get("id").asText()).as("default analyzer of an English model")
                .isEqualTo("d7");
        Path standard = tmp.resolve("standard-home");
        assertThat(nsearch("index", "--home", standard.toString(), "--model", MODEL, "--analyzer", "standard",
                "--no-progress", docs.toString()).exit).isZero();
        r = nsearch("search", "--home", standard.toString(), "pressures lowering", "--k", "1", "--lexical", "1",
                "--json");
        assertThat(r.lines()).as("standard analyzer: no stemming").isEmpty();
        assertThat(nsearch("index", "--home", english.toString(), "--model", MODEL, "--analyzer", "klingon",
                docs.toString()).exit).isNotZero();
    }

    @Test
    @Order(2)
    void searchWithFilter() throws IOException {
        Run r = nsearch("search", "--home", home.toString(), "lower blood pressure", "--k", "20",
                "--filter", "year>=2015, lang in (en|fr), topic!=finance", "--json");
        assertThat(r.exit).as(r.err).isZero();
        assertThat(r.lines()).isNotEmpty();
        for (String line : r.lines()) {
            JsonNode m = JSON.readTree(line).get("metadata");
            assertThat(m.get("year").asInt()).isGreaterThanOrEqualTo(2015);
            assertThat(m.get("lang").asText()).isEqualTo("en");
            assertThat(m.get("topic").asText()).isNotEqualTo("finance");
        }
        assertThat(r.lines()).hasSize(6); // d2 d3 d4 d7 d9 d10
    }

    @Test
    @Order(2)
    void searchText() {
        Run r = nsearch("search", "--home", home.toString(), "为什么高铁能开得那么快", "--k", "2");
        assertThat(r.exit).as(r.err).isZero();
        assertThat(r.out).contains("  1. ").contains("recall #1");
        assertThat(r.err).contains("recalled 2");
    }

    @Test
    @Order(2)
    void searchWithReranker() throws IOException {
        Path reranker = dev.neuralsearch.search.Fixtures.tinyXlmRoberta(tmp.resolve("tiny-ce"));
        Run r = nsearch("search", "--home", home.toString(), "bread", "--k", "8", "--recall", "10", "--rerank", "5",
                "--reranker", reranker.toString(), "--reranker-max-length", "60", "--json");
        assertThat(r.exit).as(r.err).isZero();
        List<JsonNode> hits = new ArrayList<>();
        for (String line : r.lines()) {
            hits.add(JSON.readTree(line));
        }
        assertThat(hits).hasSize(8);
        for (int i = 0; i < 5; i++) {
            assertThat(hits.get(i).get("rerankRank").asInt()).isEqualTo(i + 1);
            assertThat(hits.get(i).get("score").floatValue()).isEqualTo(hits.get(i).get("rerankScore").floatValue());
        }
        for (int i = 5; i < 8; i++) {
            assertThat(hits.get(i).get("rerankRank").isNull()).isTrue();
            assertThat(hits.get(i).get("recallRank").asInt()).isEqualTo(i + 1);
        }
    }

    @Test
    @Order(2)
    void statsJson() throws IOException {
        Run r = nsearch("stats", "--home", home.toString(), "--json");
        assertThat(r.exit).as(r.err).isZero();
        JsonNode s = JSON.readTree(r.out);
        assertThat(s.get("documents").asLong()).isEqualTo(12);
        assertThat(s.get("segments").asInt()).isPositive();
        assertThat(s.get("tombstones").asLong()).isZero();
        assertThat(s.get("bytesOnDisk").asLong()).isPositive();
    }

    @Test
    @Order(2)
    void badFilterIsAUsageError() {
        Run r = nsearch("search", "--home", home.toString(), "bread", "--filter", "year>>2020");
        assertThat(r.exit).isEqualTo(2);
        assertThat(r.err).contains("bad filter \"year>>2020\"").doesNotContain("\tat ");
        assertThat(r.out).isEmpty();
    }

    @Test
    @Order(2)
    void userErrorsAreOneLineAndExitCode1() {
        Run missingHome = nsearch("search", "--home", tmp.resolve("nowhere").toString(), "bread");
        assertThat(missingHome.exit).isEqualTo(Nsearch.EXIT_USER_ERROR);
        assertThat(missingHome.err).contains("no index").doesNotContain("\tat ");

        Run missingFile = nsearch("index", "--home", tmp.resolve("h2").toString(), "--model", MODEL,
                tmp.resolve("missing.jsonl").toString());
        assertThat(missingFile.exit).isEqualTo(Nsearch.EXIT_USER_ERROR);
        assertThat(missingFile.err).contains("missing.jsonl").doesNotContain("\tat ");

        Run badModel = nsearch("embed", "--model", "no-such-model", "hello");
        assertThat(badModel.exit).isEqualTo(Nsearch.EXIT_USER_ERROR);
        assertThat(badModel.err).contains("no-such-model").doesNotContain("\tat ");

        Run rerankWithoutModel = nsearch("search", "--home", home.toString(), "bread", "--rerank", "5");
        assertThat(rerankWithoutModel.exit).isEqualTo(2);
        assertThat(rerankWithoutModel.err).contains("--rerank needs");
    }

    @Test
    @Order(3)
    void reindexingTheSameIdsReplaces() {
        Run r = nsearch("index", "--home", home.toString(), "--no-progress", docs.toString());
        assertThat(r.exit).as(r.err).isZero();
        assertThat(r.lines()).containsExactly("committed 12");
    }

    @Test
    void helpListsTheCommands() {
        Run help = nsearch("--help");
        assertThat(help.exit).isZero();
        assertThat(help.out).contains("demo", "embed", "index", "search", "stats", "eval");
        Run none = nsearch();
        assertThat(none.exit).isEqualTo(2);
        assertThat(none.err).contains("missing command");
    }

    @Test
    void embedJson() throws IOException {
        Run r = nsearch("embed", "--model", MODEL, "--query", "--json", "hello world");
        assertThat(r.exit).as(r.err).isZero();
        JsonNode e = JSON.readTree(r.out);
        assertThat(e.get("dimension").asInt()).isEqualTo(384);
        assertThat(e.get("vector")).hasSize(384);
        assertThat(e.get("norm").asDouble()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-3));
        assertThat(e.get("tokens").asInt()).isEqualTo(4); // [CLS] hello world [SEP]
        assertThat(e.get("truncated").asBoolean()).isFalse();

        Run text = nsearch("embed", "--model", MODEL, "hello world");
        assertThat(text.exit).as(text.err).isZero();
        assertThat(text.out).contains("dimension").contains("384").contains("norm");
    }
}
