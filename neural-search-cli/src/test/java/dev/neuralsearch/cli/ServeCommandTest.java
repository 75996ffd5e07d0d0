package dev.neuralsearch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code nsearch serve} as a command: its options, its errors, and serving an index home until stopped. */
class ServeCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MODEL = "all-minilm-l6-v2-q";

    @Test
    void listedInTheHelp() {
        NsearchCommandsTest.Run help = NsearchCommandsTest.nsearch("--help");
        assertThat(help.out()).contains("serve");
        NsearchCommandsTest.Run serveHelp = NsearchCommandsTest.nsearch("serve", "--help");
        assertThat(serveHelp.exit()).isZero();
        assertThat(serveHelp.out()).contains("--demo", "--home", "--port", "--bind", "--reranker", "127.0.0.1");
    }

    @Test
    void badInvocationsAreExplained(@TempDir Path tmp) {
        NsearchCommandsTest.Run none = NsearchCommandsTest.nsearch("serve");
        assertThat(none.exit()).isEqualTo(2);
        assertThat(none.err()).contains("give an index home (--home <dir>) or --demo");

        NsearchCommandsTest.Run demoModel = NsearchCommandsTest.nsearch("serve", "--demo", "--model", MODEL);
        assertThat(demoModel.exit()).isEqualTo(2);
        assertThat(demoModel.err()).contains("--demo picks its own models");

        NsearchCommandsTest.Run port = NsearchCommandsTest.nsearch("serve", "--home", tmp.toString(), "--port", "70000");
        assertThat(port.exit()).isEqualTo(2);
        assertThat(port.err()).contains("--port must be between 0 and 65535");

        NsearchCommandsTest.Run noIndex = NsearchCommandsTest.nsearch("serve", "--home", tmp.resolve("empty").toString());
        assertThat(noIndex.exit()).isEqualTo(Nsearch.EXIT_USER_ERROR);
        assertThat(noIndex.err()).contains("no index at").doesNotContain("\tat ");
    }

    /** Three documents indexed with {@link #MODEL} into {@code tmp/home}. */
    private static Path smallHome(Path tmp) throws Exception {
        Path home = tmp.resolve("home");
        Path docs = tmp.resolve("docs.jsonl");
        Files.write(docs, List.of(
                JSON.writeValueAsString(Map.of("id", "a", "text", "Yeast makes bread dough rise.",
                        "metadata", Map.of("topic", "cooking"))),
                JSON.writeValueAsString(Map.of("id", "b", "text", "A black hole forms when a massive star collapses.",
                        "metadata", Map.of("topic", "astronomy"))),
                JSON.writeValueAsString(Map.of("id", "c", "text", "Stock index funds spread the risk over many companies.",
                        "metadata", Map.of("topic", "finance")))), StandardCharsets.UTF_8);
        NsearchCommandsTest.Run index = NsearchCommandsTest.nsearch("index", "--home", home.toString(), "--model",
                MODEL, "--no-progress", docs.toString());
        assertThat(index.exit()).as(index.err()).isZero();
        return home;
    }

    /** A running {@code serve} in a background thread. */
    private record Running(ServeCommand command, SearchServer server, StringWriter out,
            CompletableFuture<Integer> exit) {
        static Running start(String... args) throws Exception {
            ServeCommand command = new ServeCommand();
            CompletableFuture<SearchServer> started = new CompletableFuture<>();
            command.onStart = started::complete;
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            CommandLine cl = new CommandLine(command);
            cl.setOut(new PrintWriter(out, true));
            cl.setErr(new PrintWriter(err, true));
            CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> cl.execute(args));
            exit.whenComplete((code, e) -> started.completeExceptionally(
                    new IllegalStateException("serve ended (" + code + "): " + out + err, e)));
            return new Running(command, started.get(2, TimeUnit.MINUTES), out, exit);
        }

        JsonNode post(String path, String body) throws Exception {
            HttpResponse<String> r = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(server.url() + path.substring(1)))
                            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            return JSON.readTree(r.body());
        }

        int stop() throws Exception {
            command.stop();
            return exit.get(1, TimeUnit.MINUTES);
        }
    }

    @Test
    void servesAnIndexHomeUntilStopped(@TempDir Path tmp) throws Exception {
        Path home = smallHome(tmp);
        Running serve = Running.start("--home", home.toString(), "--port", "0", "--threads", "2");
        assertThat(serve.out().toString()).startsWith("serving http://127.0.0.1:" + serve.server().port()
                + "/ (home: " + MODEL + ", 3 documents)");

        JsonNode j = serve.post("/api/search", "{\"query\": \"how is bread made\", \"limit\": 2}");
        assertThat(j.path("route").asText()).isEqualTo("home");
        assertThat(j.path("hits").get(0).path("id").asText()).isEqualTo("a");

        assertThat(serve.stop()).isZero();
        // the engine is closed and the home released: another command can open it
        NsearchCommandsTest.Run stats = NsearchCommandsTest.nsearch("stats", "--home", home.toString());
        assertThat(stats.exit()).as(stats.err()).isZero();
        assertThat(stats.out()).contains("documents    3");
    }

    @Test
    void rerankScoresAndRanksWithAReranker(@TempDir Path tmp) throws Exception {
        Path reranker = dev.neuralsearch.search.Fixtures.tinyXlmRoberta(tmp.resolve("tiny-ce"));
        Path home = smallHome(tmp);
        Running serve = Running.start("--home", home.toString(), "--port", "0", "--reranker", reranker.toString(),
                "--reranker-max-length", "60");
        try {
            JsonNode j = serve.post("/api/search",
                    "{\"query\": \"bread\", \"limit\": 3, \"recall\": 3, \"rerank\": 2}");
            assertThat(j.path("reranker").asText()).isNotEmpty();
            assertThat(j.path("reranked").asInt()).isEqualTo(2);
            JsonNode hits = j.path("hits");
            assertThat(hits.size()).isEqualTo(3);
            for (int i = 0; i < 2; i++) {
                assertThat(hits.get(i).path("rerankRank").asInt()).isEqualTo(i + 1);
                assertThat(hits.get(i).path("score").floatValue()).isEqualTo(hits.get(i).path("rerankScore").floatValue());
            }
            assertThat(hits.get(2).path("rerankRank").isNull()).isTrue();
            assertThat(hits.get(2).path("recallRank").asInt()).isEqualTo(3);
            assertThat(j.path("timings").path("rerankMs").asDouble()).isPositive();
        } finally {
            assertThat(serve.stop()).isZero();
        }
    }
}
