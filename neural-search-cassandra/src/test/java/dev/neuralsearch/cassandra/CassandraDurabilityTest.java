package dev.neuralsearch.cassandra;

import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import dev.neuralsearch.core.Document;
import dev.neuralsearch.core.IndexSchema;
import dev.neuralsearch.core.Similarity;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A node killed with SIGKILL while a writer is adding loses no write it acknowledged. The node runs with
 * {@code commitlog_sync: batch}: a write is acknowledged after its commit-log segment is fsynced, which is what makes
 * an acknowledged write on a single replica survive a crash (with the default {@code periodic} sync, up to 10 s of
 * acknowledged writes live only in the page cache, and a power loss would lose them; a SIGKILL keeps the page cache,
 * so a SIGKILL alone cannot tell the two apart: docs/cassandra.md says which to choose).
 */
@Tag("cassandra")
class CassandraDurabilityTest {
    private static final IndexSchema SCHEMA = new IndexSchema("durability", 16, Similarity.DOT_PRODUCT);

    @Test
    void killedNodeKeepsEveryAcknowledgedWrite() throws Exception {
        Path dir = Path.of("target", "cassandra-crash");
        TestFiles.deleteTree(dir);
        try (CassandraNode node = new CassandraNode(dir, "batch")) {
            node.start();
            CassandraIndexFactory factory = CassandraIndex.at(node.contactPoint(), "crash")
                    .consistency(DefaultConsistencyLevel.ONE).filterable("n", Number.class);
            Map<String, float[]> acknowledged = new ConcurrentHashMap<>();
            AtomicReference<Throwable> writerEnd = new AtomicReference<>();
            try (CassandraIndex index = factory.open(SCHEMA)) {
                Thread writer = new Thread(() -> {
                    Random rnd = new Random(3);
                    try {
                        for (int batch = 0; ; batch++) {
                            List<Document> docs = new ArrayList<>();
                            List<float[]> vecs = new ArrayList<>();
                            for (int i = 0; i < 50; i++) {
                                int n = batch * 50 + i;
                                docs.add(Document.of("doc-" + n, "text " + n, Map.of("n", n)));
                                vecs.add(CassandraSmokeTest.unit(rnd, 16));
                            }
                            index.add(docs, vecs); // returns once every row is acknowledged
                            for (int i = 0; i < docs.size(); i++) {
                                acknowledged.put(docs.get(i).id(), vecs.get(i));
                            }
                        }
                    } catch (Throwable t) {
                        writerEnd.set(t);
                    }
                });
                writer.start();
                while (acknowledged.size() < 2_000 && writer.isAlive()) {
                    Thread.sleep(50);
                }
                node.kill(); // mid-write
                writer.join(120_000);
                assertThat(writerEnd.get()).as("the writer stopped because the node died").isNotNull();
            }
            int acked = acknowledged.size();
            node.start();
            try (CassandraIndex index = factory.open(SCHEMA)) {
                long stored = index.stats().documents();
                System.out.printf("durability: %d acknowledged before SIGKILL, %d rows after restart%n", acked, stored);
                assertThat(stored).isGreaterThanOrEqualTo(acked);
                for (Map.Entry<String, float[]> e : acknowledged.entrySet()) {
                    assertThat(index.vector(e.getKey())).as(e.getKey())
                            .hasValueSatisfying(v -> assertThat(v).containsExactly(e.getValue()));
                }
            }
        }
    }
}
