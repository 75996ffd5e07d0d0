package dev.neuralsearch.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.neuralsearch.core.Filter;
import dev.neuralsearch.core.Hit;
import dev.neuralsearch.core.IndexSchema;
import dev.neuralsearch.core.IndexStats;
import dev.neuralsearch.core.NeuralSearch;
import dev.neuralsearch.core.Query;
import dev.neuralsearch.core.SearchResult;
import dev.neuralsearch.encoder.BiEncoder;
import dev.neuralsearch.encoder.EncodedText;
import dev.neuralsearch.encoder.TextRole;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP side of {@code nsearch serve}: a single page (static resources under {@code /serve/}) and a small
 * JSON API over one or more {@link NeuralSearch} engines ("routes"), on the JDK's own {@link HttpServer}.
 *
 * <p>Requests run on a fixed pool of threads and go straight to the engines, which are thread-safe: there is no
 * lock here, so searches do not wait for each other. Bodies are capped at {@link #MAX_BODY} bytes, depths at
 * {@link #MAX_RECALL} and {@link #MAX_LIMIT}. Every error is {@code {"error": "..."}} with a status code.
 * docs/serve.md describes the API.
 */
final class SearchServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SearchServer.class);

    /** Largest accepted request body, bytes (413 above). */
    static final int MAX_BODY = 64 * 1024;
    /** Largest recall depth (400 above). */
    static final int MAX_RECALL = 1000;
    /** Largest number of hits (400 above). */
    static final int MAX_LIMIT = 100;
    static final int DEFAULT_LIMIT = 10;

    /** Seconds a client may take to send a whole request before its connection is closed (slow clients). */
    static final String MAX_REQUEST_SECONDS = "30";

    static {
        // Read once, when the JDK's server first starts; an explicit -D setting wins.
        if (System.getProperty("sun.net.httpserver.maxReqTime") == null) {
            System.setProperty("sun.net.httpserver.maxReqTime", MAX_REQUEST_SECONDS);
        }
    }

    /** Strict about what follows the object: {@code {"query": "x"} junk} is malformed. */
    private static final ObjectMapper JSON = com.fasterxml.jackson.databind.json.JsonMapper.builder()
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();
    private static final String JSON_TYPE = "application/json; charset=utf-8";
    private static final Map<String, String> PAGES = Map.of(
            "/", "index.html", "/index.html", "index.html", "/app.js", "app.js", "/app.css", "app.css");

    /**
     * One engine the server can search. {@code encoder} is the engine's own encoder (for {@code /api/embed});
     * {@code accepts} says whether a query should go here when the request names no route (the first accepting
     * route wins, else the first route).
     */
    record Route(String name, NeuralSearch engine, BiEncoder encoder, Predicate<String> accepts) {
        Route {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(engine, "engine");
            Objects.requireNonNull(encoder, "encoder");
            Objects.requireNonNull(accepts, "accepts");
        }
    }

    /** A bad request: its status code and message become the JSON error. */
    static final class HttpError extends RuntimeException {
        final int status;

        HttpError(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    private final List<Route> routes;
    private final HttpServer server;
    private final ExecutorService executor;

    /** Binds {@code bind:port} (port 0: any free port) and starts serving. */
    SearchServer(List<Route> routes, String bind, int port, int threads) throws IOException {
        if (routes.isEmpty()) {
            throw new IllegalArgumentException("no route to serve");
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        this.routes = List.copyOf(routes);
        this.server = HttpServer.create(new InetSocketAddress(bind, port), 64);
        AtomicInteger n = new AtomicInteger();
        this.executor = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "nsearch-serve-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    /** The page's address, e.g. {@code http://127.0.0.1:8080/}. */
    String url() {
        InetSocketAddress a = server.getAddress();
        String host = a.getAddress().getHostAddress();
        if (a.getAddress().isAnyLocalAddress()) {
            host = "127.0.0.1";
        } else if (host.contains(":")) {
            host = "[" + host + "]";
        }
        return "http://" + host + ":" + a.getPort() + "/";
    }

    /** Stops accepting, lets running exchanges finish (up to a second), stops the threads. Engines stay open. */
    @Override
    public void close() {
        server.stop(1);
        executor.shutdown();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            String method = ex.getRequestMethod();
            try {
                switch (path) {
                    case "/api/embed" -> {
                        requireMethod(method, "POST");
                        sendJson(ex, 200, embed(readObject(ex)));
                    }
                    case "/api/search" -> {
                        requireMethod(method, "POST");
                        sendJson(ex, 200, search(readObject(ex)));
                    }
                    case "/api/stats" -> {
                        requireMethod(method, "GET");
                        sendJson(ex, 200, stats());
                    }
                    default -> {
                        String page = PAGES.get(path);
                        if (page == null) {
                            throw new HttpError(404, "no such route: " + path);
                        }
                        requireMethod(method, "GET");
                        sendPage(ex, page);
                    }
                }
            } catch (HttpError e) {
                if (e.status == 405) {
                    ex.getResponseHeaders().set("Allow", e.getMessage().substring(e.getMessage().lastIndexOf(' ') + 1));
                }
                sendError(ex, e.status, e.getMessage());
            } catch (IllegalArgumentException | IllegalStateException e) {
                // the engine's own checks (depths, filters, a rerank depth without a reranker)
                sendError(ex, 400, e.getMessage());
            } catch (RuntimeException e) {
                LOG.error("{} {} failed", method, path, e);
                sendError(ex, 500, "internal error: " + e);
            }
        }
    }

    private static void requireMethod(String method, String allowed) {
        if (!method.equalsIgnoreCase(allowed) && !("GET".equals(allowed) && "HEAD".equalsIgnoreCase(method))) {
            throw new HttpError(405, "method " + method + " not allowed here; use " + allowed);
        }
    }

    // ---- the API ------------------------------------------------------------------------------------------

    private ObjectNode embed(JsonNode body) {
        String text = requireText(body, "text");
        String role = body.path("role").asText("query");
        TextRole textRole = switch (role) {
            case "query" -> TextRole.QUERY;
            case "passage" -> TextRole.PASSAGE;
            default -> throw new HttpError(400, "role must be \"query\" or \"passage\", got \"" + role + "\"");
        };
        Route route = route(body, text);
        long started = System.nanoTime();
        EncodedText e = route.encoder().encode(text, textRole);
        double millis = (System.nanoTime() - started) / 1e6;
        float[] v = e.vector();
        double norm = 0;
        for (float x : v) {
            norm += (double) x * x;
        }
        ObjectNode out = JSON.createObjectNode();
        out.put("route", route.name());
        out.put("model", route.encoder().modelId());
        out.put("role", role);
        out.put("dimension", v.length);
        out.put("norm", Math.sqrt(norm));
        out.put("tokens", e.tokenCount());
        out.put("truncated", e.truncated());
        out.put("encodeMs", millis);
        ArrayNode vector = out.putArray("vector");
        for (float x : v) {
            vector.add(x);
        }
        return out;
    }

    private ObjectNode search(JsonNode body) {
        String text = requireText(body, "query");
        int limit = intField(body, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
        Integer recall = body.hasNonNull("recall") ? intField(body, "recall", 0, 1, MAX_RECALL) : null;
        Integer rerank = body.hasNonNull("rerank") ? intField(body, "rerank", 0, 0, MAX_RECALL) : null;
        if (recall != null && recall < limit) {
            throw new HttpError(400, "recall depth " + recall + " is below the limit " + limit);
        }
        if (rerank != null && recall != null && rerank > recall) {
            throw new HttpError(400, "rerank depth " + rerank + " is above the recall depth " + recall);
        }
        if (rerank != null && recall == null && rerank > MAX_RECALL) {
            throw new HttpError(400, "rerank depth " + rerank + " is above the largest recall depth " + MAX_RECALL);
        }
        Filter filter = filter(body.get("filter"));
        Route route = route(body, text);
        NeuralSearch engine = route.engine();
        if (rerank != null && rerank > 0 && !engine.hasReranker()) {
            throw new HttpError(400, "rerank depth " + rerank + " asked, but the server has no reranker"
                    + " (start it with --reranker <dir>)");
        }
        Query q = engine.query(text).filter(filter).limit(limit);
        if (recall != null) {
            q.recall(recall);
        }
        if (rerank != null) {
            q.rerank(rerank);
        }
        if (body.path("exact").asBoolean(false)) {
            q.exact();
        }
        SearchResult r = q.run();

        ObjectNode out = JSON.createObjectNode();
        out.put("query", r.query());
        out.put("route", route.name());
        out.put("model", engine.modelId());
        out.put("reranker", engine.rerankerId().orElse(null));
        out.put("recalled", r.recalled());
        out.put("reranked", r.reranked());
        ObjectNode t = out.putObject("timings");
        t.put("encodeMs", r.timings().encodeMillis());
        t.put("recallMs", r.timings().recallMillis());
        t.put("rerankMs", r.timings().rerankMillis());
        t.put("totalMs", r.timings().totalMillis());
        ArrayNode hits = out.putArray("hits");
        for (int i = 0; i < r.hits().size(); i++) {
            Hit h = r.hits().get(i);
            ObjectNode o = hits.addObject();
            o.put("rank", i + 1);
            o.put("id", h.id());
            o.put("text", h.text());
            o.set("metadata", JSON.valueToTree(h.metadata()));
            o.put("score", h.score());
            o.put("recallScore", h.recallScore());
            o.put("recallRank", h.recallRank());
            if (h.reranked()) {
                o.put("rerankScore", h.rerankScore());
                o.put("rerankRank", h.rerankRank());
            } else {
                o.putNull("rerankScore");
                o.putNull("rerankRank");
            }
        }
        return out;
    }

    private ObjectNode stats() {
        ObjectNode out = JSON.createObjectNode();
        ArrayNode list = out.putArray("routes");
        long documents = 0;
        for (Route route : routes) {
            NeuralSearch e = route.engine();
            IndexSchema schema = e.schema();
            IndexStats s = e.stats();
            documents += s.documents();
            ObjectNode o = list.addObject();
            o.put("name", route.name());
            o.put("model", schema.modelId());
            o.put("dimension", schema.dimension());
            o.put("similarity", schema.similarity().name());
            o.put("reranker", e.rerankerId().orElse(null));
            o.put("documents", s.documents());
            o.put("segments", s.segments());
            o.put("tombstones", s.tombstones());
            o.put("uncommitted", s.uncommitted());
            o.put("bytesOnDisk", s.bytesOnDisk());
        }
        out.put("documents", documents);
        ObjectNode limits = out.putObject("limits");
        limits.put("maxBodyBytes", MAX_BODY);
        limits.put("maxRecall", MAX_RECALL);
        limits.put("maxLimit", MAX_LIMIT);
        limits.put("defaultLimit", DEFAULT_LIMIT);
        return out;
    }

    /** The route named in the body ("route"), else the first that accepts the text, else the first. */
    private Route route(JsonNode body, String text) {
        JsonNode named = body.get("route");
        if (named != null && !named.isNull() && !named.asText().isEmpty() && !"auto".equals(named.asText())) {
            for (Route r : routes) {
                if (r.name().equals(named.asText())) {
                    return r;
                }
            }
            List<String> names = routes.stream().map(Route::name).toList();
            throw new HttpError(400, "no route \"" + named.asText() + "\"; routes: " + String.join(", ", names));
        }
        for (Route r : routes) {
            if (r.accepts().test(text)) {
                return r;
            }
        }
        return routes.get(0);
    }

    /**
     * A filter: a string in the command line's syntax ({@link FilterParser}), or a JSON object whose fields must
     * all hold: a scalar value means equal, an array means any of, and an object of operators
     * ({@code ">=", ">", "<=", "<", "=", "!="}) compares.
     */
    static Filter filter(JsonNode node) {
        if (node == null || node.isNull()) {
            return Filter.ALL;
        }
        if (node.isTextual()) {
            try {
                return FilterParser.parse(node.asText());
            } catch (IllegalArgumentException e) {
                throw new HttpError(400, "filter: " + e.getMessage());
            }
        }
        if (!node.isObject()) {
            throw new HttpError(400, "filter must be a string (e.g. \"year>=2020,lang=en\") or an object"
                    + " (e.g. {\"lang\": \"en\", \"year\": {\">=\": 2020}})");
        }
        List<Filter> clauses = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            String field = f.getKey();
            JsonNode v = f.getValue();
            if (v.isArray()) {
                List<Object> values = new ArrayList<>();
                v.forEach(x -> values.add(scalar(field, x)));
                if (values.isEmpty()) {
                    throw new HttpError(400, "filter: the list for \"" + field + "\" is empty");
                }
                clauses.add(Filter.in(field, values));
            } else if (v.isObject()) {
                if (v.isEmpty()) {
                    throw new HttpError(400, "filter: no operator for \"" + field + "\"");
                }
                for (Iterator<Map.Entry<String, JsonNode>> ops = v.fields(); ops.hasNext(); ) {
                    Map.Entry<String, JsonNode> op = ops.next();
                    clauses.add(comparison(field, op.getKey(), op.getValue()));
                }
            } else {
                clauses.add(Filter.eq(field, scalar(field, v)));
            }
        }
        if (clauses.isEmpty()) {
            return Filter.ALL;
        }
        return clauses.size() == 1 ? clauses.get(0) : Filter.and(clauses.toArray(Filter[]::new));
    }

    private static Filter comparison(String field, String op, JsonNode v) {
        return switch (op) {
            case "=" -> Filter.eq(field, scalar(field, v));
            case "!=" -> Filter.ne(field, scalar(field, v));
            case ">", ">=", "<", "<=" -> {
                if (!v.isNumber()) {
                    throw new HttpError(400, "filter: \"" + field + "\" " + op + " needs a number, got " + v);
                }
                double d = v.asDouble();
                yield switch (op) {
                    case ">" -> Filter.gt(field, d);
                    case ">=" -> Filter.gte(field, d);
                    case "<" -> Filter.lt(field, d);
                    default -> Filter.lte(field, d);
                };
            }
            default -> throw new HttpError(400, "filter: unknown operator \"" + op + "\" for \"" + field
                    + "\" (use =, !=, >, >=, <, <=)");
        };
    }

    private static Object scalar(String field, JsonNode v) {
        if (v.isTextual()) {
            return v.asText();
        }
        if (v.isBoolean()) {
            return v.asBoolean();
        }
        if (v.isIntegralNumber() && v.canConvertToLong()) {
            return v.asLong();
        }
        if (v.isNumber()) {
            return v.asDouble();
        }
        throw new HttpError(400, "filter: the value for \"" + field + "\" must be a string, number or boolean, got "
                + v);
    }

    private static String requireText(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            throw new HttpError(400, "\"" + field + "\" is required");
        }
        if (!v.isTextual()) {
            throw new HttpError(400, "\"" + field + "\" must be a string");
        }
        if (v.asText().isBlank()) {
            throw new HttpError(400, "\"" + field + "\" is empty");
        }
        return v.asText();
    }

    private static int intField(JsonNode body, String field, int dflt, int min, int max) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw new HttpError(400, "\"" + field + "\" must be an integer, got " + v);
        }
        int n = v.asInt();
        if (n < min || n > max) {
            throw new HttpError(400, "\"" + field + "\" must be between " + min + " and " + max + ", got " + n);
        }
        return n;
    }

    // ---- bodies and responses -----------------------------------------------------------------------------

    private static JsonNode readObject(HttpExchange ex) throws IOException {
        String length = ex.getRequestHeaders().getFirst("Content-Length");
        if (length != null) {
            try {
                if (Long.parseLong(length.trim()) > MAX_BODY) {
                    throw tooLarge();
                }
            } catch (NumberFormatException e) {
                throw new HttpError(400, "bad Content-Length: " + length);
            }
        }
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        InputStream in = ex.getRequestBody();
        byte[] chunk = new byte[8192];
        for (int n; (n = in.read(chunk)) > 0; ) {
            buf.write(chunk, 0, n);
            if (buf.size() > MAX_BODY) {
                throw tooLarge();
            }
        }
        if (buf.size() == 0) {
            throw new HttpError(400, "the request body is empty; send a JSON object");
        }
        JsonNode node;
        try {
            node = JSON.readTree(buf.toByteArray());
        } catch (JsonProcessingException e) {
            throw new HttpError(400, "malformed JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            // e.g. bytes that are not text in any JSON encoding
            throw new HttpError(400, "malformed JSON: " + e.getMessage());
        }
        if (node == null || !node.isObject()) {
            throw new HttpError(400, "the request body must be a JSON object");
        }
        return node;
    }

    private static HttpError tooLarge() {
        return new HttpError(413, "request body larger than " + MAX_BODY + " bytes");
    }

    private static void sendJson(HttpExchange ex, int status, JsonNode body) throws IOException {
        send(ex, status, JSON_TYPE, JSON.writeValueAsBytes(body));
    }

    private static void sendError(HttpExchange ex, int status, String message) throws IOException {
        ObjectNode o = JSON.createObjectNode();
        o.put("error", message);
        if (status == 413) {
            ex.getResponseHeaders().set("Connection", "close");
        }
        sendJson(ex, status, o);
    }

    private static void sendPage(HttpExchange ex, String name) throws IOException {
        byte[] bytes;
        try (InputStream in = SearchServer.class.getResourceAsStream("/serve/" + name)) {
            if (in == null) {
                throw new HttpError(500, "the page resource /serve/" + name + " is missing from the jar");
            }
            bytes = in.readAllBytes();
        }
        String type = name.endsWith(".html") ? "text/html; charset=utf-8"
                : name.endsWith(".js") ? "text/javascript; charset=utf-8" : "text/css; charset=utf-8";
        ex.getResponseHeaders().set("Content-Security-Policy",
                "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'");
        send(ex, 200, type, bytes);
    }

    private static void send(HttpExchange ex, int status, String type, byte[] bytes) throws IOException {
        ex.getResponseHeaders().set("Content-Type", type);
        ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        boolean head = "HEAD".equalsIgnoreCase(ex.getRequestMethod());
        ex.sendResponseHeaders(status, head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        }
    }
}
