package dev.neuralsearch.cassandra;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import java.nio.file.Path;

/**
 * Gives tests one shared {@link CassandraNode} (parameter injection), started on first use and stopped when the test
 * JVM's root context closes, so the suites of one run pay the start-up once. Its directory is
 * {@code target/cassandra-node}, wiped at start.
 */
public final class CassandraNodeExtension implements ParameterResolver {

    @Override
    public boolean supportsParameter(ParameterContext p, ExtensionContext c) {
        return p.getParameter().getType() == CassandraNode.class;
    }

    @Override
    public Object resolveParameter(ParameterContext p, ExtensionContext c) {
        return c.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                .getOrComputeIfAbsent(Shared.class, k -> Shared.start(), Shared.class).node;
    }

    private record Shared(CassandraNode node, long startMillis) implements ExtensionContext.Store.CloseableResource,
            AutoCloseable {
        static Shared start() {
            CassandraNode.requirements();
            Path dir = Path.of("target", "cassandra-node");
            try {
                TestFiles.deleteTree(dir);
                CassandraNode node = new CassandraNode(dir, "batch");
                long t0 = System.nanoTime();
                node.start();
                long ms = (System.nanoTime() - t0) / 1_000_000;
                System.out.println("cassandra node started in " + ms + " ms at " + node.contactPoint());
                return new Shared(node, ms);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void close() throws InterruptedException {
            node.stop();
        }
    }
}
