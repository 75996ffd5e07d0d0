package dev.neuralsearch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code nsearch serve --demo} over real HTTP on a free loopback port, against the indexed demo corpus. */
class ServeApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private static String base;

    record Response(int status, String contentType, String body, HttpResponse<String> raw) {
        JsonNode json() throws IOException {
            return JSON.readTree(body);
        }
    }

    @BeforeAll
    static void start() throws Exception {
        base = ServeFixture.get().url();
        assertThat(base).startsWith("http://127.0.0.1:").endsWith("/");
    }

    static Response send(String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path.substring(1)))
                .timeout(Duration.ofSeconds(60));
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (body != null) {
            b.header("Content-Type", "application/json; charset=utf-8");
        }
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        return new Response(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body(), r);
    }

    static Response post(String path, Object body) throws Exception {
        return send("POST", path, JSON.writeValueAsString(body));
    }

    private static void assertError(Response r, int status, String messagePart) throws IOException {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.contentType()).isEqualTo("application/json; charset=utf-8");
        assertThat(r.json().path("error").asText()).as(r.body()).contains(messagePart);
    }

    @Test
    void embedReturnsTheVectorAndItsNumbers() throws Exception {
        Response r = post("/api/embed", Map.of("text", "how do black holes form"));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.contentType()).isEqualTo("application/json; charset=utf-8");
        JsonNode j = r.json();
        assertThat(j.path("model").asText()).isEqualTo("bge-small-en-v1.5-q");
        assertThat(j.path("route").asText()).isEqualTo("en");
        assertThat(j.path("role").asText()).isEqualTo("query");
        assertThat(j.path("dimension").asInt()).isEqualTo(384);
        assertThat(j.path("vector").size()).isEqualTo(384);
        assertThat(j.path("norm").asDouble()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-3));
        assertThat(j.path("tokens").asInt()).isBetween(5, 40);
        assertThat(j.path("truncated").asBoolean()).isFalse();

        JsonNode zh = post("/api/embed", Map.of("text", "为什么高铁能开得那么快", "role", "passage")).json();
        assertThat(zh.path("model").asText()).isEqualTo("bge-small-zh-v1.5-q");
        assertThat(zh.path("route").asText()).isEqualTo("zh");
        assertThat(zh.path("role").asText()).isEqualTo("passage");
        assertThat(zh.path("dimension").asInt()).isEqualTo(512);

        JsonNode longText = post("/api/embed", Map.of("text", "word ".repeat(2000))).json();
        assertThat(longText.path("truncated").asBoolean()).as(longText.toString()).isTrue();
        assertThat(longText.path("tokens").asInt()).isEqualTo(512);
    }

    @Test
    void searchFindsTheRelevantDocumentWithScoresRanksRouteAndTimings() throws Exception {
        Response r = post("/api/search", Map.of("query", "how do black holes form", "limit", 5));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode j = r.json();
        assertThat(j.path("route").asText()).isEqualTo("en");
        assertThat(j.path("model").asText()).isEqualTo("bge-small-en-v1.5-q");
        assertThat(j.path("reranker").isNull()).isTrue();
        assertThat(j.path("hits").size()).isEqualTo(5);
        List<String> top = new ArrayList<>();
        j.path("hits").forEach(h -> top.add(h.path("id").asText()));
        // the judged-relevant document is in the top 3 (bge-small-en-v1.5-q puts its sibling en-003 first)
        assertThat(top.subList(0, 3)).contains("en-001");
        JsonNode first = j.path("hits").get(0);
        assertThat(first.path("rank").asInt()).isEqualTo(1);
        assertThat(first.path("recallRank").asInt()).isEqualTo(1);
        assertThat(first.path("recallScore").asDouble()).isGreaterThan(j.path("hits").get(4).path("recallScore").asDouble());
        assertThat(first.path("rerankScore").isNull()).isTrue();
        assertThat(first.path("rerankRank").isNull()).isTrue();
        assertThat(first.path("metadata").path("topic").asText()).isEqualTo("astronomy");
        assertThat(first.path("text").asText()).isNotBlank();
        JsonNode t = j.path("timings");
        assertThat(t.path("encodeMs").asDouble()).isPositive();
        assertThat(t.path("recallMs").asDouble()).isPositive();
        assertThat(t.path("rerankMs").asDouble()).isZero();
        assertThat(t.path("totalMs").asDouble()).isGreaterThanOrEqualTo(t.path("encodeMs").asDouble());
        assertThat(j.path("recalled").asInt()).isGreaterThanOrEqualTo(5);
        assertThat(j.path("reranked").asInt()).isZero();

        // Chinese: routed to the Chinese index, UTF-8 both ways
        String q = "为什么高铁能开得那么快";
        JsonNode zh = post("/api/search", Map.of("query", q, "limit", 3)).json();
        assertThat(zh.path("query").asText()).isEqualTo(q);
        assertThat(zh.path("route").asText()).isEqualTo("zh");
        List<String> ids = new ArrayList<>();
        zh.path("hits").forEach(h -> ids.add(h.path("id").asText()));
        assertThat(ids).contains("zh-061");
        assertThat(zh.path("hits").get(0).path("text").asText()).containsPattern("\\p{IsHan}");

        // a named route wins over the automatic choice; recall depth honoured
        JsonNode forced = post("/api/search", Map.of("query", "black holes", "route", "zh", "limit", 2,
                "recall", 20)).json();
        assertThat(forced.path("route").asText()).isEqualTo("zh");
        assertThat(forced.path("recalled").asInt()).isEqualTo(20);
    }

    @Test
    void filtersInTheCommandLineSyntaxAndAsJson() throws Exception {
        JsonNode cli = post("/api/search", Map.of("query", "music", "limit", 20,
                "filter", "year>=2020,topic in (music|sports)")).json();
        assertThat(cli.path("hits").size()).isPositive();
        cli.path("hits").forEach(h -> {
            assertThat(h.path("metadata").path("year").asInt()).isGreaterThanOrEqualTo(2020);
            assertThat(h.path("metadata").path("topic").asText()).isIn("music", "sports");
        });

        JsonNode obj = post("/api/search", Map.of("query", "music", "limit", 20,
                "filter", Map.of("topic", "music", "year", Map.of("<", 2020)))).json();
        assertThat(obj.path("hits").size()).isPositive();
        obj.path("hits").forEach(h -> {
            assertThat(h.path("metadata").path("year").asInt()).isLessThan(2020);
            assertThat(h.path("metadata").path("topic").asText()).isEqualTo("music");
        });

        JsonNode list = post("/api/search", Map.of("query", "anything", "limit", 50,
                "filter", Map.of("id_none", List.of("x"), "featured", true))).json();
        assertThat(list.path("hits").size()).isZero();
        JsonNode featured = post("/api/search", Map.of("query", "anything", "limit", 50,
                "filter", Map.of("featured", true))).json();
        assertThat(featured.path("hits").size()).isBetween(1, 6);
        featured.path("hits").forEach(h -> assertThat(h.path("metadata").path("featured").asBoolean()).isTrue());

        assertError(post("/api/search", Map.of("query", "x", "filter", "year>>2")), 400, "filter");
        assertError(post("/api/search", Map.of("query", "x", "filter", Map.of("year", Map.of("~", 2)))), 400,
                "unknown operator");
        assertError(post("/api/search", Map.of("query", "x", "filter", 7)), 400, "filter must be");
    }

    @Test
    void statsDescribeEachRoute() throws Exception {
        Response r = send("GET", "/api/stats", null);
        assertThat(r.status()).isEqualTo(200);
        JsonNode j = r.json();
        assertThat(j.path("documents").asLong()).isEqualTo(240);
        assertThat(j.path("routes").size()).isEqualTo(2);
        JsonNode en = j.path("routes").get(0);
        assertThat(en.path("name").asText()).isEqualTo("en");
        assertThat(en.path("model").asText()).isEqualTo("bge-small-en-v1.5-q");
        assertThat(en.path("dimension").asInt()).isEqualTo(384);
        assertThat(en.path("documents").asLong()).isEqualTo(150);
        assertThat(en.path("bytesOnDisk").asLong()).isPositive();
        assertThat(j.path("routes").get(1).path("documents").asLong()).isEqualTo(90);
        assertThat(j.path("limits").path("maxRecall").asInt()).isEqualTo(1000);
    }

    @Test
    void thePageAndItsResources() throws Exception {
        Response page = send("GET", "/", null);
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.contentType()).isEqualTo("text/html; charset=utf-8");
        assertThat(page.body()).contains("<meta charset=\"utf-8\">").contains("app.js");
        assertThat(page.raw().headers().firstValue("Content-Security-Policy").orElse("")).contains("script-src 'self'");
        assertThat(send("GET", "/app.js", null).contentType()).isEqualTo("text/javascript; charset=utf-8");
        assertThat(send("GET", "/app.css", null).contentType()).isEqualTo("text/css; charset=utf-8");
        assertThat(send("GET", "/app.js", null).body()).doesNotContain("innerHTML =");
    }

    @Test
    void badRequestsGetAStatusAndAJsonError() throws Exception {
        assertError(send("POST", "/api/search", "{\"query\": \"x\""), 400, "malformed JSON");
        assertError(send("POST", "/api/embed", "not json"), 400, "malformed JSON");
        assertError(send("POST", "/api/search", "[1, 2]"), 400, "JSON object");
        assertError(send("POST", "/api/search", "{\"query\": \"x\"} {\"query\": \"y\"}"), 400, "malformed JSON");
        assertThat(sendBytes("/api/search", new byte[] {'{', '"', 'q', (byte) 0xC3, (byte) 0x28, '"', ':', '1', '}'}))
                .isEqualTo(400);
        assertError(send("POST", "/api/search", ""), 400, "empty");
        assertError(post("/api/search", Map.of("limit", 3)), 400, "\"query\" is required");
        assertError(post("/api/search", Map.of("query", "   ")), 400, "\"query\" is empty");
        assertError(post("/api/embed", Map.of("text", 5)), 400, "must be a string");
        assertError(post("/api/embed", Map.of("text", "x", "role", "title")), 400, "role");
        assertError(post("/api/search", Map.of("query", "x", "limit", 101)), 400, "\"limit\" must be between 1 and 100");
        assertError(post("/api/search", Map.of("query", "x", "limit", 0)), 400, "\"limit\"");
        assertError(post("/api/search", Map.of("query", "x", "limit", "ten")), 400, "integer");
        assertError(post("/api/search", Map.of("query", "x", "recall", 1001)), 400, "\"recall\" must be between 1 and 1000");
        assertError(post("/api/search", Map.of("query", "x", "recall", 5, "limit", 10)), 400, "below the limit");
        assertError(post("/api/search", Map.of("query", "x", "recall", 20, "rerank", 30)), 400, "above the recall depth");
        assertError(post("/api/search", Map.of("query", "x", "rerank", 10)), 400, "no reranker");
        assertError(post("/api/search", Map.of("query", "x", "route", "fr")), 400, "no route \"fr\"");

        assertError(send("GET", "/api/nothing", null), 404, "no such route: /api/nothing");
        assertError(send("GET", "/secret.txt", null), 404, "no such route");
        assertError(send("GET", "/serve/../demo/corpus.jsonl", null), 404, "no such route");
        Response wrongMethod = send("GET", "/api/search", null);
        assertError(wrongMethod, 405, "use POST");
        assertThat(wrongMethod.raw().headers().firstValue("Allow")).hasValue("POST");
        assertError(send("POST", "/api/stats", "{}"), 405, "use GET");
        assertError(send("DELETE", "/", null), 405, "use GET");

        // 64 KiB + 1: refused from its Content-Length, before it is read. Only the headers are sent: a client that
        // goes on sending a body the server has refused may see the connection reset before it reads the answer
        String big = "{\"query\": \"" + "a".repeat(SearchServer.MAX_BODY) + "\"}";
        assertThat(declaredLengthResponse("/api/search", big.getBytes(StandardCharsets.UTF_8).length))
                .startsWith("HTTP/1.1 413").contains("larger than 65536 bytes");
        // and when the client sends no length (chunked), refused while reading
        assertThat(chunkedStatus("/api/embed", big.getBytes(StandardCharsets.UTF_8))).isEqualTo(413);
        // the server still answers afterwards
        assertThat(send("GET", "/api/stats", null).status()).isEqualTo(200);
    }

    private static int sendBytes(String path, byte[] body) throws Exception {
        HttpRequest r = HttpRequest.newBuilder(URI.create(base + path.substring(1)))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        HttpResponse<String> res = HTTP.send(r, HttpResponse.BodyHandlers.ofString());
        assertThat(JSON.readTree(res.body()).path("error").asText()).contains("malformed JSON");
        return res.statusCode();
    }

    /** Sends a body with chunked transfer encoding (no Content-Length) on a raw socket; returns the status. */
    /** The whole response to a POST that announces {@code length} bytes and sends none of them. */
    private static String declaredLengthResponse(String path, int length) throws IOException {
        URI u = URI.create(base);
        try (Socket s = new Socket(u.getHost(), u.getPort())) {
            s.setSoTimeout(30_000);
            s.getOutputStream().write(("POST " + path + " HTTP/1.1\r\nHost: localhost:" + u.getPort()
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + length
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static int chunkedStatus(String path, byte[] body) throws IOException {
        URI u = URI.create(base);
        try (Socket s = new Socket(u.getHost(), u.getPort())) {
            s.setSoTimeout(30_000);
            OutputStream out = s.getOutputStream();
            out.write(("POST " + path + " HTTP/1.1\r\nHost: localhost:" + u.getPort() + "\r\nContent-Type: application/json\r\n"
                    + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            try {
                for (int off = 0; off < body.length; off += 4096) {
                    int n = Math.min(4096, body.length - off);
                    out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(body, off, n);
                    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                }
                out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            } catch (IOException closedEarly) {
                // the server may answer and close before it has read everything
            }
            String head = new String(s.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
            return Integer.parseInt(head.substring(9, 12));
        }
    }

    @Test
    void concurrentSearchesAreServedWhileAnotherRequestIsStuck() throws Exception {
        URI u = URI.create(base);
        // A client that announces a body and never sends it holds one request thread.
        try (Socket stuck = new Socket(u.getHost(), u.getPort())) {
            stuck.getOutputStream().write(("POST /api/search HTTP/1.1\r\nHost: localhost:" + u.getPort() + "\r\nContent-Type: "
                    + "application/json\r\nContent-Length: 100\r\n\r\n{\"query\": ").getBytes(StandardCharsets.US_ASCII));
            stuck.getOutputStream().flush();
            Thread.sleep(200);

            String[][] cases = {{"how do black holes form", "en-001"}, {"为什么高铁能开得那么快", "zh-061"}};
            ExecutorService pool = Executors.newFixedThreadPool(6);
            try {
                List<Future<JsonNode>> futures = new ArrayList<>();
                for (int i = 0; i < 24; i++) {
                    String q = cases[i % 2][0];
                    futures.add(pool.submit(() -> {
                        Response r = post("/api/search", Map.of("query", q, "limit", 3));
                        assertThat(r.status()).as(r.body()).isEqualTo(200);
                        return r.json();
                    }));
                }
                for (int i = 0; i < futures.size(); i++) {
                    JsonNode j = futures.get(i).get(2, TimeUnit.MINUTES);
                    List<String> ids = new ArrayList<>();
                    j.path("hits").forEach(h -> ids.add(h.path("id").asText()));
                    assertThat(ids).contains(cases[i % 2][1]);
                }
            } finally {
                pool.shutdownNow();
            }
            // the stuck request is still waiting for its body, not answered
            stuck.setSoTimeout(200);
            InputStream in = stuck.getInputStream();
            assertThat(in.available()).isZero();
        }
    }
}
