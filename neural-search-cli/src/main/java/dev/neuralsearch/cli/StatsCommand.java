package dev.neuralsearch.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.neuralsearch.ann.JVectorIndex;
import dev.neuralsearch.core.IndexSchema;
import dev.neuralsearch.core.IndexStats;
import dev.neuralsearch.core.VectorIndex;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "stats", mixinStandardHelpOptions = true,
        description = "Prints an index home's size: documents, segments, tombstones, bytes on disk.")
final class StatsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    HomeOptions home;

    @Option(names = "--json", description = "One JSON object.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        IndexSchema schema = Components.requireHome(home.home);
        IndexStats s;
        try (VectorIndex index = JVectorIndex.at(home.home).readOnly().open(schema)) { // beside a writer too
            s = index.stats();
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("home", home.home.toAbsolutePath().toString());
        m.put("model", schema.modelId());
        m.put("dimension", schema.dimension());
        m.put("similarity", schema.similarity().name());
        m.put("documents", s.documents());
        m.put("segments", s.segments());
        m.put("tombstones", s.tombstones());
        m.put("uncommitted", s.uncommitted());
        m.put("bytesOnDisk", s.bytesOnDisk());
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(new ObjectMapper().writeValueAsString(m));
        } else {
            m.forEach((k, v) -> out.printf(Locale.ROOT, "%-12s %s%n", k, v));
            out.printf(Locale.ROOT, "%-12s %.1f MiB%n", "onDisk", s.bytesOnDisk() / (1024.0 * 1024.0));
        }
        out.flush();
        return 0;
    }
}
