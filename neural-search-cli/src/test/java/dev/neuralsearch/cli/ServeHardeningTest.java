package dev.neuralsearch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.neuralsearch.ann.JVectorIndex;
import dev.neuralsearch.core.NeuralSearch;
import dev.neuralsearch.encoder.BiEncoder;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code nsearch serve} against hostile clients, over real sockets: foreign Host names (DNS rebinding),
 * cross-site requests, a filter built to make a regex backtrack, stalled connections, a missing token, and
 * error replies that must not tell where files live.
 */
class ServeHardeningTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MODEL = "all-minilm-l6-v2-q";
    private static final String SEARCH = "{\"query\": \"how is bread made\", \"limit\": 2}";

    @TempDir
    static Path tmp;
    private static Path indexed;
    private static Running serve;

    record Reply(int status, String headers, String body) {
    }

    /** A running {@code serve} in a background thread. */
    record Running(ServeCommand command, SearchServer server, StringWriter err, CompletableFuture<Integer> exit) {
        static Running start(ServeCommand command, String... args) throws Exception {
            CompletableFuture<SearchServer> started = new CompletableFuture<>();
            command.onStart = started::complete;
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            CommandLine cl = new CommandLine(command);
            cl.setOut(new PrintWriter(out, true));
            cl.setErr(new PrintWriter(err, true));
            CompletableFuture<Integer> exit = new CompletableFuture<>();
            // its own thread: the common pool may have a single worker, held by another running serve
            Thread t = new Thread(() -> exit.complete(cl.execute(args)), "serve-" + System.nanoTime());
            t.setDaemon(true);
            t.start();
            exit.whenComplete((code, e) -> started.completeExceptionally(
                    new IllegalStateException("serve ended (" + code + "): " + out + err, e)));
            return new Running(command, started.get(2, TimeUnit.MINUTES), err, exit);
        }

        int port() {
            return server.port();
        }

        void stop() throws Exception {
            command.stop();
            exit.get(1, TimeUnit.MINUTES);
        }
    }

    @BeforeAll
    static void indexAndServe() throws Exception {
        indexed = tmp.resolve("indexed");
        Path docs = tmp.resolve("docs.jsonl");
        Files.write(docs, List.of(
                JSON.writeValueAsString(Map.of("id", "a", "text", "Yeast makes bread dough rise.")),
                JSON.writeValueAsString(Map.of("id", "b", "text", "A black hole forms when a massive star collapses.")),
                JSON.writeValueAsString(Map.of("id", "c", "text", "Index funds spread the risk over many companies."))),
                StandardCharsets.UTF_8);
        NsearchCommandsTest.Run index = NsearchCommandsTest.nsearch("index", "--home", indexed.toString(), "--model",
                MODEL, "--no-progress", docs.toString());
        assertThat(index.exit()).as(index.err()).isZero();
        serve = Running.start(new ServeCommand(), "--home", copyOfHome("main").toString(), "--port", "0",
                "--threads", "4", "--allow-host", "search.lan");
    }

    @AfterAll
    static void stop() throws Exception {
        if (serve != null) {
            serve.stop();
        }
    }

    /** A copy of the indexed home: each server opens its own (a home has one writer). */
    private static Path copyOfHome(String name) throws IOException {
        Path copy = tmp.resolve(name);
        try (Stream<Path> files = Files.walk(indexed)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Files.copy(p, copy.resolve(indexed.relativize(p).toString()));
            }
        }
        return copy;
    }

    /** Sends {@code head} (without the blank line) and {@code body} on a fresh connection; reads the reply. */
    static Reply raw(int port, String head, String body) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(30_000);
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            OutputStream out = s.getOutputStream();
            out.write((head + "\r\nContent-Length: " + bytes.length + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.UTF_8));
            out.write(bytes);
            out.flush();
            String reply = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int split = reply.indexOf("\r\n\r\n");
            return new Reply(Integer.parseInt(reply.substring(9, 12)), reply.substring(0, split),
                    reply.substring(split + 4));
        }
    }

    static Reply post(int port, String host, String extraHeaders, String body) throws IOException {
        return raw(port, "POST /api/search HTTP/1.1\r\nHost: " + host + "\r\nContent-Type: application/json"
                + extraHeaders, body);
    }

    @Test
    void aForeignHostIsRefused() throws Exception {
        int port = serve.port();
        Reply evil = post(port, "evil.example:" + port, "", SEARCH);
        assertThat(evil.status()).as(evil.body()).isEqualTo(403);
        assertThat(evil.body()).contains("is not this server").doesNotContain("\"hits\"");
        assertThat(raw(port, "GET / HTTP/1.1\r\nHost: evil.example:" + port, "").status()).isEqualTo(403);
        // the right name on the wrong port is someone else's origin too
        assertThat(post(port, "127.0.0.1:" + (port == 1 ? 2 : port - 1), "", SEARCH).status()).isEqualTo(403);

        for (String host : List.of("127.0.0.1:" + port, "localhost:" + port, "LOCALHOST:" + port, "search.lan:" + port)) {
            Reply ok = post(port, host, "", SEARCH);
            assertThat(ok.status()).as(host + ": " + ok.body()).isEqualTo(200);
            assertThat(JSON.readTree(ok.body()).path("hits").get(0).path("id").asText()).isEqualTo("a");
        }
    }

    @Test
    void aCrossSitePostIsRefused() throws Exception {
        int port = serve.port();
        String host = "127.0.0.1:" + port;
        // what a page on another site can send without a preflight: text/plain, with its own Origin
        Reply simple = raw(port, "POST /api/search HTTP/1.1\r\nHost: " + host
                + "\r\nContent-Type: text/plain\r\nOrigin: http://evil.example", SEARCH);
        assertThat(simple.status()).as(simple.body()).isEqualTo(403);
        assertThat(simple.body()).contains("cross-origin request from \\\"http://evil.example\\\" refused");
        // the same body as text/plain without an Origin: refused for its type
        Reply plain = raw(port, "POST /api/search HTTP/1.1\r\nHost: " + host + "\r\nContent-Type: text/plain", SEARCH);
        assertThat(plain.status()).as(plain.body()).isEqualTo(415);
        assertThat(plain.body()).contains("application/json");
        // JSON from another origin: refused too
        assertThat(post(port, host, "\r\nOrigin: http://evil.example", SEARCH).status()).isEqualTo(403);
        assertThat(post(port, host, "\r\nOrigin: null", SEARCH).status()).isEqualTo(403);
        // the page's own origin
        assertThat(post(port, host, "\r\nOrigin: http://" + host, SEARCH).status()).isEqualTo(200);
    }

    @Test
    void aSixtyThousandDigitFilterIsAnsweredFast() throws Exception {
        int port = serve.port();
        String body = JSON.writeValueAsString(Map.of("query", "bread", "filter", "a=" + "1".repeat(60_000) + "x"));
        long started = System.nanoTime();
        Reply r = post(port, "127.0.0.1:" + port, "", body);
        long millis = (System.nanoTime() - started) / 1_000_000;
        assertThat(r.status()).as(r.body()).isIn(200, 400);
        assertThat(millis).as("ms").isLessThan(2000);
        Reply range = post(port, "127.0.0.1:" + port, "",
                JSON.writeValueAsString(Map.of("query", "bread", "filter", "a>=" + "1".repeat(60_000) + "x")));
        assertThat(range.status()).isEqualTo(400);
        assertThat(range.body().length()).as("the error quotes a cut of the filter").isLessThan(1000);
    }

    @Test
    void stalledConnectionsDoNotHoldTheWorkers() throws Exception {
        int port = serve.port();
        List<Socket> stalled = new ArrayList<>();
        try {
            // twice the 4 workers: each announces a 100-byte body and sends none of it
            for (int i = 0; i < 8; i++) {
                Socket s = new Socket("127.0.0.1", port);
                stalled.add(s);
                s.getOutputStream().write(("POST /api/search HTTP/1.1\r\nHost: 127.0.0.1:" + port
                        + "\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
            }
            Thread.sleep(300);
            long started = System.nanoTime();
            Reply r = post(port, "127.0.0.1:" + port, "", SEARCH);
            long millis = (System.nanoTime() - started) / 1_000_000;
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            assertThat(millis).as("ms").isLessThan(3000);
            // the stalled ones are still open and unanswered
            for (Socket s : stalled) {
                assertThat(s.getInputStream().available()).isZero();
            }
        } finally {
            for (Socket s : stalled) {
                s.close();
            }
        }
    }

    @Test
    void aTricklingClientIsCutOffAtTheBodyDeadline() throws Exception {
        int port = serve.port();
        long started = System.nanoTime();
        String reply = "";
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.getOutputStream().write(("POST /api/search HTTP/1.1\r\nHost: 127.0.0.1:" + port
                    + "\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            s.setSoTimeout(500);
            // a byte every half second: never idle long enough for the idle timeout
            for (int i = 0; i < 60 && reply.isEmpty(); i++) {
                try {
                    s.getOutputStream().write(' ');
                    s.getOutputStream().flush();
                    byte[] b = s.getInputStream().readNBytes(12);
                    reply = b.length == 0 ? "closed" : new String(b, StandardCharsets.US_ASCII);
                } catch (java.net.SocketTimeoutException e) {
                    // nothing yet
                } catch (IOException e) {
                    reply = "closed: " + e.getMessage();
                }
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        assertThat(reply).startsWith("HTTP/1.1 408");
        assertThat(seconds).isLessThan(SearchServer.BODY_DEADLINE_MILLIS / 1000.0 + 5);
        assertThat(post(port, "127.0.0.1:" + port, "", SEARCH).status()).isEqualTo(200);
    }

    @Test
    void aNonLoopbackBindNeedsAToken() throws Exception {
        Path home = copyOfHome("token");
        NsearchCommandsTest.Run refused = NsearchCommandsTest.nsearch("serve", "--home", home.toString(),
                "--port", "0", "--bind", "0.0.0.0");
        assertThat(refused.exit()).isEqualTo(2);
        assertThat(refused.err()).contains("--bind 0.0.0.0 lets other machines in: give a token");

        ServeCommand command = new ServeCommand();
        command.env = name -> "NSEARCH_TOKEN".equals(name) ? "correct horse battery staple" : null;
        Running open = Running.start(command, "--home", home.toString(), "--port", "0", "--bind", "0.0.0.0");
        try {
            int port = open.port();
            String host = "127.0.0.1:" + port;
            Reply none = post(port, host, "", SEARCH);
            assertThat(none.status()).as(none.body()).isEqualTo(401);
            assertThat(none.headers()).containsIgnoringCase("WWW-Authenticate: Bearer");
            assertThat(none.body()).doesNotContain("\"hits\"");
            assertThat(post(port, host, "\r\nAuthorization: Bearer correct horse", SEARCH).status()).isEqualTo(401);
            assertThat(raw(port, "GET /api/stats HTTP/1.1\r\nHost: " + host, "").status()).isEqualTo(401);
            Reply ok = post(port, host, "\r\nAuthorization: Bearer correct horse battery staple", SEARCH);
            assertThat(ok.status()).as(ok.body()).isEqualTo(200);
            // the page itself holds no data: a browser loads it, then the page asks for the token
            assertThat(raw(port, "GET / HTTP/1.1\r\nHost: " + host, "").status()).isEqualTo(200);
        } finally {
            open.stop();
        }
    }

    @Test
    void errorRepliesTellWhatWasWrongNotWhereFilesLive() throws Exception {
        Path home = copyOfHome("closed");
        BiEncoder encoder = Components.encoder(MODEL);
        JVectorIndex index = JVectorIndex.open(home,
                new dev.neuralsearch.core.IndexSchema(encoder.modelId(), encoder.dimension(), encoder.similarity()));
        NeuralSearch engine = NeuralSearch.builder().encoder(encoder).index(index).build();
        try (SearchServer server = new SearchServer(
                List.of(new SearchServer.Route("home", engine, encoder, t -> true)), "127.0.0.1", 0, 2)) {
            int port = server.port();
            assertThat(post(port, "127.0.0.1:" + port, "", SEARCH).status()).isEqualTo(200);
            index.close(); // the index goes away under the server: its error names the home
            Reply r = post(port, "127.0.0.1:" + port, "", SEARCH);
            assertThat(r.status()).isBetween(400, 599);
            assertThat(JSON.readTree(r.body()).path("error").asText()).isNotBlank();
            assertThat(r.body()).doesNotContain(tmp.toString()).doesNotContain(home.toString())
                    .doesNotContain("Exception").doesNotContain("java.");
            Reply bad = post(port, "127.0.0.1:" + port, "", "{\"query\": \"x\", \"limit\": \"ten\"}");
            assertThat(JSON.readTree(bad.body()).path("error").asText()).contains("\"limit\" must be an integer");
        } finally {
            engine.close();
        }
    }
}
