package dev.neuralsearch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The deployment of issue 20: `nsearch index` commits every 200 documents in its own process while `nsearch stats`,
 * `nsearch search` and `nsearch serve` read the same home (read-only, no lock) and follow its commits.
 */
class ReadersBesideWriterTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void statsSearchAndServeFollowARunningIndexCommand() throws Exception {
        Path home = tmp.resolve("home");
        Path docs = tmp.resolve("docs.jsonl");
        List<String> lines = new ArrayList<>();
        String[] topics = {"stars", "bread", "trains", "rivers", "music", "chess", "glaciers", "vaccines"};
        for (int i = 0; i < 6000; i++) {
            String topic = topics[i % topics.length];
            lines.add(JSON.writeValueAsString(Map.of("id", "d" + i,
                    "text", "Note " + i + " about " + topic + ": " + topic + " and more " + topic + " facts " + (i * 7919 % 1000),
                    "metadata", Map.of("topic", topic, "n", i))));
        }
        Files.write(docs, lines, StandardCharsets.UTF_8);
        Process writer = startIndex(home, docs);
        CompletableFuture<Integer> serveExit = new CompletableFuture<>();
        ServeCommand serve = null;
        try {
            waitForCommits(writer, 2);
            // serve starts mid-ingest
            CompletableFuture<SearchServer> started = new CompletableFuture<>();
            serve = new ServeCommand();
            serve.onStart = started::complete;
            CommandLine cl = new CommandLine(serve);
            cl.setOut(new PrintWriter(new StringWriter(), true));
            cl.setErr(new PrintWriter(new StringWriter(), true));
            Thread t = new Thread(() -> serveExit.complete(cl.execute("--home", home.toString(), "--port", "0",
                    "--refresh-every", "0.2")), "serve");
            t.setDaemon(true);
            t.start();
            SearchServer server = started.get(5, TimeUnit.MINUTES);
            long servedFirst = servedDocuments(server.url());

            long last = 0;
            for (int i = 0; i < 8; i++) {
                NsearchCommandsTest.Run stats = NsearchCommandsTest.nsearch("stats", "--home", home.toString(), "--json");
                assertThat(stats.exit()).as("stats %d: %s", i, stats.err()).isZero();
                long documents = JSON.readTree(stats.out()).get("documents").asLong();
                assertThat(documents).as("stats %d: counts never go back", i).isGreaterThanOrEqualTo(last);
                last = documents;
                NsearchCommandsTest.Run search = NsearchCommandsTest.nsearch("search", "--home", home.toString(),
                        "facts about glaciers", "--k", "3", "--json");
                assertThat(search.exit()).as("search %d: %s", i, search.err()).isZero();
                assertThat(search.lines()).hasSize(3);
                Thread.sleep(300);
            }
            assertThat(writer.isAlive()).as("the writer was still indexing during the reads").isTrue();
            long servedLater = servedFirst;
            for (int i = 0; i < 600 && servedLater <= servedFirst; i++) {
                Thread.sleep(100);
                servedLater = servedDocuments(server.url());
            }
            assertThat(servedLater).as("serve follows new commits without a restart").isGreaterThan(servedFirst);
        } finally {
            if (serve != null) {
                serve.stop();
            }
            writer.destroyForcibly();
            writer.waitFor(30, TimeUnit.SECONDS);
        }
        assertThat(serveExit.get(60, TimeUnit.SECONDS)).isZero();
    }

    private static long servedDocuments(String url) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(url + "api/stats")).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode body = JSON.readTree(r.body());
        return body.get("documents").asLong();
    }

    private static Process startIndex(Path home, Path docs) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("--add-") || a.startsWith("--enable-native-access") || a.startsWith("--sun-misc")
                    || a.startsWith("-D")) {
                cmd.add(a);
            }
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(Nsearch.class.getName());
        cmd.addAll(List.of("index", "--home", home.toString(), "--model", "all-minilm-l6-v2-q", "--commit-every", "200",
                "--no-progress", docs.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        return pb.start();
    }

    private static void waitForCommits(Process writer, int commits) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(writer.getInputStream(), StandardCharsets.UTF_8));
        int seen = 0;
        String line;
        while (seen < commits && (line = out.readLine()) != null) {
            if (line.startsWith("committed ")) {
                seen++;
            }
        }
        assertThat(seen).as("the writer committed").isEqualTo(commits);
        Thread drain = new Thread(() -> {
            try {
                while (out.readLine() != null) {
                    // keep the pipe open and empty
                }
            } catch (java.io.IOException ignored) {
                // the writer ended
            }
        });
        drain.setDaemon(true);
        drain.start();
    }
}
