package dev.neuralsearch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import dev.neuralsearch.ann.JVectorIndex;
import dev.neuralsearch.cassandra.CassandraIndex;
import dev.neuralsearch.cassandra.CassandraIndexFactory;
import dev.neuralsearch.cassandra.CassandraNode;
import dev.neuralsearch.cassandra.CassandraNodeExtension;
import dev.neuralsearch.core.Document;
import dev.neuralsearch.core.Filter;
import dev.neuralsearch.core.IndexSchema;
import dev.neuralsearch.core.Similarity;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code nsearch export} against a real Cassandra node: a child JVM exporting a home is killed (SIGKILL) after its
 * first checkpoints, the export run again resumes from the checkpoint, and then every live document of the home is in
 * the table with its exact vector, its text and its metadata, and nothing else.
 */
@Tag("cassandra")
@ExtendWith(CassandraNodeExtension.class)
class ExportCommandTest {
    private static final IndexSchema SCHEMA = new IndexSchema("export-test", 24, Similarity.DOT_PRODUCT);

    @TempDir
    Path tmp;

    @Test
    void killedExportResumesAndRoundTripsEveryDocument(CassandraNode node) throws Exception {
        Path home = tmp.resolve("home");
        Random rnd = new Random(11);
        try (JVectorIndex index = JVectorIndex.open(home, SCHEMA)) {
            for (int seg = 0; seg < 3; seg++) {
                List<Document> docs = new ArrayList<>();
                List<float[]> vs = new ArrayList<>();
                for (int i = 0; i < 1000; i++) {
                    int n = seg * 1000 + i;
                    docs.add(Document.of("doc-" + n, "text of document " + n,
                            Map.of("year", 1990 + n % 30, "lang", n % 3 == 0 ? "de" : "en", "score", n / 7.0)));
                    float[] v = new float[SCHEMA.dimension()];
                    for (int j = 0; j < v.length; j++) {
                        v[j] = (float) rnd.nextGaussian();
                    }
                    vs.add(v);
                }
                index.add(docs, vs);
                index.commit();
            }
            index.delete(List.of("doc-5", "doc-1500", "doc-2999"));
            index.commit();
        }
        String target = node.contactPoint() + "/exported";

        StringWriter dry = new StringWriter();
        CommandLine cl = Nsearch.commandLine().setOut(new PrintWriter(dry));
        assertThat(cl.execute("export", "--home", home.toString(), "--cassandra", target, "--filterable",
                "year:number,lang:text", "--dry-run")).isZero();
        assertThat(dry.toString()).contains("embedding vector<float, 24>", "'similarity_function': 'dot_product'",
                "\"m_year\" double", "CREATE TABLE IF NOT EXISTS exported.neural_search_export");

        // a child JVM exports in batches of 50 and is killed once a checkpoint is recorded
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("--add-") || arg.startsWith("--enable-native-access") || arg.startsWith("--sun-misc")
                    || arg.startsWith("-D")) {
                command.add(arg);
            }
        }
        command.addAll(List.of("-Xmx512m", "-cp", System.getProperty("java.class.path"), Nsearch.class.getName(),
                "export", "--home", home.toString(), "--cassandra", target, "--batch", "50", "--no-progress",
                "--filterable", "year:number,lang:text"));
        Process child = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("child.txt").toFile()).start();
        long killedAt = -1;
        try (CqlSession s = CassandraIndex.at(node.contactPoint(), "exported").connect()) {
            long deadline = System.nanoTime() + 180_000_000_000L;
            while (child.isAlive() && System.nanoTime() < deadline) {
                Row r = null;
                try {
                    r = s.execute("SELECT position, complete FROM exported.neural_search_export").one();
                } catch (RuntimeException tableNotYetThere) {
                    // the child has not created it yet
                }
                if (r != null && r.getLong("position") >= 500 && !r.getBoolean("complete")) {
                    child.destroyForcibly().waitFor();
                    killedAt = r.getLong("position");
                    break;
                }
                Thread.sleep(20);
            }
        }
        child.destroyForcibly().waitFor();
        assertThat(killedAt).as("the child was killed mid-export (output: %s)", tmp.resolve("child.txt"))
                .isBetween(500L, 2_996L);

        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl = Nsearch.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err));
        assertThat(cl.execute("export", "--home", home.toString(), "--cassandra", target, "--batch", "200",
                "--no-progress", "--filterable", "year:number,lang:text")).as(err.toString()).isZero();
        assertThat(err.toString()).contains("resuming at document");
        assertThat(out.toString()).contains("exported 2997 documents");
        long resumedAt = Long.parseLong(out.toString().replaceAll("(?s).*resumed at (\\d+).*", "$1"));
        assertThat(resumedAt).isGreaterThanOrEqualTo(killedAt);

        CassandraIndexFactory factory = CassandraIndex.at(node.contactPoint(), "exported");
        Map<String, Document> docs = new LinkedHashMap<>();
        Map<String, float[]> vectors = new LinkedHashMap<>();
        try (JVectorIndex from = JVectorIndex.openReadOnly(home)) {
            from.forEachLive(0, (d, v) -> {
                docs.put(d.id(), d);
                vectors.put(d.id(), v);
            });
        }
        try (CassandraIndex to = factory.open(SCHEMA)) {
            assertThat(to.stats().documents()).isEqualTo(docs.size()).isEqualTo(2997);
            for (Map.Entry<String, Document> e : docs.entrySet()) {
                assertThat(to.get(e.getKey())).as(e.getKey()).contains(e.getValue());
                assertThat(to.vector(e.getKey())).as(e.getKey())
                        .hasValueSatisfying(v -> assertThat(v).containsExactly(vectors.get(e.getKey())));
            }
            assertThat(to.get("doc-1500")).isEmpty();
            // the recorded filterable fields were created and filled
            assertThat(to.search(vectors.get("doc-42"), 5, Filter.eq("year", 2002))).isNotEmpty()
                    .allSatisfy(h -> assertThat(h.document().metadata().get("year")).isEqualTo(2002L));
        }
    }
}
