package dev.neuralsearch.ann.bench;

import dev.neuralsearch.ann.VectorsFile;
import dev.neuralsearch.encoder.BiEncoder;
import dev.neuralsearch.encoder.Presets;
import dev.neuralsearch.eval.BeirDataset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the cached SciFact embeddings that {@code SciFactRecallTest}, {@link PqProbe} and {@link AnnBench}
 * ({@code vectors=...}) read: every corpus document (title + text) and every query of queries.jsonl (train and
 * test), encoded with a packaged model.
 *
 * <pre>
 * java [jvm flags] -cp ... dev.neuralsearch.ann.bench.EncodeSciFact [data=/work/shared/data/scifact]
 *      [model=all-minilm-l6-v2-q] [out=target/scifact-vectors.bin]
 * </pre>
 */
public final class EncodeSciFact {
    public static void main(String[] args) throws Exception {
        Map<String, String> a = new java.util.HashMap<>();
        for (String s : args) {
            int eq = s.indexOf('=');
            a.put(s.substring(0, eq), s.substring(eq + 1));
        }
        Path data = Path.of(a.getOrDefault("data", System.getProperty("shared.dir", "../../shared") + "/data/scifact"));
        String model = a.getOrDefault("model", "all-minilm-l6-v2-q");
        Path out = Path.of(a.getOrDefault("out", "target/scifact-vectors.bin"));
        Map<String, String> queries = new LinkedHashMap<>();
        BeirDataset test = BeirDataset.load(data, "test");
        queries.putAll(BeirDataset.load(data, "train").queries());
        queries.putAll(test.queries());
        List<String> docIds = new ArrayList<>(test.corpus().keySet());
        List<String> passages = new ArrayList<>(docIds.size());
        for (String id : docIds) {
            passages.add(test.corpus().get(id).passage());
        }
        List<String> queryIds = new ArrayList<>(queries.keySet());
        try (BiEncoder enc = BiEncoder.load(Presets.byId(model))) {
            long t0 = System.nanoTime();
            List<float[]> dv = enc.encodePassages(passages, (done, total) -> {
                if (done % 1000 == 0 || done == total) {
                    System.out.printf("  %d / %d passages%n", done, total);
                }
            });
            List<float[]> qv = enc.encodeQueries(queryIds.stream().map(queries::get).toList());
            System.out.printf("%s: %d passages + %d queries encoded in %.1f s%n", model, dv.size(), qv.size(),
                    (System.nanoTime() - t0) / 1e9);
            Files.createDirectories(out.toAbsolutePath().getParent());
            new VectorsFile(enc.modelId(), enc.dimension(), docIds, dv, queryIds, qv).write(out);
            System.out.println("wrote " + out.toAbsolutePath());
        }
    }
}
