package dev.neuralsearch.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.neuralsearch.core.NeuralSearch;
import dev.neuralsearch.encoder.BiEncoder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP side of {@code nsearch serve}: a single page (static resources under {@code /serve/}) and a small
 * JSON API ({@link ServeApi}) over one or more {@link NeuralSearch} engines ("routes"), on Jetty.
 *
 * <p>Jetty's selector reads requests without blocking: a request's body is read in full (at most
 * {@link #MAX_BODY} bytes) before it is handed to one of the {@code threads} search workers, so a client that
 * stalls or trickles holds a connection, never a worker. A connection idle for {@link #IDLE_TIMEOUT_MILLIS} is
 * closed, at most {@link #MAX_CONNECTIONS} are open at once, and a body must be complete within
 * {@link #BODY_DEADLINE_MILLIS}. Before anything is read, {@link RequestGuard} checks Host, Origin, the
 * token and the content type. Every error is {@code {"error": "..."}} with a status code, without file paths
 * or class names (details go to the log). docs/serve.md describes the API.
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
    /** A connection that sends nothing for this long is closed (stalled clients, idle keep-alives). */
    static final long IDLE_TIMEOUT_MILLIS = 20_000;
    /** Open connections at most; further ones wait in the kernel's accept queue. */
    static final int MAX_CONNECTIONS = 256;
    /**
     * A body must be complete this long after its headers (408 otherwise): a client that trickles a byte now and
     * then, never idle long enough for the idle timeout, still cannot keep a connection for long.
     */
    static final long BODY_DEADLINE_MILLIS = 10_000;

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

    private final ServeApi api;
    private final RequestGuard guard;
    private final Server server;
    private final ServerConnector connector;
    private final ExecutorService workers;

    /** Binds {@code bind:port} (port 0: any free port) on loopback names only, without a token, and serves. */
    SearchServer(List<Route> routes, String bind, int port, int threads) throws IOException {
        this(routes, bind, port, threads, new RequestGuard(bind, List.of(), null));
    }

    /** Binds {@code bind:port} (port 0: any free port) and starts serving; {@code guard} decides who may. */
    SearchServer(List<Route> routes, String bind, int port, int threads, RequestGuard guard) throws IOException {
        if (routes.isEmpty()) {
            throw new IllegalArgumentException("no route to serve");
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        this.api = new ServeApi(routes);
        this.guard = guard;
        AtomicInteger n = new AtomicInteger();
        this.workers = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "nsearch-serve-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        // Jetty's own threads only accept, select and read: a few suffice, whatever --threads says.
        QueuedThreadPool io = new QueuedThreadPool(12, 2);
        io.setName("nsearch-http");
        io.setDaemon(true);
        io.setReservedThreads(0);
        this.server = new Server(io);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setRequestHeaderSize(16 * 1024);
        this.connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
        connector.setHost(bind);
        connector.setPort(port);
        connector.setIdleTimeout(IDLE_TIMEOUT_MILLIS);
        server.addConnector(connector);
        server.addBean(new NetworkConnectionLimit(MAX_CONNECTIONS, connector));
        server.setErrorHandler(SearchServer::jettyError);
        server.setHandler(new Handler.Abstract.NonBlocking() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                SearchServer.this.handle(request, response, callback);
                return true;
            }
        });
        try {
            server.start();
        } catch (IOException e) {
            close();
            throw e;
        } catch (Exception e) {
            close();
            throw new IOException("cannot start the HTTP server on " + bind + ":" + port + ": " + e.getMessage(), e);
        }
    }

    int port() {
        return connector.getLocalPort();
    }

    /** The page's address, e.g. {@code http://127.0.0.1:8080/}. */
    String url() {
        InetSocketAddress a = new InetSocketAddress(connector.getHost(), connector.getLocalPort());
        String host = a.getAddress().getHostAddress();
        if (a.getAddress().isAnyLocalAddress()) {
            host = "127.0.0.1";
        } else if (host.contains(":")) {
            host = "[" + host + "]";
        }
        return "http://" + host + ":" + a.getPort() + "/";
    }

    /** Stops accepting, lets running requests finish (up to a second), stops the threads. Engines stay open. */
    @Override
    public void close() {
        server.setStopTimeout(1000);
        try {
            server.stop();
        } catch (Exception e) {
            LOG.warn("stopping the HTTP server: {}", e.toString());
        }
        workers.shutdown();
        try {
            workers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- requests -----------------------------------------------------------------------------------------

    /** On a Jetty thread: checks, then reads the body without blocking, then hands the request to a worker. */
    private void handle(Request request, Response response, Callback callback) {
        String path = Request.getPathInContext(request);
        String method = request.getMethod();
        try {
            guard.checkHostAndOrigin(request.getHeaders().get(HttpHeader.HOST),
                    request.getHeaders().get(HttpHeader.ORIGIN), port());
            String allowed = switch (path) {
                case "/api/embed", "/api/search" -> "POST";
                case "/api/stats" -> "GET";
                default -> {
                    if (!PAGES.containsKey(path)) {
                        throw new HttpError(404, "no such route: " + path);
                    }
                    yield "GET";
                }
            };
            if (!method.equalsIgnoreCase(allowed) && !("GET".equals(allowed) && "HEAD".equalsIgnoreCase(method))) {
                response.getHeaders().put(HttpHeader.ALLOW, allowed);
                throw new HttpError(405, "method " + method + " not allowed here; use " + allowed);
            }
            if (path.startsWith("/api/")) {
                guard.checkToken(request.getHeaders().get(HttpHeader.AUTHORIZATION));
            }
            if (!"POST".equals(allowed)) {
                dispatch(request, response, callback, path, null);
                return;
            }
            RequestGuard.checkJsonContentType(request.getHeaders().get(HttpHeader.CONTENT_TYPE));
            long length = request.getLength();
            if (length > MAX_BODY) {
                throw tooLarge();
            }
            readBody(request, response, callback, path, new ByteArrayOutputStream(length > 0 ? (int) length : 1024),
                    System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(BODY_DEADLINE_MILLIS));
        } catch (HttpError e) {
            if (e.status == 401) {
                response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer");
            }
            sendError(response, callback, e.status, e.getMessage());
        }
    }

    /** Reads what has arrived; asks Jetty to call again when more does. No thread waits for a slow client. */
    private void readBody(Request request, Response response, Callback callback, String path,
            ByteArrayOutputStream body, long deadline) {
        while (true) {
            if (System.nanoTime() - deadline > 0) {
                response.getHeaders().put(HttpHeader.CONNECTION, "close");
                sendError(response, callback, 408, "the request body did not arrive in time");
                return;
            }
            Content.Chunk chunk = request.read();
            if (chunk == null) {
                request.demand(() -> readBody(request, response, callback, path, body, deadline));
                return;
            }
            if (Content.Chunk.isFailure(chunk)) {
                Throwable cause = chunk.getFailure();
                LOG.debug("reading a request body failed", cause);
                response.getHeaders().put(HttpHeader.CONNECTION, "close");
                if (cause instanceof TimeoutException) {
                    sendError(response, callback, 408, "the request body did not arrive in time");
                } else {
                    sendError(response, callback, 400, "the request body could not be read");
                }
                return;
            }
            try {
                ByteBuffer b = chunk.getByteBuffer();
                if (body.size() + b.remaining() > MAX_BODY) {
                    HttpError e = tooLarge();
                    sendError(response, callback, e.status, e.getMessage());
                    return;
                }
                byte[] bytes = new byte[b.remaining()];
                b.get(bytes);
                body.write(bytes, 0, bytes.length);
            } finally {
                chunk.release();
            }
            if (chunk.isLast()) {
                dispatch(request, response, callback, path, body.toByteArray());
                return;
            }
        }
    }

    /** Runs the request on a search worker. */
    private void dispatch(Request request, Response response, Callback callback, String path, byte[] body) {
        try {
            workers.execute(() -> respond(request, response, callback, path, body));
        } catch (RejectedExecutionException stopping) {
            sendError(response, callback, 503, "the server is stopping");
        }
    }

    /** On a worker: the page or the API's answer, or the error. */
    private void respond(Request request, Response response, Callback callback, String path, byte[] body) {
        try {
            switch (path) {
                case "/api/embed" -> sendJson(response, callback, 200, api.embed(parseObject(body)));
                case "/api/search" -> sendJson(response, callback, 200, api.search(parseObject(body)));
                case "/api/stats" -> sendJson(response, callback, 200, api.stats());
                default -> sendPage(response, callback, PAGES.get(path));
            }
        } catch (HttpError e) {
            sendError(response, callback, e.status, e.getMessage());
        } catch (IllegalArgumentException | IllegalStateException e) {
            // the engine's own checks (depths, filters, a rerank depth without a reranker, a closed index)
            LOG.info("{} {}: {}", request.getMethod(), path, e.toString());
            sendError(response, callback, 400, ErrorText.redact(e.getMessage()));
        } catch (UncheckedIOException e) {
            LOG.error("{} {} failed", request.getMethod(), path, e);
            sendError(response, callback, 500, "the index could not be read; the server's log has the details");
        } catch (RuntimeException | Error e) {
            LOG.error("{} {} failed", request.getMethod(), path, e);
            sendError(response, callback, 500, "internal error; the server's log has the details");
        }
    }

    private static JsonNode parseObject(byte[] body) {
        if (body.length == 0) {
            throw new HttpError(400, "the request body is empty; send a JSON object");
        }
        JsonNode node;
        try {
            node = ServeApi.JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new HttpError(400, "malformed JSON: " + ErrorText.redact(e.getOriginalMessage()));
        } catch (IOException e) {
            // e.g. bytes that are not text in any JSON encoding
            throw new HttpError(400, "malformed JSON: " + ErrorText.redact(e.getMessage()));
        }
        if (node == null || !node.isObject()) {
            throw new HttpError(400, "the request body must be a JSON object");
        }
        return node;
    }

    private static HttpError tooLarge() {
        return new HttpError(413, "request body larger than " + MAX_BODY + " bytes");
    }

    // ---- responses ----------------------------------------------------------------------------------------

    private static void sendJson(Response response, Callback callback, int status, JsonNode body) {
        byte[] bytes;
        try {
            bytes = ServeApi.JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a JSON reply", e);
        }
        send(response, callback, status, JSON_TYPE, bytes);
    }

    private static void sendError(Response response, Callback callback, int status, String message) {
        ObjectNode o = ServeApi.JSON.createObjectNode();
        o.put("error", message);
        if (status == 413) {
            response.getHeaders().put(HttpHeader.CONNECTION, "close");
        }
        sendJson(response, callback, status, o);
    }

    private static void sendPage(Response response, Callback callback, String name) {
        byte[] bytes;
        try (InputStream in = SearchServer.class.getResourceAsStream("/serve/" + name)) {
            if (in == null) {
                throw new IllegalStateException("the page resource /serve/" + name + " is missing from the jar");
            }
            bytes = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String type = name.endsWith(".html") ? "text/html; charset=utf-8"
                : name.endsWith(".js") ? "text/javascript; charset=utf-8" : "text/css; charset=utf-8";
        response.getHeaders().put("Content-Security-Policy",
                "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'");
        send(response, callback, 200, type, bytes);
    }

    /** Writes the reply (Jetty leaves the body out for a HEAD request). */
    private static void send(Response response, Callback callback, int status, String type, byte[] bytes) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, type);
        response.getHeaders().put("X-Content-Type-Options", "nosniff");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, bytes.length);
        response.write(true, ByteBuffer.wrap(bytes), callback);
    }

    /** Jetty's own errors (a malformed request line, headers too large, ...) as JSON too, with the status's text. */
    private static boolean jettyError(Request request, Response response, Callback callback) {
        Object status = request.getAttribute(ErrorHandler.ERROR_STATUS);
        int code = status instanceof Integer i ? i : 500;
        String reason = HttpStatus.getMessage(code);
        sendError(response, callback, code, reason == null ? "error " + code : reason.toLowerCase(Locale.ROOT));
        return true;
    }
}
