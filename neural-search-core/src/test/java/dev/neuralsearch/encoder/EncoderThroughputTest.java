package dev.neuralsearch.encoder;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.neuralsearch.onnx.SessionConfig;
import dev.neuralsearch.testing.SharedData;
import java.io.BufferedReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Bulk-encoding throughput on the first 500 SciFact documents (title + text), for the figures in
 * docs/encoders.md. Heavy: run with
 * {@code ./mvnw -B -o -pl neural-search-core test -Pheavy -Dtest=EncoderThroughputTest}
 * (system properties: {@code bench.configs} narrows the runs, e.g. {@code -Dbench.configs=bge-default,minilm-default};
 * {@code bench.docs} the number of documents; {@code bench.input=queries} uses the short SciFact queries instead; results are also appended to {@code target/encoder-bench.txt}).
 */
@Tag("heavy")
class EncoderThroughputTest {

    record Config(String name, ModelSpec spec, EncoderOptions options) {
    }

    static List<String> scifactDocs(int n) throws Exception {
        boolean queries = "queries".equals(System.getProperty("bench.input"));
        Path corpus = SharedData.scifact().resolve(queries ? "queries.jsonl" : "corpus.jsonl");
        ObjectMapper json = new ObjectMapper();
        List<String> docs = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(corpus)) {
            String line;
            while (docs.size() < n && (line = r.readLine()) != null) {
                JsonNode d = json.readTree(line);
                docs.add((d.path("title").asText("") + " " + d.path("text").asText("")).trim());
            }
        }
        return docs;
    }

    @Test
    void throughputOn500SciFactDocs() throws Exception {
        List<String> docs = scifactDocs(Integer.getInteger("bench.docs", 500));
        Path report = Path.of(System.getProperty("bench.out", "target/encoder-bench.txt"));
        Files.writeString(report, String.format(Locale.ROOT, "# %d cores, load average %.2f at start%n",
                Runtime.getRuntime().availableProcessors(),
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
        EncoderOptions def = EncoderOptions.defaults();
        int cores = Runtime.getRuntime().availableProcessors();
        List<Config> configs = List.of(
                new Config("minilm-default", Presets.ALL_MINILM_L6_V2, def),
                new Config("bge-default", Presets.BGE_SMALL_EN_V15, def),
                new Config("bge-1session-" + cores + "threads", Presets.BGE_SMALL_EN_V15,
                        def.withSessions(1).withSession(SessionConfig.DEFAULT.withIntraOpThreads(cores))),
                new Config("bge-batch8-4k", Presets.BGE_SMALL_EN_V15, def.withBatching(8, 4096)),
                new Config("bge-batch32-16k", Presets.BGE_SMALL_EN_V15, def.withBatching(32, 16384)),
                new Config("bge-batch1", Presets.BGE_SMALL_EN_V15, def.withBatching(1, 8192)),
                new Config("bge-batch16-8k", Presets.BGE_SMALL_EN_V15, def.withBatching(16, 8192)),
                new Config("minilm-batch16-8k", Presets.ALL_MINILM_L6_V2, def.withBatching(16, 8192)),
                new Config("bge-batch16-1k", Presets.BGE_SMALL_EN_V15, def.withBatching(16, 1024)),
                new Config("bge-batch16-2k", Presets.BGE_SMALL_EN_V15, def.withBatching(16, 2048)),
                new Config("minilm-batch1", Presets.ALL_MINILM_L6_V2, def.withBatching(1, 8192)),
                new Config("minilm-batch16-1k", Presets.ALL_MINILM_L6_V2, def.withBatching(16, 1024)),
                new Config("minilm-batch16-512", Presets.ALL_MINILM_L6_V2, def.withBatching(16, 512)),
                new Config("bge-batch16-512", Presets.BGE_SMALL_EN_V15, def.withBatching(16, 512)),
                new Config("bge-q-deterministic", Presets.BGE_SMALL_EN_V15_Q, def),
                new Config("bge-q-batched", Presets.BGE_SMALL_EN_V15_Q, def.withDeterministic(false)),
                new Config("minilm-q-deterministic", Presets.ALL_MINILM_L6_V2_Q, def));
        String only = System.getProperty("bench.configs", "");
        for (Config c : configs) {
            if (!only.isBlank() && !List.of(only.split(",")).contains(c.name())) {
                continue;
            }
            try (BiEncoder e = BiEncoder.load(c.spec(), c.options())) {
                e.encodePassages(docs.subList(0, 32)); // warm-up
                long t0 = System.nanoTime();
                List<EncodedText> out = e.encodeAll(docs, TextRole.PASSAGE, null);
                double secs = (System.nanoTime() - t0) / 1e9;
                long tokens = out.stream().mapToLong(EncodedText::tokenCount).sum();
                long truncated = out.stream().filter(EncodedText::truncated).count();
                String line = String.format(Locale.ROOT, "BENCH %-26s %6.1f docs/s %7.0f tokens/s (%d docs, %d tokens, %d truncated, %.1f s)",
                        c.name(), docs.size() / secs, tokens / secs, docs.size(), tokens, truncated, secs);
                System.out.println(line);
                Files.writeString(report, line + System.lineSeparator(), java.nio.file.StandardOpenOption.APPEND);
                assertThat(out).hasSize(docs.size());
            }
        }
    }
}
