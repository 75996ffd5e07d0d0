package dev.neuralsearch.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.neuralsearch.encoder.BiEncoder;
import dev.neuralsearch.encoder.EncodedText;
import dev.neuralsearch.encoder.TextRole;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "embed", mixinStandardHelpOptions = true,
        description = "Encodes a text and prints its vector: dimension, norm, first components, token count.")
final class EmbedCommand implements Callable<Integer> {

    private static final int SHOWN = 8;

    @Spec
    CommandSpec spec;

    @Option(names = {"-m", "--model"}, paramLabel = "<model>", defaultValue = Components.DEFAULT_MODEL,
            description = "A preset or a model directory (default ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--query", description = "Encode as a query (with the model's query prefix) instead of a passage.")
    boolean query;

    @Option(names = "--json", description = "One JSON object with the whole vector.")
    boolean json;

    @Parameters(index = "0", paramLabel = "<text>", description = "The text to encode.")
    String text;

    @Override
    public Integer call() throws Exception {
        if (text.isBlank()) {
            throw new Nsearch.UserError("the text is empty or blank");
        }
        EncodedText e;
        String modelId;
        try (BiEncoder encoder = Components.encoder(model)) {
            modelId = encoder.modelId();
            e = encoder.encode(text, query ? TextRole.QUERY : TextRole.PASSAGE);
        }
        float[] v = e.vector();
        double norm = 0;
        for (float x : v) {
            norm += (double) x * x;
        }
        norm = Math.sqrt(norm);
        PrintWriter out = spec.commandLine().getOut();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", modelId);
        m.put("role", query ? "query" : "passage");
        m.put("dimension", v.length);
        m.put("norm", norm);
        m.put("tokens", e.tokenCount());
        m.put("truncated", e.truncated());
        if (json) {
            m.put("vector", v);
            out.println(new ObjectMapper().writeValueAsString(m));
        } else {
            m.forEach((k, val) -> out.printf(Locale.ROOT, "%-10s %s%n", k,
                    val instanceof Double d ? String.format(Locale.ROOT, "%.6f", d) : val));
            StringBuilder first = new StringBuilder("[");
            for (int i = 0; i < Math.min(SHOWN, v.length); i++) {
                first.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.5f", v[i]));
            }
            out.printf(Locale.ROOT, "%-10s %s%s]%n", "vector", first, v.length > SHOWN ? ", ..." : "");
        }
        out.flush();
        return 0;
    }
}
