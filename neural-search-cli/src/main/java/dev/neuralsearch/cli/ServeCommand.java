package dev.neuralsearch.cli;

import dev.neuralsearch.ann.JVectorIndex;
import dev.neuralsearch.core.Document;
import dev.neuralsearch.core.IndexSchema;
import dev.neuralsearch.core.NeuralSearch;
import dev.neuralsearch.core.Reranker;
import dev.neuralsearch.encoder.BiEncoder;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code nsearch serve}: the visual demo, a single page and a JSON API over an index home (docs/serve.md). */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Serves a search page and a small JSON API (POST /api/embed, POST /api/search,",
                "GET /api/stats) over an index home, or with --demo over the bundled demo corpus",
                "(indexed into a temporary folder first, as `nsearch demo` does). Bound to",
                "127.0.0.1 by default; another address needs a token (--token or NSEARCH_TOKEN) or",
                "--insecure. Ctrl-C stops it.", ""})
final class ServeCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);

    @Spec
    CommandSpec spec;

    @Option(names = "--home", paramLabel = "<dir>",
            description = "The index home to serve. With --demo: keep the demo homes here (<dir>/en, <dir>/zh).")
    Path home;

    @Option(names = "--demo", description = "Index the bundled English and Chinese demo corpus first and serve it"
            + " (English to bge-small-en-v1.5-q, Chinese to bge-small-zh-v1.5-q; queries with Han characters go to"
            + " the Chinese index).")
    boolean demo;

    @Mixin
    ModelOption model;

    @Option(names = "--reranker", paramLabel = "<dir>", description = "Cross-encoder directory (model.onnx +"
            + " tokenizer.json): enables the rerank depth.")
    Path reranker;

    @Option(names = "--reranker-max-length", paramLabel = "<tokens>",
            description = "Cut (query, passage) pairs to this many tokens (default 512).")
    Integer rerankerMaxLength;

    @Option(names = {"-p", "--port"}, paramLabel = "<port>", defaultValue = "8080",
            description = "TCP port (default ${DEFAULT-VALUE}; 0 picks a free one).")
    int port;

    @Option(names = "--bind", paramLabel = "<address>", defaultValue = "127.0.0.1",
            description = "Address to listen on (default ${DEFAULT-VALUE}, this machine only).")
    String bind;

    @Option(names = "--allow-host", paramLabel = "<name>",
            description = "Also accept requests whose Host is this name (repeatable); by default only localhost,"
                    + " 127.0.0.1, [::1] and the bound address, against DNS rebinding.")
    List<String> allowHosts = new ArrayList<>();

    @Option(names = "--token", paramLabel = "<token>",
            description = "API requests must send Authorization: Bearer <token> (default: the NSEARCH_TOKEN"
                    + " environment variable, which other users cannot read in the process list).")
    String token;

    @Option(names = "--insecure", description = "Allow a non-loopback --bind without a token: anyone who can"
            + " reach the address can search the index.")
    boolean insecure;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "4",
            description = "Search threads (default ${DEFAULT-VALUE}); searches run in parallel. Reading requests"
                    + " has its own threads, so slow clients do not take these.")
    int threads;

    @Option(names = "--no-progress", description = "No progress bars while --demo indexes.")
    boolean noProgress;

    @Option(names = "--refresh-every", paramLabel = "<seconds>", defaultValue = "2",
            description = "With --home: the home is opened read-only (a writer such as `nsearch index` may work on it"
                    + " meanwhile); look for a newer commit this often (default ${DEFAULT-VALUE}; 0 = never).")
    double refreshEvery;

    /** Moves the read-only home route to new commits ({@code --refresh-every}); null with --demo or 0. */
    private java.util.concurrent.ScheduledExecutorService refresher;

    /** The environment ({@code NSEARCH_TOKEN}); tests replace it. */
    java.util.function.UnaryOperator<String> env = System::getenv;

    /** Tests: called with the running server; {@link #stop()} ends {@link #call()}. */
    Consumer<SearchServer> onStart = s -> { };

    private final CountDownLatch stop = new CountDownLatch(1);

    /** Stops a running {@link #call()} (as Ctrl-C does). */
    void stop() {
        stop.countDown();
    }

    @Override
    public Integer call() throws Exception {
        if (!demo && home == null) {
            throw new ParameterException(spec.commandLine(), "give an index home (--home <dir>) or --demo");
        }
        if (demo && model.model != null) {
            throw new ParameterException(spec.commandLine(), "--demo picks its own models; drop --model");
        }
        if (port < 0 || port > 65535) {
            throw new ParameterException(spec.commandLine(), "--port must be between 0 and 65535, got " + port);
        }
        if (!(refreshEvery >= 0 && refreshEvery <= 86_400)) {
            throw new ParameterException(spec.commandLine(), "--refresh-every must be between 0 and 86400 seconds, got "
                    + refreshEvery);
        }
        if (threads < 1 || threads > 64) {
            throw new ParameterException(spec.commandLine(), "--threads must be between 1 and 64, got " + threads);
        }
        RequestGuard guard = guard();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Path demoRoot = null;
        List<SearchServer.Route> routes = new ArrayList<>();
        CountDownLatch done = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stop.countDown();
            try {
                done.await(15, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "nsearch-serve-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            if (demo) {
                demoRoot = home != null ? home : Files.createTempDirectory("nsearch-serve-demo-");
                routes.addAll(demoRoutes(demoRoot, out, noProgress, this::newReranker));
            } else {
                routes.add(homeRoute());
            }
            try (SearchServer server = new SearchServer(routes, bind, port, threads, guard)) {
                if (!InetAddress.getByName(bind).isLoopbackAddress() && !guard.hasToken()) {
                    err.println("serve: warning: listening on " + bind + " without a token (--insecure): anyone who"
                            + " can reach it can search the index");
                    err.flush();
                }
                out.println("serving " + server.url() + " (" + describe(routes) + "); Ctrl-C stops");
                out.flush();
                onStart.accept(server);
                stop.await();
            }
        } finally {
            if (refresher != null) {
                refresher.shutdownNow();
                refresher.awaitTermination(10, TimeUnit.SECONDS);
            }
            for (SearchServer.Route r : routes) {
                r.engine().close();
            }
            if (demoRoot != null && home == null) {
                DemoCommand.deleteTree(demoRoot);
            }
            done.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is what stopped us
            }
        }
        return 0;
    }

    /** Who may ask: checks --bind, --token / NSEARCH_TOKEN, --insecure and --allow-host. */
    private RequestGuard guard() {
        if (token != null && token.isBlank()) {
            throw new ParameterException(spec.commandLine(), "--token is empty");
        }
        String fromEnv = env.apply("NSEARCH_TOKEN");
        String t = token != null ? token : fromEnv == null || fromEnv.isBlank() ? null : fromEnv; // "" is unset
        boolean loopback;
        try {
            loopback = InetAddress.getByName(bind).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            throw new ParameterException(spec.commandLine(), "--bind: unknown address " + bind);
        }
        if (!loopback && t == null && !insecure) {
            throw new ParameterException(spec.commandLine(), "--bind " + bind + " lets other machines in: give a"
                    + " token (--token <token> or the NSEARCH_TOKEN environment variable), or --insecure to serve"
                    + " without one");
        }
        for (String h : allowHosts) {
            if (h.isBlank() || h.indexOf('/') >= 0 || h.indexOf(' ') >= 0) {
                throw new ParameterException(spec.commandLine(), "--allow-host: not a host name: \"" + h + "\"");
            }
        }
        return new RequestGuard(bind, allowHosts, t == null ? null : t.strip());
    }

    private SearchServer.Route homeRoute() {
        String modelId = model.resolveExisting(home);
        BiEncoder encoder = Components.encoder(modelId);
        Reranker r;
        try {
            r = newReranker();
        } catch (RuntimeException e) {
            encoder.close();
            throw e;
        }
        JVectorIndex index;
        try {
            index = JVectorIndex.at(home).readOnly()
                    .open(new IndexSchema(encoder.modelId(), encoder.dimension(), encoder.similarity()));
        } catch (RuntimeException e) {
            encoder.close();
            if (r != null) {
                r.close();
            }
            throw e;
        }
        NeuralSearch engine = NeuralSearch.builder().encoder(encoder).reranker(r).index(index).build();
        if (refreshEvery > 0) {
            refresher = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(task -> {
                Thread t = new Thread(task, "nsearch-serve-refresh");
                t.setDaemon(true);
                return t;
            });
            long period = Math.max(1, (long) (refreshEvery * 1000));
            refresher.scheduleWithFixedDelay(() -> refresh(index), period, period, TimeUnit.MILLISECONDS);
        }
        return new SearchServer.Route("home", engine, encoder, text -> true);
    }

    /** One look for a newer commit; a failure is logged and the next look tries again. */
    private void refresh(JVectorIndex index) {
        try {
            if (index.refresh()) {
                LOG.info("serving commit {} of {} ({} documents)", index.generation(), home, index.stats().documents());
            }
        } catch (IllegalStateException closed) {
            // the server is stopping
        } catch (RuntimeException e) {
            LOG.warn("refreshing {} failed (the previous commit is still served): {}", home, e.getMessage());
        }
    }

    private Reranker newReranker() {
        return reranker == null ? null : Components.reranker(reranker, rerankerMaxLength);
    }

    /** A reranker per engine (each engine owns and closes its own), or null. */
    interface RerankerFactory {
        Reranker create();
    }

    /**
     * The demo corpus indexed as {@code nsearch demo} does it, English and Chinese each in its own home under
     * {@code root}: routes "en" and "zh" (queries with Han characters). The caller closes the engines.
     */
    static List<SearchServer.Route> demoRoutes(Path root, PrintWriter out, boolean noProgress,
            RerankerFactory rerankers) throws IOException {
        List<Document> corpus = DemoCommand.corpus();
        List<SearchServer.Route> routes = new ArrayList<>();
        try {
            routes.add(demoRoute("en", root, DemoCommand.ENGLISH_MODEL, rerankers, text -> !DemoCommand.hasHan(text)));
            routes.add(demoRoute("zh", root, DemoCommand.CHINESE_MODEL, rerankers, DemoCommand::hasHan));
            DemoCommand.index(out, routes.get(0).engine(), "English",
                    corpus.stream().filter(d -> !DemoCommand.isChinese(d)).toList(), noProgress);
            DemoCommand.index(out, routes.get(1).engine(), "Chinese",
                    corpus.stream().filter(DemoCommand::isChinese).toList(), noProgress);
        } catch (RuntimeException e) {
            routes.forEach(r -> r.engine().close());
            throw e;
        }
        return routes;
    }

    private static SearchServer.Route demoRoute(String name, Path root, dev.neuralsearch.encoder.ModelSpec spec,
            RerankerFactory rerankers, java.util.function.Predicate<String> accepts) {
        BiEncoder encoder = BiEncoder.load(spec);
        Reranker r;
        try {
            r = rerankers.create();
        } catch (RuntimeException e) {
            encoder.close();
            throw e;
        }
        NeuralSearch engine = NeuralSearch.builder().encoder(encoder).reranker(r)
                .index(JVectorIndex.at(root.resolve(name))).build();
        return new SearchServer.Route(name, engine, encoder, accepts);
    }

    private static String describe(List<SearchServer.Route> routes) {
        StringBuilder sb = new StringBuilder();
        for (SearchServer.Route r : routes) {
            sb.append(sb.isEmpty() ? "" : ", ").append(r.name()).append(": ").append(r.engine().modelId())
                    .append(", ").append(r.engine().stats().documents()).append(" documents");
        }
        return sb.toString();
    }
}
