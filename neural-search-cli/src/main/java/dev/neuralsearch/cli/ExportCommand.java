package dev.neuralsearch.cli;

import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import dev.neuralsearch.ann.JVectorIndex;
import dev.neuralsearch.cassandra.CassandraIndex;
import dev.neuralsearch.cassandra.CassandraIndexFactory;
import dev.neuralsearch.cassandra.CassandraSchema;
import dev.neuralsearch.cassandra.IncompatibleIndexException;
import dev.neuralsearch.core.Document;
import dev.neuralsearch.core.IndexSchema;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Copies the committed documents and vectors of an index home into a Cassandra table, without re-encoding: the home
 * is opened read-only (beside a running writer too), its live documents are read in {@code forEachLive} order and
 * written in batches, and after each batch the position is recorded in the keyspace ({@link ExportCheckpoint}), so a
 * killed export run again resumes where it stopped (when the home's commit is still the same; otherwise it starts
 * over, and the upserts make that safe).
 */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Copies an index home's documents and vectors into Apache Cassandra 5 (see docs/cassandra.md).")
final class ExportCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    HomeOptions home;

    @Option(names = "--cassandra", required = true, paramLabel = "<host:port/keyspace>",
            description = "The node to contact and the keyspace (created with replication factor 1 if absent).")
    String target;

    @Option(names = "--table", defaultValue = "documents", description = "The table (default: ${DEFAULT-VALUE}).")
    String table;

    @Option(names = "--batch", defaultValue = "500", description = "Documents per batch and checkpoint"
            + " (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--filterable", split = ",", paramLabel = "<field:number|text|boolean>",
            description = "Metadata fields to give a typed column and an SAI index, e.g. year:number,lang:text.")
    List<String> filterable = new ArrayList<>();

    @Option(names = "--consistency", defaultValue = "LOCAL_QUORUM",
            description = "Write consistency level (default: ${DEFAULT-VALUE}).")
    DefaultConsistencyLevel consistency;

    @Option(names = "--dry-run", description = "Print the CQL schema it would create, and stop.")
    boolean dryRun;

    @Option(names = "--no-progress", description = "No progress bar.")
    boolean noProgress;

    @Override
    public Integer call() {
        if (batch < 1) {
            throw new Nsearch.UserError("--batch must be >= 1, was " + batch);
        }
        int slash = target.indexOf('/');
        if (slash <= 0 || slash == target.length() - 1) {
            throw new Nsearch.UserError("--cassandra " + target + ": expected host:port/keyspace");
        }
        String contact = target.substring(0, slash);
        String keyspace = target.substring(slash + 1);
        IndexSchema schema = Components.requireHome(home.home);
        CassandraIndexFactory factory;
        CassandraSchema layout;
        try {
            factory = CassandraIndex.at(contact, keyspace).table(table).consistency(consistency);
            for (String f : filterable) {
                String[] p = f.split(":", 2);
                if (p.length != 2) {
                    throw new Nsearch.UserError("--filterable " + f + ": expected field:number|text|boolean");
                }
                factory.filterable(p[0], switch (p[1].toLowerCase(Locale.ROOT)) {
                    case "number" -> Number.class;
                    case "text", "string" -> String.class;
                    case "boolean" -> Boolean.class;
                    default -> throw new Nsearch.UserError("--filterable " + f + ": type is number, text or boolean");
                });
            }
            layout = factory.layout(schema);
        } catch (IllegalArgumentException e) {
            throw new Nsearch.UserError(e.getMessage(), e);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (dryRun) {
            for (String s : layout.ddl()) {
                out.println(s + ";");
            }
            out.println(layout.catalogInsert() + ";");
            out.println(ExportCheckpoint.ddl(keyspace) + ";");
            out.flush();
            return 0;
        }
        String source = home.home.toAbsolutePath().normalize().toString();
        long t0 = System.nanoTime();
        try (JVectorIndex from = JVectorIndex.openReadOnly(home.home);
             CassandraIndex to = factory.open(schema)) {
            ExportCheckpoint checkpoint = new ExportCheckpoint(to.session(), keyspace, table, source, consistency);
            long generation = from.generation();
            long total = from.stats().documents();
            ExportCheckpoint.Position at = checkpoint.load();
            long start = at != null && at.generation() == generation ? at.position() : 0;
            if (at != null && at.generation() != generation) {
                spec.commandLine().getErr().println("the home's commit changed since the last export (generation "
                        + at.generation() + " -> " + generation + "): exporting from the start");
            } else if (start > 0) {
                spec.commandLine().getErr().println("resuming at document " + start + " of " + total);
            }
            long[] position = {start};
            List<Document> docs = new ArrayList<>(batch);
            List<float[]> vectors = new ArrayList<>(batch);
            try (ProgressBar bar = Progress.bar("export", total, noProgress)) {
                bar.stepTo(start);
                from.forEachLive(start, (d, v) -> {
                    docs.add(d);
                    vectors.add(v);
                    if (docs.size() == batch) {
                        flush(to, checkpoint, generation, docs, vectors, position, bar, false);
                    }
                });
                flush(to, checkpoint, generation, docs, vectors, position, bar, true);
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            out.printf(Locale.ROOT, "exported %d documents (%d this run, resumed at %d) from %s to %s.%s in %.1f s"
                            + " (%.0f docs/s), model %s, dimension %d%n", position[0], position[0] - start, start,
                    source, keyspace, table, seconds, (position[0] - start) / Math.max(seconds, 1e-9),
                    schema.modelId(), schema.dimension());
            out.flush();
            return 0;
        } catch (IncompatibleIndexException e) {
            throw new Nsearch.UserError(e.getMessage(), e);
        }
    }

    private static void flush(CassandraIndex to, ExportCheckpoint checkpoint, long generation, List<Document> docs,
                              List<float[]> vectors, long[] position, ProgressBar bar, boolean last) {
        if (!docs.isEmpty()) {
            to.add(docs, vectors);
            position[0] += docs.size();
            bar.stepBy(docs.size());
            docs.clear();
            vectors.clear();
        }
        checkpoint.save(generation, position[0], last);
    }
}
