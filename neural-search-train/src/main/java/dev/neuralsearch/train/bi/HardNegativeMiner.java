package dev.neuralsearch.train.bi;

import dev.neuralsearch.encoder.BiEncoder;
import dev.neuralsearch.encoder.ModelSpec;
import dev.neuralsearch.eval.EmbeddingCache;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mines hard negatives with the <em>starting</em> model: the corpus and the training queries are encoded by core's
 * {@link BiEncoder} (ONNX Runtime, far faster than the PyTorch forward pass), the corpus is ranked for each query
 * by exact dot product, and {@code perQuery} negatives are drawn (seeded) from ranks {@value #FIRST_RANK} to
 * {@value #LAST_RANK}, skipping the query's labelled positives.
 *
 * <p>Why not the top ranks: BEIR qrels are sparse (SciFact: 1.1 labelled documents per training query), and the
 * documents a good model puts in its top 10 are often relevant but unlabelled; training them away as negatives
 * would teach the model to push relevant documents down. Ranks 11-50 are still close to the query (hard), with
 * far fewer hidden positives.
 *
 * <p>The corpus vectors go through the evaluator's {@link EmbeddingCache} with the same key as
 * {@code nsearch eval --model <same model string> --cache-dir <dir>}, so a corpus that has been evaluated with
 * the starting model is not encoded again (and the other way round).
 */
public final class HardNegativeMiner {
    public static final int FIRST_RANK = 11;
    public static final int LAST_RANK = 50;
    private static final Logger LOG = LoggerFactory.getLogger(HardNegativeMiner.class);

    private final ModelSpec spec;
    private final String cacheName;
    private final int perQuery;
    private final long seed;
    private Path cacheDir;
    private boolean progressBar = true;

    /**
     * @param spec      the starting model
     * @param cacheName the model as named on the eval command line ({@code --model}), for the cache key
     * @param perQuery  negatives per query
     * @param seed      which of the candidate ranks are drawn
     */
    public HardNegativeMiner(ModelSpec spec, String cacheName, int perQuery, long seed) {
        this.spec = Objects.requireNonNull(spec, "spec");
        this.cacheName = Objects.requireNonNull(cacheName, "cacheName");
        if (perQuery < 1 || perQuery > LAST_RANK - FIRST_RANK + 1) {
            throw new IllegalArgumentException("negatives per query must be in 1.." + (LAST_RANK - FIRST_RANK + 1)
                    + ", got " + perQuery);
        }
        this.perQuery = perQuery;
        this.seed = seed;
    }

    /** Reads and writes corpus vectors in the evaluator's cache (null: no cache). */
    public HardNegativeMiner cacheDir(Path dir) {
        this.cacheDir = dir;
        return this;
    }

    public HardNegativeMiner progressBar(boolean on) {
        this.progressBar = on;
        return this;
    }

    /** The pairs with {@code perQuery} mined negatives each (all pairs of a query get the same negatives). */
    public List<TrainingPair> mine(List<TrainingPair> pairs, Path beirDir) {
        Map<String, String> corpus = TrainingData.corpus(beirDir);
        List<String> ids = new ArrayList<>(corpus.keySet());
        List<String> passages = new ArrayList<>(corpus.values());
        Path abs = beirDir.toAbsolutePath().normalize();
        String dataset = abs.getFileName() == null ? abs.toString() : abs.getFileName().toString();
        Map<String, Set<String>> positives = new HashMap<>();
        Map<String, String> queries = new LinkedHashMap<>();
        for (TrainingPair p : pairs) {
            positives.computeIfAbsent(p.queryId(), k -> new HashSet<>()).add(p.positiveId());
            queries.putIfAbsent(p.queryId(), p.query());
        }
        long t0 = System.nanoTime();
        List<float[]> docs;
        List<float[]> qv;
        try (BiEncoder encoder = BiEncoder.load(spec)) {
            docs = corpusVectors(encoder, dataset, ids, passages);
            qv = encoder.encodeQueries(new ArrayList<>(queries.values()));
        }
        Map<String, List<String>> negatives = new HashMap<>();
        int q = 0;
        for (String qid : queries.keySet()) {
            int[] top = topK(qv.get(q++), docs, LAST_RANK + positives.get(qid).size());
            List<String> candidates = new ArrayList<>();
            int rank = 0;
            for (int d : top) {
                if (positives.get(qid).contains(ids.get(d))) {
                    continue; // labelled positives do not take a rank
                }
                rank++;
                if (rank >= FIRST_RANK && rank <= LAST_RANK) {
                    candidates.add(passages.get(d));
                }
            }
            Random r = new Random(seed * 31 + qid.hashCode());
            List<String> chosen = new ArrayList<>();
            for (int i = 0; i < perQuery && !candidates.isEmpty(); i++) {
                chosen.add(candidates.remove(r.nextInt(candidates.size())));
            }
            negatives.put(qid, chosen);
        }
        LOG.info(String.format(Locale.ROOT, "mined %d negatives for each of %d queries (ranks %d-%d of %s) in %.1f s",
                perQuery, queries.size(), FIRST_RANK, LAST_RANK, spec.id(), (System.nanoTime() - t0) / 1e9));
        return pairs.stream().map(p -> p.withNegatives(negatives.get(p.queryId()))).toList();
    }

    private List<float[]> corpusVectors(BiEncoder encoder, String dataset, List<String> ids, List<String> passages) {
        Path file = null;
        if (cacheDir != null) {
            int longest = 0;
            for (int i = 1; i < passages.size(); i++) {
                if (passages.get(i).length() > passages.get(longest).length()) {
                    longest = i;
                }
            }
            float[] probe = encoder.encodePassages(List.of(passages.get(longest))).get(0);
            // the evaluator's key: model name as given, passage-side id = the resolved spec's id
            String key = EmbeddingCache.key(cacheName, spec.id(), ids, passages, probe);
            file = EmbeddingCache.file(cacheDir, dataset, cacheName, key);
            var cached = EmbeddingCache.read(file, ids.size(), encoder.dimension());
            if (cached.isPresent()) {
                LOG.info("corpus vectors of {} read from {}", spec.id(), file);
                return cached.get();
            }
            LOG.info("no cached corpus vectors at {}: encoding {} passages with {}", file, passages.size(), spec.id());
        }
        List<float[]> vectors;
        try (ProgressBar bar = new ProgressBarBuilder().setTaskName("encode corpus (mining)")
                .setInitialMax(passages.size()).setStyle(ProgressBarStyle.ASCII).setUnit(" docs", 1).showSpeed()
                .setConsumer(progressBar ? new ConsoleProgressBarConsumer(System.err)
                        : new DelegatingProgressBarConsumer(s -> { }))
                .build()) {
            vectors = encoder.encodePassages(passages, (done, total) -> bar.stepTo(done));
        }
        if (file != null) {
            EmbeddingCache.write(file, vectors, encoder.dimension());
        }
        return vectors;
    }

    /** Indices of the {@code k} highest dot products, best first. */
    static int[] topK(float[] query, List<float[]> docs, int k) {
        int n = Math.min(k, docs.size());
        float[] scores = new float[docs.size()];
        for (int d = 0; d < docs.size(); d++) {
            float[] v = docs.get(d);
            float s = 0;
            for (int i = 0; i < v.length; i++) {
                s += query[i] * v[i];
            }
            scores[d] = s;
        }
        Integer[] order = new Integer[docs.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> a.equals(b) ? 0
                : scores[a] != scores[b] ? Float.compare(scores[b], scores[a]) : Integer.compare(a, b));
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = order[i];
        }
        return out;
    }
}
