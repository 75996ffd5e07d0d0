package dev.neuralsearch.benchmarks;

import dev.neuralsearch.core.ProgressListener;
import dev.neuralsearch.core.Similarity;
import dev.neuralsearch.core.TextEncoder;
import dev.neuralsearch.eval.BeirDataset;
import dev.neuralsearch.eval.BeirEvaluator;
import dev.neuralsearch.eval.EmbeddingCache;
import dev.neuralsearch.eval.EvalReport;
import dev.neuralsearch.tokenize.TextTokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Investigation tool: what does all-MiniLM-L6-v2 score on SciFact with a longer max length? Only passages
 * longer than the base length change, so their vectors are re-encoded and the rest are taken from the base
 * run's cache file. Args: beirDir baseCacheFile baseLength newLength.
 */
public final class MiniLmLengthStudy {
    public static void main(String[] args) {
        BeirDataset ds = BeirDataset.load(Path.of(args[0]), "test");
        Path baseCache = Path.of(args[1]);
        int base = Integer.parseInt(args[2]);
        int len = Integer.parseInt(args[3]);
        List<String> ids = new ArrayList<>(ds.corpus().keySet());
        List<String> passages = ds.corpus().values().stream().map(BeirDataset.CorpusDoc::passage).toList();
        List<float[]> baseVectors = EmbeddingCache.read(baseCache, ids.size(), 384)
                .orElseThrow(() -> new IllegalArgumentException("cannot read " + baseCache));
        List<Integer> longer = new ArrayList<>();
        int[] hist = new int[5];
        try (TextTokenizer tok = TextTokenizer.fromClasspath("all-minilm-l6-v2-tokenizer.json", 100_000)) {
            long total = 0;
            for (int i = 0; i < passages.size(); i++) {
                int n = tok.encode(passages.get(i)).tokenCount();
                total += n;
                hist[n <= 128 ? 0 : n <= 256 ? 1 : n <= 384 ? 2 : n <= 512 ? 3 : 4]++;
                if (n > base) {
                    longer.add(i);
                }
            }
            System.out.printf(Locale.ROOT, "tokens per passage (untruncated, with [CLS]/[SEP]): mean %.1f; "
                    + "<=128: %d, 129-256: %d, 257-384: %d, 385-512: %d, >512: %d%n",
                    (double) total / passages.size(), hist[0], hist[1], hist[2], hist[3], hist[4]);
        }
        System.out.printf(Locale.ROOT, "%d of %d passages exceed %d tokens and are re-encoded at %d%n",
                longer.size(), passages.size(), base, len);
        ReferenceEncoder.Recipe r = ReferenceEncoder.recipe("all-minilm-l6-v2").withMaxLength(len);
        try (ReferenceEncoder enc = new ReferenceEncoder(r, Runtime.getRuntime().availableProcessors())) {
            List<String> texts = longer.stream().map(passages::get).toList();
            List<float[]> fresh = enc.encodePassages(texts, (d, t) -> {
                if (d % 100 == 0) {
                    System.err.println("encoded " + d + "/" + t);
                }
            });
            Map<String, float[]> byText = new HashMap<>();
            for (int i = 0; i < passages.size(); i++) {
                byText.put(passages.get(i), baseVectors.get(i));
            }
            for (int j = 0; j < longer.size(); j++) {
                byText.put(passages.get(longer.get(j)), fresh.get(j));
            }
            TextEncoder combined = new TextEncoder() {
                @Override
                public String modelId() {
                    return "minilm-combined-" + len;
                }

                @Override
                public int dimension() {
                    return 384;
                }

                @Override
                public Similarity similarity() {
                    return Similarity.DOT_PRODUCT;
                }

                @Override
                public float[] encodeQuery(String query) {
                    return enc.encodeQuery(query);
                }

                @Override
                public List<float[]> encodeQueries(List<String> queries) {
                    return enc.encodeQueries(queries);
                }

                @Override
                public List<float[]> encodePassages(List<String> ps, ProgressListener progress) {
                    return ps.stream().map(byText::get).toList();
                }

                @Override
                public void close() {
                }
            };
            EvalReport rep = BeirEvaluator.evaluate(ds, combined, null, null,
                    BeirEvaluator.Options.defaults("minilm-" + len), BeirEvaluator.Listener.SILENT);
            System.out.println("all-MiniLM-L6-v2, max length " + len + " (reference encoder)");
            System.out.print(rep.table());
        }
    }
}
