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

    @Test
    void servesAnIndexHomeUntilStopped(@TempDir Path tmp) throws Exception {
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

        ServeCommand command = new ServeCommand();
        CompletableFuture<SearchServer> started = new CompletableFuture<>();
        command.onStart = started::complete;
        StringWriter out = new StringWriter();
        CommandLine cl = new CommandLine(command);
        cl.setOut(new PrintWriter(out, true));
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(
                () -> cl.execute("--home", home.toString(), "--port", "0", "--threads", "2"));
        SearchServer server = started.get(2, TimeUnit.MINUTES);
        assertThat(out.toString()).startsWith("serving http://127.0.0.1:" + server.port() + "/ (home: "
                + MODEL + ", 3 documents)");

        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(server.url() + "api/search"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"query\": \"how is bread made\", \"limit\": 2}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode j = JSON.readTree(r.body());
        assertThat(j.path("route").asText()).isEqualTo("home");
        assertThat(j.path("hits").get(0).path("id").asText()).isEqualTo("a");

        command.stop();
        assertThat(exit.get(1, TimeUnit.MINUTES)).isZero();
        // the engine is closed and the home released: another command can open it
        NsearchCommandsTest.Run stats = NsearchCommandsTest.nsearch("stats", "--home", home.toString());
        assertThat(stats.exit()).as(stats.err()).isZero();
        assertThat(stats.out()).contains("documents    3");
    }
}
