package dev.neuralsearch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.neuralsearch.ann.JVectorIndex;
import dev.neuralsearch.core.NeuralSearch;
import dev.neuralsearch.encoder.BiEncoder;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Malformed input, fed to {@code nsearch index} (from a file and from stdin) and to the HTTP API: each gets an
 * error that says what is wrong and where, and the index stays usable with nothing lost.
 *
 * <p>A file is checked in full before anything is indexed, so a bad line anywhere leaves the index as it was.
 * From stdin, documents are indexed as they come: what was committed before the bad line stays, the rest
 * (uncommitted) is dropped.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BadInputCatalogueTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MODEL = "all-minilm-l6-v2-q";
    private static final String GOOD = line("c", "Whales are mammals that breathe air through a blowhole.");

    @TempDir
    static Path tmp;
    private static Path home;

    private static String line(String id, String text) {
        try {
            return JSON.writeValueAsString(Map.of("id", id, "text", text));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @BeforeAll
    static void indexTwo() throws Exception {
        home = tmp.resolve("home");
        Path docs = tmp.resolve("start.jsonl");
        Files.writeString(docs, line("a", "Yeast makes bread dough rise.") + "\n"
                + line("b", "A black hole forms when a massive star collapses.") + "\n");
        NsearchCommandsTest.Run r = NsearchCommandsTest.nsearch("index", "--home", home.toString(), "--model", MODEL,
                "--no-progress", docs.toString());
        assertThat(r.exit()).as(r.err()).isZero();
    }

    /** The bad inputs: a name, the bytes after one good line, and what the error must say. */
    record Bad(String name, byte[] bytes, String error) {
        static Bad of(String name, String secondLine, String error) {
            return new Bad(name, (GOOD + "\n" + secondLine + "\n").getBytes(StandardCharsets.UTF_8), error);
        }
    }

    static List<Bad> catalogue() {
        ByteArrayOutputStream utf8 = new ByteArrayOutputStream();
        utf8.writeBytes((GOOD + "\n{\"id\": \"u\", \"text\": \"caf").getBytes(StandardCharsets.UTF_8));
        utf8.write(0xC3); // the first byte of a two-byte sequence, then a quote instead of its second byte
        utf8.writeBytes("\"}\n".getBytes(StandardCharsets.UTF_8));
        List<Bad> bads = new ArrayList<>();
        bads.add(new Bad("invalid UTF-8", utf8.toByteArray(), ":2: not valid UTF-8 (byte 25 of the line)"));
        bads.add(Bad.of("deep JSON", "{\"id\": \"deep\", \"text\": \"t\", \"metadata\": {\"x\": " + "[".repeat(100_000)
                + "]".repeat(100_000) + "}}", ":2: not valid JSON: Document nesting depth"));
        bads.add(Bad.of("huge id", line("x".repeat(100_000), "t"), ":2: document id is 100000 UTF-8 bytes long;"
                + " the limit is 512"));
        bads.add(Bad.of("NaN", "{\"id\": \"n\", \"text\": \"t\", \"metadata\": {\"score\": NaN}}",
                ":2: not valid JSON: Non-standard token 'NaN'"));
        bads.add(Bad.of("Infinity", "{\"id\": \"i\", \"text\": \"t\", \"metadata\": {\"score\": 1e999}}",
                ":2: document i: metadata 'score' is Infinity; numbers must be finite"));
        bads.add(Bad.of("unpaired surrogate", "{\"id\": \"s\", \"text\": \"x\\ud800y\"}",
                ":2: document s: text has an unpaired surrogate (\\ud800) at index 1"));
        bads.add(Bad.of("empty text", line("e", "   "), ":2: document e has an empty text"));
        bads.add(Bad.of("text of the wrong type", "{\"id\": \"w\", \"text\": 42}",
                ":2: document w: \"text\" must be a string, got number"));
        bads.add(Bad.of("id of the wrong type", "{\"id\": {\"a\": 1}, \"text\": \"t\"}",
                ":2: \"id\" must be a string or an integer, got object"));
        bads.add(Bad.of("metadata of the wrong type", "{\"id\": \"m\", \"text\": \"t\", \"metadata\": [1]}",
                ":2: \"metadata\" must be an object"));
        bads.add(new Bad("truncated last line", (GOOD + "\n{\"id\": \"t\", \"text\": \"cut he")
                .getBytes(StandardCharsets.UTF_8), ":2: not valid JSON: Unexpected end-of-input"));
        return bads;
    }

    private static long documents() {
        NsearchCommandsTest.Run stats = NsearchCommandsTest.nsearch("stats", "--home", home.toString());
        assertThat(stats.exit()).as(stats.err()).isZero();
        String line = stats.out().lines().filter(l -> l.startsWith("documents")).findFirst().orElseThrow();
        return Long.parseLong(line.replaceAll("\\D", ""));
    }

    private static void searchStillWorks() {
        NsearchCommandsTest.Run s = NsearchCommandsTest.nsearch("search", "--home", home.toString(), "how is bread made");
        assertThat(s.exit()).as(s.err()).isZero();
        assertThat(s.out()).contains("a");
    }

    private static NsearchCommandsTest.Run indexStdin(byte[] bytes, String... extra) {
        InputStream saved = System.in;
        System.setIn(new ByteArrayInputStream(bytes));
        try {
            List<String> args = new ArrayList<>(List.of("index", "--home", home.toString(), "--no-progress"));
            args.addAll(List.of(extra));
            args.add("-");
            return NsearchCommandsTest.nsearch(args.toArray(String[]::new));
        } finally {
            System.setIn(saved);
        }
    }

    @Test
    @Order(1)
    void eachBadFileIsRefusedNamingItsLineAndNothingIsIndexed() throws Exception {
        for (Bad bad : catalogue()) {
            Path file = tmp.resolve("bad.jsonl");
            Files.write(file, bad.bytes());
            NsearchCommandsTest.Run r = NsearchCommandsTest.nsearch("index", "--home", home.toString(),
                    "--no-progress", file.toString());
            assertThat(r.exit()).as(bad.name() + ": " + r.err()).isEqualTo(Nsearch.EXIT_USER_ERROR);
            assertThat(r.err()).as(bad.name()).contains("index: error: " + file + bad.error())
                    .doesNotContain("\tat ");
            assertThat(r.err().length()).as(bad.name() + ": the error quotes no 100 KB line").isLessThan(2000);
        }
        // the good line before each bad one was not indexed either: the file is all or nothing
        assertThat(documents()).isEqualTo(2);
        searchStillWorks();
    }

    @Test
    @Order(2)
    void badStdinIsRefusedNamingItsLineAndDropsWhatWasNotCommitted() throws Exception {
        for (Bad bad : catalogue()) {
            if (!List.of("invalid UTF-8", "truncated last line", "Infinity").contains(bad.name())) {
                continue; // the file test covers the parsing; these three cover stdin's own path
            }
            NsearchCommandsTest.Run r = indexStdin(bad.bytes());
            assertThat(r.exit()).as(bad.name() + ": " + r.err()).isEqualTo(Nsearch.EXIT_USER_ERROR);
            assertThat(r.err()).as(bad.name()).contains("index: error: stdin" + bad.error());
        }
        assertThat(documents()).as("the good first lines were never committed").isEqualTo(2);

        // committing after every document: the line before the bad one is committed and stays
        NsearchCommandsTest.Run r = indexStdin(catalogue().get(0).bytes(), "--commit-every", "1");
        assertThat(r.exit()).isEqualTo(Nsearch.EXIT_USER_ERROR);
        assertThat(r.out()).contains("committed 3");
        assertThat(documents()).isEqualTo(3);
        searchStillWorks();
    }

    @Test
    @Order(3)
    void duplicateIdsInOneBatchMeanTheLastLineWins() throws Exception {
        Path file = tmp.resolve("dupes.jsonl");
        Files.writeString(file, line("d", "first text") + "\n" + line("e", "other") + "\n"
                + line("d", "Penguins cannot fly but swim very well.") + "\n");
        NsearchCommandsTest.Run r = NsearchCommandsTest.nsearch("index", "--home", home.toString(), "--no-progress",
                file.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(documents()).isEqualTo(5);
        NsearchCommandsTest.Run s = NsearchCommandsTest.nsearch("search", "--home", home.toString(), "--json",
                "birds that swim");
        assertThat(s.exit()).as(s.err()).isZero();
        assertThat(s.out()).contains("Penguins cannot fly").doesNotContain("first text");
    }

    @Test
    @Order(4)
    void theHttpApiRefusesEachWithAClearErrorAndKeepsServing() throws Exception {
        Path copy = tmp.resolve("served");
        try (Stream<Path> files = Files.walk(home)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Files.copy(p, copy.resolve(home.relativize(p).toString()));
            }
        }
        BiEncoder encoder = Components.encoder(MODEL);
        NeuralSearch engine = NeuralSearch.builder().encoder(encoder).index(JVectorIndex.at(copy)).build();
        try (SearchServer server = new SearchServer(
                List.of(new SearchServer.Route("home", engine, encoder, t -> true)), "127.0.0.1", 0, 2)) {
            int port = server.port();
            byte[] badUtf8 = {'{', '"', 'q', 'u', 'e', 'r', 'y', '"', ':', '"', (byte) 0xC3, '"', '}'};
            Object[][] cases = {
                    {badUtf8, 400, "malformed JSON"},
                    {"{\"query\": " + "[".repeat(10_000) + "]".repeat(10_000) + "}", 400, "nesting depth"},
                    {"{\"query\": \"x\", \"route\": \"" + "r".repeat(30_000) + "\"}", 400, "no route"},
                    {"{\"query\": \"x\", \"limit\": NaN}", 400, "Non-standard token 'NaN'"},
                    {"{\"query\": \"x\", \"filter\": {\"year\": {\">=\": 1e999}}}", 400, "needs a finite number"},
                    {"{\"query\": \"x\", \"filter\": {\"year\": -1e999}}", 400, "not a finite number"},
                    {"{\"query\": \"\"}", 400, "\"query\" is empty"},
                    {"{\"query\": [\"x\"]}", 400, "\"query\" must be a string"},
                    {"{\"query\": \"x\", \"limit\": 2.5}", 400, "\"limit\" must be an integer"},
                    {"{\"query\": \"x\", \"query\": \"y\"}", 400, "Duplicate field 'query'"},
                    {"{\"query\": \"x\"", 400, "malformed JSON"},
            };
            for (Object[] c : cases) {
                byte[] body = c[0] instanceof byte[] b ? b : ((String) c[0]).getBytes(StandardCharsets.UTF_8);
                ServeHardeningTest.Reply r = post(port, body, body.length, false);
                assertThat(r.status()).as(r.body()).isEqualTo(c[1]);
                JsonNode error = JSON.readTree(r.body()).path("error");
                assertThat(error.asText()).as(r.body()).contains((String) c[2]);
                assertThat(r.body().length()).as("error replies quote no 30 KB input").isLessThan(35_000);
            }
            // a body cut short: the client announces 100 bytes, sends 14 and closes its side
            ServeHardeningTest.Reply cut = post(port, "{\"query\": \"x\"".getBytes(StandardCharsets.UTF_8), 100, true);
            assertThat(cut.status()).as(cut.body()).isEqualTo(400);
            assertThat(cut.body()).contains("could not be read");

            ServeHardeningTest.Reply ok = post(port, "{\"query\": \"how is bread made\"}".getBytes(StandardCharsets.UTF_8),
                    -1, false);
            assertThat(ok.status()).as(ok.body()).isEqualTo(200);
            assertThat(JSON.readTree(ok.body()).path("hits").get(0).path("id").asText()).isEqualTo("a");
            assertThat(engine.stats().documents()).isEqualTo(5);
        } finally {
            engine.close();
        }
    }

    /** A POST on a raw socket; {@code length} -1: the body's own. */
    private static ServeHardeningTest.Reply post(int port, byte[] body, int length, boolean closeOutput)
            throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(30_000);
            OutputStream out = s.getOutputStream();
            out.write(("POST /api/search HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nContent-Type: application/json"
                    + "\r\nContent-Length: " + (length < 0 ? body.length : length) + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            if (closeOutput) {
                s.shutdownOutput();
            }
            String reply = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int split = reply.indexOf("\r\n\r\n");
            return new ServeHardeningTest.Reply(Integer.parseInt(reply.substring(9, 12)), reply.substring(0, split),
                    reply.substring(split + 4));
        }
    }
}
