package dev.neuralsearch.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A real single Cassandra 5 node for tests, started from the Maven artifacts: a forked JDK 17 JVM (Cassandra 5.0
 * runs on Java 11 and 17 only) with the class path neural-search-cassandra-node resolved
 * ({@code target/cassandra.classpath}), main class {@code CassandraDaemon}, and a generated cassandra.yaml: its own
 * data, commit log, hints and saved-caches directories, 127.0.0.1 only, free ports, one token, a 1 GiB heap, JMX on
 * loopback only. {@link #start} waits until the native port accepts CQL; {@link #stop} ends it (SIGTERM, then
 * SIGKILL); {@link #kill} is SIGKILL, for crash tests. Tests are skipped (not failed) when JDK 17 or the class-path
 * file is absent.
 */
public final class CassandraNode implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofMinutes(4);

    private final Path dir;
    private final String commitlogSync;
    private final int nativePort;
    private final int storagePort;
    private final int jmxPort;
    private Process process;

    /**
     * @param dir           the node's own directory (data, logs, yaml)
     * @param commitlogSync {@code batch} (a write is acknowledged after its commit-log fsync) or {@code periodic}
     *                      (fsync every 10 s: a crash may lose up to that much acknowledged writing)
     */
    public CassandraNode(Path dir, String commitlogSync) {
        this.dir = dir.toAbsolutePath();
        this.commitlogSync = commitlogSync;
        this.nativePort = freePort();
        this.storagePort = freePort();
        this.jmxPort = freePort();
    }

    /** The java of JDK 17 and the node's class path, or the test is skipped. */
    public static List<String> requirements() {
        Path java = Path.of(System.getProperty("cassandra.node.java", "/usr/lib/jvm/java-17-openjdk-amd64/bin/java"));
        Assumptions.assumeTrue(Files.isExecutable(java), "JDK 17 not found at " + java + ": Cassandra 5.0 needs it");
        Path cp = Path.of(System.getProperty("cassandra.node.classpath",
                "../neural-search-cassandra-node/target/cassandra.classpath"));
        Assumptions.assumeTrue(Files.isRegularFile(cp), "no Cassandra class path at " + cp
                + " (build neural-search-cassandra-node first)");
        try {
            return List.of(java.toString(), Files.readString(cp).trim());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String contactPoint() {
        return "127.0.0.1:" + nativePort;
    }

    public Path dir() {
        return dir;
    }

    public synchronized void start() throws IOException, InterruptedException {
        List<String> req = requirements();
        Files.createDirectories(dir);
        Path yaml = dir.resolve("cassandra.yaml");
        Files.writeString(yaml, yaml());
        Path logback = dir.resolve("logback.xml");
        Files.writeString(logback, logback());
        List<String> cmd = new ArrayList<>(List.of(req.get(0), "-Xms1g", "-Xmx1g", "-Xss512k", "-XX:+UseG1GC", "-XX:+ExitOnOutOfMemoryError",
                "-XX:ActiveProcessorCount=2", "-Djava.net.preferIPv4Stack=true",
                "-Dcassandra.config=" + yaml.toUri(), "-Dcassandra-foreground=yes",
                "-Dcassandra.storagedir=" + dir, "-Dcassandra.logdir=" + dir.resolve("logs"),
                "-Dlogback.configurationFile=" + logback.toUri(),
                "-Dcassandra.jmx.local.port=" + jmxPort, "-Dcom.sun.management.jmxremote.authenticate=false",
                "-Dcassandra.skip_wait_for_gossip_to_settle=0", "-Dcassandra.ring_delay_ms=100",
                "-Dcassandra.initial_token=0", "-Dcassandra.superuser_setup_delay_ms=0",
                "-Dio.netty.tryReflectionSetAccessible=true", "-Djdk.attach.allowAttachSelf=true"));
        // the JPMS flags of Cassandra 5.0's conf/jvm17-server.options
        for (String e : List.of("java.base/jdk.internal.misc", "java.management.rmi/com.sun.jmx.remote.internal.rmi",
                "java.rmi/sun.rmi.registry", "java.rmi/sun.rmi.server", "java.sql/java.sql",
                "java.base/java.lang.ref", "jdk.unsupported/sun.misc", "jdk.compiler/com.sun.tools.javac.file",
                "jdk.attach/sun.tools.attach")) {
            cmd.add("--add-exports");
            cmd.add(e + "=ALL-UNNAMED");
        }
        for (String o : List.of("java.base/java.lang.module", "java.base/jdk.internal.loader",
                "java.base/jdk.internal.ref", "java.base/jdk.internal.reflect", "java.base/jdk.internal.math",
                "java.base/jdk.internal.module", "java.base/jdk.internal.util.jar",
                "jdk.management/com.sun.management.internal", "java.base/sun.nio.ch", "java.base/java.io",
                "java.base/java.lang.reflect", "jdk.compiler/com.sun.tools.javac", "java.base/java.lang",
                "java.base/java.util")) {
            cmd.add("--add-opens");
            cmd.add(o + "=ALL-UNNAMED");
        }
        cmd.addAll(List.of("-cp", req.get(1), "org.apache.cassandra.service.CassandraDaemon"));
        Path out = dir.resolve("node.out");
        process = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile())).start();
        awaitCql(out);
    }

    private void awaitCql(Path out) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Cassandra node exited with " + process.exitValue() + ":\n" + tail(out));
            }
            try (CqlSession s = CqlSession.builder().addContactPoint(new InetSocketAddress("127.0.0.1", nativePort))
                    .withLocalDatacenter("datacenter1").build()) {
                s.execute("SELECT release_version FROM system.local");
                return;
            } catch (RuntimeException notYet) {
                Thread.sleep(1000);
            }
        }
        process.destroyForcibly().waitFor();
        throw new IllegalStateException("Cassandra node did not accept CQL within " + START_TIMEOUT + ":\n" + tail(out));
    }

    private String tail(Path out) throws IOException {
        List<String> lines = Files.readAllLines(out);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    }

    /** SIGKILL, as a crash: nothing is flushed. */
    public synchronized void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly().waitFor();
            process = null;
        }
    }

    /** SIGTERM (Cassandra drains on it), SIGKILL if it has not ended within a minute. */
    public synchronized void stop() throws InterruptedException {
        if (process != null) {
            process.destroy();
            if (!process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
            process = null;
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }

    private String yaml() {
        return String.join("\n",
                "cluster_name: neural-search-test",
                "num_tokens: 1",
                "partitioner: org.apache.cassandra.dht.Murmur3Partitioner",
                "data_file_directories: [" + dir.resolve("data") + "]",
                "commitlog_directory: " + dir.resolve("commitlog"),
                "saved_caches_directory: " + dir.resolve("saved_caches"),
                "hints_directory: " + dir.resolve("hints"),
                "cdc_raw_directory: " + dir.resolve("cdc_raw"),
                "commitlog_sync: " + commitlogSync,
                commitlogSync.equals("periodic") ? "commitlog_sync_period: 10000ms" : "",
                "seed_provider:",
                "  - class_name: org.apache.cassandra.locator.SimpleSeedProvider",
                "    parameters:",
                "      - seeds: \"127.0.0.1:" + storagePort + "\"",
                "listen_address: 127.0.0.1",
                "rpc_address: 127.0.0.1",
                "storage_port: " + storagePort,
                "native_transport_port: " + nativePort,
                "start_native_transport: true",
                "endpoint_snitch: SimpleSnitch",
                "storage_compatibility_mode: NONE",
                "authenticator: AllowAllAuthenticator",
                "authorizer: AllowAllAuthorizer",
                "memtable_heap_space: 128MiB",
                "memtable_offheap_space: 128MiB",
                "concurrent_reads: 8",
                // 5.0.6 fails a vector insert when more run at once on one memtable graph than JVector's pool allows
                // ("outstanding pooled objects has gone beyond the limit of 3" with 2 processors, CASSANDRA-21644)
                "concurrent_writes: 2",
                "concurrent_compactors: 1",
                "read_request_timeout: 20000ms",
                "range_request_timeout: 60000ms",
                "write_request_timeout: 20000ms",
                "request_timeout: 60000ms",
                "sai_options:",
                "  segment_write_buffer_size: 64MiB",
                "") + "\n";
    }

    private String logback() {
        return """
                <configuration>
                  <appender name="FILE" class="ch.qos.logback.core.FileAppender">
                    <file>%s</file>
                    <encoder><pattern>%%-5level [%%thread] %%date{ISO8601} %%F:%%L - %%msg%%n</pattern></encoder>
                  </appender>
                  <appender name="STDOUT" class="ch.qos.logback.core.ConsoleAppender">
                    <filter class="ch.qos.logback.classic.filter.ThresholdFilter"><level>WARN</level></filter>
                    <encoder><pattern>%%-5level %%date{ISO8601} %%msg%%n</pattern></encoder>
                  </appender>
                  <root level="INFO"><appender-ref ref="FILE"/><appender-ref ref="STDOUT"/></root>
                </configuration>
                """.formatted(dir.resolve("system.log"));
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
