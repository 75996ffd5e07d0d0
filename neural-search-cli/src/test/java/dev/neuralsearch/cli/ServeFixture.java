package dev.neuralsearch.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;

/**
 * One {@code nsearch serve --demo --port 0} per test JVM, run through the real command (picocli, demo indexing
 * into a temporary folder, the HTTP server), shared by the API and browser tests: indexing the demo corpus
 * takes a while on two cores. It stops with the JVM (the command's own shutdown hook closes the engines and
 * deletes the temporary folder).
 */
final class ServeFixture {

    private static ServeFixture instance;

    final ServeCommand command = new ServeCommand();
    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();
    final CompletableFuture<Integer> exit = new CompletableFuture<>();
    private final CompletableFuture<SearchServer> started = new CompletableFuture<>();
    final SearchServer server;

    private ServeFixture() throws Exception {
        command.onStart = started::complete;
        CommandLine cl = new CommandLine(command);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        Thread t = new Thread(() -> {
            try {
                exit.complete(cl.execute("--demo", "--port", "0", "--no-progress"));
            } catch (Throwable e) {
                exit.completeExceptionally(e);
            } finally {
                started.completeExceptionally(new IllegalStateException("serve ended before it started: " + out + err));
            }
        }, "serve-fixture");
        t.setDaemon(true);
        t.start();
        server = started.get(10, TimeUnit.MINUTES);
    }

    static synchronized ServeFixture get() throws Exception {
        if (instance == null) {
            instance = new ServeFixture();
        }
        return instance;
    }

    String url() {
        return server.url();
    }
}
