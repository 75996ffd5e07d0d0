package dev.neuralsearch.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.neuralsearch.core.Document;
import dev.neuralsearch.core.Filter;
import dev.neuralsearch.core.IndexSchema;
import dev.neuralsearch.core.IndexStats;
import dev.neuralsearch.core.ProgressListener;
import dev.neuralsearch.core.Reranker;
import dev.neuralsearch.core.ScoredDocument;
import dev.neuralsearch.core.SearchOptions;
import dev.neuralsearch.core.Similarity;
import dev.neuralsearch.core.TextEncoder;
import dev.neuralsearch.core.VectorIndex;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BeirEvaluatorTest {
    @TempDir
    Path dir;

    /** Bag of words hashed into 64 dimensions, L2-normalised. Counts the passages it encodes. */
    static final class HashEncoder implements TextEncoder {
        final AtomicInteger passagesEncoded = new AtomicInteger();

        @Override
        public String modelId() {
            return "hash-64";
        }

        @Override
        public int dimension() {
            return 64;
        }

        @Override
        public Similarity similarity() {
            return Similarity.DOT_PRODUCT;
        }

        @Override
        public float[] encodeQuery(String query) {
            return embed(query);
        }

        @Override
        public List<float[]> encodeQueries(List<String> queries) {
            return queries.stream().map(this::embed).toList();
        }

        @Override
        public List<float[]> encodePassages(List<String> passages, ProgressListener progress) {
            passagesEncoded.addAndGet(passages.size());
            List<float[]> out = new ArrayList<>();
            for (String p : passages) {
                out.add(embed(p));
                progress.onProgress(out.size(), passages.size());
            }
            return out;
        }

        private float[] embed(String s) {
            float[] v = new float[64];
            for (String w : s.toLowerCase(Locale.ROOT).split("\\W+")) {
                if (!w.isEmpty()) {
                    v[Math.floorMod(w.hashCode(), 64)] += 1;
                }
            }
            double n = 0;
            for (float f : v) {
                n += f * f;
            }
            for (int i = 0; i < v.length; i++) {
                v[i] /= (float) Math.sqrt(Math.max(n, 1e-12));
            }
            return v;
        }

        @Override
        public void close() {
        }
    }

    /** Brute force behind the VectorIndex interface, returning only the top {@code k / 2} for "ann". */
    static final class LossyIndex implements VectorIndex {
        final IndexSchema schema;
        final Map<String, float[]> vectors = new LinkedHashMap<>();
        final boolean lossy;

        LossyIndex(IndexSchema schema, boolean lossy) {
            this.schema = schema;
            this.lossy = lossy;
        }

        @Override
        public IndexSchema schema() {
            return schema;
        }

        @Override
        public void add(List<Document> documents, List<float[]> vs) {
            for (int i = 0; i < documents.size(); i++) {
                vectors.put(documents.get(i).id(), vs.get(i));
            }
        }

        @Override
        public int delete(Collection<String> ids) {
            return 0;
        }

        @Override
        public void commit() {
        }

        @Override
        public List<ScoredDocument> search(float[] query, int k, Filter filter, SearchOptions options) {
            List<ScoredDocument> all = exactSearch(query, k, filter);
            // A deliberately bad "ANN": drops the best hit.
            return lossy && !all.isEmpty() ? all.subList(1, all.size()) : all;
        }

        @Override
        public List<ScoredDocument> exactSearch(float[] query, int k, Filter filter) {
            List<ScoredDocument> out = new ArrayList<>();
            vectors.forEach((id, v) -> {
                float s = 0;
                for (int i = 0; i < v.length; i++) {
                    s += v[i] * query[i];
                }
                out.add(new ScoredDocument(new Document(id, "x"), s));
            });
            out.sort(Comparator.comparingDouble(ScoredDocument::score).reversed());
            return out.subList(0, Math.min(k, out.size()));
        }

        @Override
        public Optional<Document> get(String id) {
            return Optional.empty();
        }

        @Override
        public Optional<float[]> vector(String id) {
            return Optional.ofNullable(vectors.get(id));
        }

        @Override
        public IndexStats stats() {
            return new IndexStats(vectors.size(), 0, 0, 0, 0);
        }

        @Override
        public void close() {
        }
    }

    private BeirDataset dataset() throws IOException {
        StringBuilder corpus = new StringBuilder();
        String[] topics = {"apple banana", "cobalt dragon", "ember falcon", "granite harbor", "indigo jasmine"};
        for (int i = 0; i < topics.length; i++) {
            corpus.append(String.format("{\"_id\": \"d%d\", \"title\": \"%s\", \"text\": \"about %s\"}%n",
                    i, topics[i], topics[i]));
        }
        for (int i = 0; i < 40; i++) {
            corpus.append(String.format("{\"_id\": \"n%d\", \"title\": \"\", \"text\": \"noise%d filler%d\"}%n", i, i, i));
        }
        Files.writeString(dir.resolve("corpus.jsonl"), corpus);
        Files.writeString(dir.resolve("queries.jsonl"), """
                {"_id": "q0", "text": "apple banana"}
                {"_id": "q1", "text": "cobalt dragon"}
                {"_id": "q2", "text": "ember falcon"}
                """);
        Files.createDirectories(dir.resolve("qrels"));
        Files.writeString(dir.resolve("qrels/test.tsv"), "query-id\tcorpus-id\tscore\nq0\td0\t1\nq1\td1\t1\nq2\td2\t1\n");
        return BeirDataset.load(dir, "test");
    }

    @Test
    void exactAnnAndRerankRowsWithCacheOnTheSecondRun() throws IOException {
        BeirDataset ds = dataset();
        HashEncoder enc = new HashEncoder();
        Path cache = dir.resolve("cache");
        // A reranker that prefers n-documents: pushes the relevant doc down.
        Reranker contrarian = new Reranker() {
            @Override
            public String id() {
                return "contrarian";
            }

            @Override
            public float[] score(String query, List<String> passages) {
                float[] s = new float[passages.size()];
                for (int i = 0; i < s.length; i++) {
                    s[i] = passages.get(i).startsWith("noise") ? 1 : 0;
                }
                return s;
            }

            @Override
            public void close() {
            }
        };
        List<String> steps = new ArrayList<>();
        BeirEvaluator.Listener listener = new BeirEvaluator.Listener() {
            @Override
            public ProgressListener beginStep(String name, long total) {
                steps.add(name);
                return ProgressListener.NONE;
            }
        };
        BeirEvaluator.Options opts = BeirEvaluator.Options.defaults("hash").withCacheDir(cache).withDepths(100, 10);
        EvalReport r = BeirEvaluator.evaluate(ds, enc, s -> new LossyIndex(s, true), contrarian, opts, listener);

        assertThat(r.pipelines()).extracting(EvalReport.Pipeline::name).containsExactly("exact", "ann", "ann+rerank");
        // Exact: each query's words are the title (+ "about ...") of its relevant doc → rank 1.
        assertThat(r.pipeline("exact").metric("ndcg@10")).isCloseTo(1.0, within(1e-9));
        assertThat(r.pipeline("exact").metric("recall@1")).isEqualTo(1.0);
        // Lossy ANN dropped the best hit: the relevant doc is never retrieved.
        assertThat(r.pipeline("ann").metric("recall@100")).isEqualTo(0.0);
        assertThat(r.annOverlapAt10()).isCloseTo(0.9, within(1e-9));
        assertThat(r.pipeline("ann+rerank").metric("mrr@10")).isEqualTo(0.0);
        assertThat(r.encoding().cached()).isFalse();
        assertThat(steps).contains("encode corpus", "encode queries", "exact search", "build index", "ann search",
                "rerank");
        int encodedFirst = enc.passagesEncoded.get();
        assertThat(encodedFirst).isEqualTo(45 + 1); // corpus + the cache-key probe

        EvalReport again = BeirEvaluator.evaluate(ds, enc, null, null, opts, BeirEvaluator.Listener.SILENT);
        assertThat(again.encoding().cached()).isTrue();
        assertThat(enc.passagesEncoded.get()).isEqualTo(encodedFirst + 1); // only the probe
        assertThat(again.pipeline("exact").metrics()).isEqualTo(r.pipeline("exact").metrics());
        assertThat(again.hasPipeline("ann")).isFalse();
        try (var files = Files.list(cache)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .anyMatch(n -> n.matches("[a-z0-9._-]+-hash-[0-9a-f]{16}\\.f32"));
        }
        assertThat(r.toJson()).contains("\"ndcg@10\"").contains("\"ann+rerank\"");
        assertThat(r.table()).contains("exact").contains("ndcg@10");
    }

    @Test
    void exactTopKBreaksTiesByIdDescendingLikeTrecEval() {
        float[][] corpus = {{1, 0}, {1, 0}, {0, 1}, {1, 0}};
        List<String> ids = List.of("a", "c", "z", "b");
        assertThat(BeirEvaluator.exactTopK(corpus, Similarity.DOT_PRODUCT, new float[] {1, 0}, ids, 3))
                .containsExactly("c", "b", "a");
        assertThat(BeirEvaluator.exactTopK(corpus, Similarity.DOT_PRODUCT, new float[] {1, 0}, ids, 10))
                .containsExactly("c", "b", "a", "z");
    }
}
