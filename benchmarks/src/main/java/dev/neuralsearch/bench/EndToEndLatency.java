package dev.neuralsearch.bench;

import dev.neuralsearch.ann.JVectorIndex;
import dev.neuralsearch.core.Document;
import dev.neuralsearch.core.IndexSchema;
import dev.neuralsearch.core.NeuralSearch;
import dev.neuralsearch.core.SearchResult;
import dev.neuralsearch.core.TextEncoder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * End-to-end query latency through {@link NeuralSearch}: encode the query, recall {@code --recall} (1000) from the
 * JVector index of the 5183 SciFact documents, rerank the top {@code --rerank} (100), return 10. Prints p50, p99
 * and max of the total and of each stage ({@code SearchResult.timings()}), one query at a time.
 *
 * <p>Encoder: ours, all-MiniLM-L6-v2-q at 128 tokens. The index is built once from the cached SciFact vectors of
 * {@link VectorData} (the same model and length, encoded by langchain4j) and kept under
 * {@code bench-data/e2e-index}; the documents carry their real text, which the reranker reads.
 *
 * <p>Reranker: no real cross-encoder's weights are available here, so {@link PairEncoderReranker} stands in with
 * the cost of cross-encoder/ms-marco-MiniLM-L-6-v2 ({@code --rerank-model}, default all-MiniLM-L6-v2 fp32, max
 * {@code --rerank-tokens} 512). The latency is meaningful, the ranking is not.
 *
 * <pre>java $FLAGS -cp benchmarks/target/benchmarks.jar dev.neuralsearch.bench.EndToEndLatency --queries 50</pre>
 */
public final class EndToEndLatency {

    public static void main(String[] args) throws Exception {
        Map<String, String> o = new java.util.HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            o.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        int queries = Integer.parseInt(o.getOrDefault("queries", "50"));
        int warmup = Integer.parseInt(o.getOrDefault("warmup", "5"));
        int recall = Integer.parseInt(o.getOrDefault("recall", "1000"));
        int rerank = Integer.parseInt(o.getOrDefault("rerank", "100"));
        EncoderModel rerankModel = EncoderModel.of(o.getOrDefault("rerank-model", "all-MiniLM-L6-v2"));
        int rerankTokens = Integer.parseInt(o.getOrDefault("rerank-tokens", "512"));

        VectorData data = VectorData.scifact();
        List<SciFact.Doc> corpus = SciFact.corpus();
        List<SciFact.Doc> qs = SciFact.queries();
        TextEncoder encoder = Ours.encoder(EncoderModel.ALL_MINILM_L6_V2_Q);
        TextEncoder pairEncoder = Ours.encoder(rerankModel, rerankTokens);
        Path home = BenchPaths.cache().resolve("e2e-index");
        IndexSchema schema = new IndexSchema(encoder.modelId(), encoder.dimension(), encoder.similarity());
        if (!Files.exists(home.resolveSibling("e2e-index.complete"))) {
            VectorSearchComparison.deleteTree(home);
            try (JVectorIndex idx = JVectorIndex.open(home, schema)) {
                List<Document> docs = new ArrayList<>();
                for (SciFact.Doc d : corpus) {
                    docs.add(new Document(d.id(), d.text()));
                }
                idx.add(docs, Arrays.asList(data.base));
                idx.commit();
            }
            Files.writeString(home.resolveSibling("e2e-index.complete"), "ok\n");
        }
        System.out.printf("end-to-end: %d queries (after %d warm-up), recall %d, rerank %d with %s; load average %s;"
                        + " %s%n", queries, warmup, recall, rerank, "cost-proxy " + rerankModel.id + " @" + rerankTokens,
                VectorSearchComparison.loadAverage(), Runtime.version());
        long[] total = new long[queries];
        long[] enc = new long[queries];
        long[] rec = new long[queries];
        long[] rr = new long[queries];
        try (NeuralSearch search = NeuralSearch.builder()
                .encoder(encoder)
                .index(JVectorIndex.open(home, schema))
                .reranker(new PairEncoderReranker(pairEncoder))
                .build()) {
            for (int i = 0; i < warmup + queries; i++) {
                SearchResult r = search.query(qs.get(i % qs.size()).text()).recall(recall).rerank(rerank).limit(10)
                        .run();
                if (i >= warmup) {
                    int j = i - warmup;
                    total[j] = r.timings().totalNanos();
                    enc[j] = r.timings().encodeNanos();
                    rec[j] = r.timings().recallNanos();
                    rr[j] = r.timings().rerankNanos();
                    if (r.reranked() != Math.min(rerank, r.recalled())) {
                        throw new IllegalStateException("reranked " + r.reranked() + " of " + r.recalled());
                    }
                }
            }
        }
        print("total", total);
        print("encode query", enc);
        print("recall " + recall, rec);
        print("rerank " + rerank, rr);
        System.out.println("load average at end " + VectorSearchComparison.loadAverage());
    }

    private static void print(String stage, long[] nanos) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        System.out.printf("%-14s p50 %9.1f ms   p99 %9.1f ms   max %9.1f ms   (n=%d)%n", stage, pct(s, 0.50) / 1e6,
                pct(s, 0.99) / 1e6, s[s.length - 1] / 1e6, s.length);
    }

    /** Nearest-rank percentile. */
    private static long pct(long[] sorted, double p) {
        int idx = (int) Math.ceil(p * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, idx))];
    }
}
