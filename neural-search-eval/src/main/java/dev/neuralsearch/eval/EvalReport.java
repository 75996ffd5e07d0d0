package dev.neuralsearch.eval;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Everything one evaluation measured. Serialises to JSON as is ({@link #toJson()}).
 *
 * @param dataset     dataset folder name
 * @param split       qrels split
 * @param documents   corpus size
 * @param queries     evaluated queries
 * @param model       the model as the caller named it (preset or folder)
 * @param modelId     {@code TextEncoder.modelId()}
 * @param dimension   vector dimension
 * @param encoding    corpus encoding figures
 * @param pipelines   one entry per pipeline: exact, ann, ann+rerank, ...; for a multi-route run one per route, bm25
 *                    and the fused row
 * @param annOverlapAt10 mean over queries of |ANN top 10 ∩ exact top 10| / 10 (null without ANN)
 * @param settings    recall depth, rerank depth and the like
 * @param environment JDK, processors, OS
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EvalReport(String dataset, String split, int documents, int queries, String model, String modelId,
                         int dimension, Encoding encoding, List<Pipeline> pipelines, Double annOverlapAt10,
                         Map<String, Object> settings, Map<String, String> environment) {

    /**
     * @param seconds        wall time of the encoding that produced the vectors (from the cache's record
     *                       when cached)
     * @param docsPerSecond  documents / seconds
     * @param tokensPerSecond passage tokens / second when the encoder reports token counts, else null
     * @param cached         true when this run read the vectors from the cache instead of encoding
     * @param cacheFile      the cache file, or null when caching is off
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Encoding(int documents, double seconds, double docsPerSecond, Double tokensPerSecond,
                           boolean cached, String cacheFile) {
    }

    /**
     * @param name       exact, ann or ann+rerank
     * @param metrics    metric name (recall@1 ... recall@100, ndcg@10, mrr@10) to mean over queries
     * @param latencyMsP50 per-query latency (query encoding + search [+ rerank]), median
     * @param latencyMsP99 the same, 99th percentile
     * @param searchMsP50 search (+ rerank) alone, median
     */
    public record Pipeline(String name, Map<String, Double> metrics, double latencyMsP50, double latencyMsP99,
                           double searchMsP50) {
        public double metric(String name) {
            Double v = metrics.get(name);
            if (v == null) {
                throw new IllegalArgumentException("no metric '" + name + "' (have " + metrics.keySet() + ")");
            }
            return v;
        }
    }

    public Pipeline pipeline(String name) {
        for (Pipeline p : pipelines) {
            if (p.name().equals(name)) {
                return p;
            }
        }
        throw new IllegalArgumentException("no pipeline '" + name + "' in this report");
    }

    public boolean hasPipeline(String name) {
        return pipelines.stream().anyMatch(p -> p.name().equals(name));
    }

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void writeJson(Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(file, toJson() + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + file, e);
        }
    }

    /** The metrics table: one row per pipeline, one column per metric, plus latency. */
    public String table() {
        StringBuilder sb = new StringBuilder();
        List<String> cols = pipelines.isEmpty() ? List.of() : List.copyOf(pipelines.get(0).metrics().keySet());
        int width = 11; // the widest row name sets the first column (route rows are named after their model)
        for (Pipeline p : pipelines) {
            width = Math.max(width, p.name().length());
        }
        String nameColumn = "%-" + width + "s";
        sb.append(String.format(Locale.ROOT, nameColumn, "pipeline"));
        for (String c : cols) {
            sb.append(String.format(Locale.ROOT, " %9s", c));
        }
        sb.append(String.format(Locale.ROOT, " %9s %9s%n", "p50 ms", "p99 ms"));
        for (Pipeline p : pipelines) {
            sb.append(String.format(Locale.ROOT, nameColumn, p.name()));
            for (String c : cols) {
                Double v = p.metrics().get(c);
                sb.append(v == null ? String.format(Locale.ROOT, " %9s", "-")
                        : String.format(Locale.ROOT, " %9.4f", v));
            }
            sb.append(String.format(Locale.ROOT, " %9.2f %9.2f%n", p.latencyMsP50(), p.latencyMsP99()));
        }
        return sb.toString();
    }
}
