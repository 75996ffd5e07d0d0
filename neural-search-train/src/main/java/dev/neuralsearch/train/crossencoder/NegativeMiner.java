package dev.neuralsearch.train.crossencoder;

import dev.neuralsearch.core.ProgressListener;
import dev.neuralsearch.encoder.BiEncoder;
import dev.neuralsearch.eval.BeirDataset;
import dev.neuralsearch.eval.EmbeddingCache;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hard negatives from a bi-encoder's ranking of the whole corpus (exact dot product over every passage vector; the
 * presets normalize, so this is cosine): for each query, the passages ranked {@code skipTop + 1} to {@code depth}
 * that are not judged relevant.
 *
 * <p>Why skip the very top: the passages a good retriever ranks first for a training query are often relevant but
 * unjudged (BEIR qrels are sparse; SciFact judges 1.1 passages per query on average); training a cross-encoder to push
 * them below the positive teaches it to contradict true relevance. Skipping the first few ranks (default 3) and
 * sampling from the next ones (default up to rank 50) keeps the negatives hard but mostly truly negative.
 *
 * <p>The corpus vectors are read from (or written to) core's {@link EmbeddingCache} under the same key as
 * {@code nsearch eval} computes for the same model name, so a corpus encoded once for evaluation is not encoded again.
 */
public final class NegativeMiner {
    private static final Logger LOG = LoggerFactory.getLogger(NegativeMiner.class);

    private NegativeMiner() {
    }

    /**
     * Ranked negative passage ids per query of {@code ds} (queries in {@code ds.queries()} order).
     *
     * @param modelName    the model as named on the command line (preset id or folder): the cache file's name
     * @param passageModelId the passage-side model id in the cache key ({@code nsearch eval} uses the spec id)
     * @param cacheDir     corpus-vector cache folder, null for none
     * @param skipTop      ranks at the top not used as negatives (unlabelled positives are likely there)
     * @param depth        deepest rank used
     */
    public static Map<String, List<String>> mine(BeirDataset ds, BiEncoder encoder, String modelName,
                                                 String passageModelId, Path cacheDir, int skipTop, int depth,
                                                 ProgressListener progress) {
        Objects.requireNonNull(ds, "ds");
        Objects.requireNonNull(encoder, "encoder");
        if (skipTop < 0 || depth <= skipTop) {
            throw new IllegalArgumentException("need 0 <= skipTop < depth, got skipTop " + skipTop + ", depth " + depth);
        }
        List<String> ids = new ArrayList<>(ds.corpus().keySet());
        List<String> passages = new ArrayList<>(ids.size());
        for (String id : ids) {
            passages.add(ds.corpus().get(id).passage());
        }
        List<float[]> vectors = corpusVectors(ds, encoder, modelName, passageModelId, cacheDir, ids, passages, progress);
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (Map.Entry<String, String> q : ds.queries().entrySet()) {
            float[] v = encoder.encodeQuery(q.getValue());
            Map<String, Integer> judged = ds.qrels().getOrDefault(q.getKey(), Map.of());
            PriorityQueue<int[]> heap = new PriorityQueue<>((a, b) -> Float.compare(Float.intBitsToFloat(a[1]),
                    Float.intBitsToFloat(b[1])));
            for (int i = 0; i < vectors.size(); i++) {
                float s = dot(v, vectors.get(i));
                if (heap.size() < depth) {
                    heap.add(new int[] {i, Float.floatToIntBits(s)});
                } else if (s > Float.intBitsToFloat(heap.peek()[1])) {
                    heap.poll();
                    heap.add(new int[] {i, Float.floatToIntBits(s)});
                }
            }
            List<int[]> ranked = new ArrayList<>(heap);
            ranked.sort((a, b) -> Float.compare(Float.intBitsToFloat(b[1]), Float.intBitsToFloat(a[1])));
            List<String> negatives = new ArrayList<>();
            for (int r = skipTop; r < ranked.size(); r++) {
                String doc = ids.get(ranked.get(r)[0]);
                if (judged.getOrDefault(doc, 0) <= 0) {
                    negatives.add(doc);
                }
            }
            out.put(q.getKey(), negatives);
        }
        return out;
    }

    static List<float[]> corpusVectors(BeirDataset ds, BiEncoder encoder, String modelName, String passageModelId,
                                       Path cacheDir, List<String> ids, List<String> passages, ProgressListener progress) {
        Path file = null;
        if (cacheDir != null) {
            int longest = 0;
            for (int i = 1; i < passages.size(); i++) {
                if (passages.get(i).length() > passages.get(longest).length()) {
                    longest = i;
                }
            }
            float[] probe = encoder.encodePassages(List.of(passages.get(longest)), ProgressListener.NONE).get(0);
            String key = EmbeddingCache.key(modelName, passageModelId, ids, passages, probe);
            file = EmbeddingCache.file(cacheDir, ds.name(), modelName, key);
            var cached = EmbeddingCache.read(file, ids.size(), encoder.dimension());
            if (cached.isPresent()) {
                LOG.info("corpus vectors of {} read from cache {}", modelName, file);
                return cached.get();
            }
            LOG.info("no corpus vectors in cache {}; encoding {} passages", file, passages.size());
        }
        List<float[]> vectors = encoder.encodePassages(passages, progress == null ? ProgressListener.NONE : progress);
        if (file != null) {
            EmbeddingCache.write(file, vectors, encoder.dimension());
            LOG.info("corpus vectors written to cache {}", file);
        }
        return vectors;
    }

    private static float dot(float[] a, float[] b) {
        float s = 0f;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
