package dev.neuralsearch.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.neuralsearch.ann.JVectorIndex;
import dev.neuralsearch.core.Document;
import dev.neuralsearch.core.Filter;
import dev.neuralsearch.core.Fusion;
import dev.neuralsearch.core.Hit;
import dev.neuralsearch.core.NeuralSearch;
import dev.neuralsearch.core.ProgressListener;
import dev.neuralsearch.core.Route;
import dev.neuralsearch.core.ScoredDocument;
import dev.neuralsearch.core.SearchResult;
import dev.neuralsearch.core.Similarity;
import dev.neuralsearch.core.TextEncoder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Dense, lexical and hybrid queries through the fluent API on a real {@link JVectorIndex}. */
class HybridSearchTest {

    /** Vectors by table: passage text -> vector whose dot product with the query vector (1,0,0,0) is given. */
    static class TableEncoder implements TextEncoder {
        final Map<String, float[]> table = new HashMap<>();
        final AtomicInteger queryEncodes = new AtomicInteger();

        void put(String text, double dotWithQuery) {
            float x = (float) dotWithQuery;
            table.put(text, new float[] {x, (float) Math.sqrt(1 - x * x), 0, 0});
        }

        @Override
        public String modelId() {
            return "table";
        }

        @Override
        public int dimension() {
            return 4;
        }

        @Override
        public Similarity similarity() {
            return Similarity.DOT_PRODUCT;
        }

        @Override
        public float[] encodeQuery(String query) {
            queryEncodes.incrementAndGet();
            return new float[] {1, 0, 0, 0};
        }

        @Override
        public List<float[]> encodeQueries(List<String> queries) {
            List<float[]> out = new ArrayList<>();
            for (String q : queries) {
                out.add(encodeQuery(q));
            }
            return out;
        }

        @Override
        public List<float[]> encodePassages(List<String> passages, ProgressListener progress) {
            return passages.stream().map(p -> table.get(p).clone()).toList();
        }

        @Override
        public void close() {
        }
    }

    private static final String D1 = "apple orchard in the valley";
    private static final String D2 = "banana plantation";
    private static final String D3 = "zebra zebra crossing";
    private static final String D4 = "zebra zebra zebra";
    private static final String D5 = "a zebra seen far away in the wide open savanna at dusk";

    private NeuralSearch engine(Path home, TableEncoder enc) {
        enc.put(D1, 0.9);
        enc.put(D2, 0.8);
        enc.put(D3, 0.7);
        enc.put(D4, 0.5);
        enc.put(D5, -0.5);
        NeuralSearch s = NeuralSearch.builder().encoder(enc).index(JVectorIndex.at(home)).build();
        s.add(new Document("d1", D1, Map.of("kind", "fruit")), new Document("d2", D2, Map.of("kind", "fruit")),
                new Document("d3", D3, Map.of("kind", "animal")), new Document("d4", D4, Map.of("kind", "animal")),
                new Document("d5", D5, Map.of("kind", "animal")));
        return s;
    }

    private static List<String> ids(List<Hit> hits) {
        return hits.stream().map(Hit::id).toList();
    }

    @Test
    void fusedOrderFollowsTheRrfFormula(@TempDir Path tmp) {
        TableEncoder enc = new TableEncoder();
        try (NeuralSearch s = engine(tmp.resolve("home"), enc)) {
            // each route on its own, depth 3: dense d1 d2 d3; lexical (BM25: tf, then length) d4 d3 d5
            List<Hit> dense = s.query("zebra").dense(3).limit(3).execute();
            assertThat(ids(dense)).containsExactly("d1", "d2", "d3");
            assertThat(dense.get(0).routeRanks()).isEqualTo(Map.of("dense", 1));
            int before = enc.queryEncodes.get();
            List<Hit> lexical = s.query("zebra").lexical(3).limit(3).execute();
            assertThat(enc.queryEncodes.get()).as("a lexical query is not encoded").isEqualTo(before);
            assertThat(ids(lexical)).containsExactly("d4", "d3", "d5");
            assertThat(lexical.get(1).routeRanks()).isEqualTo(Map.of("lexical", 2));
            assertThat(lexical.get(0).recallScore()).isGreaterThan(lexical.get(1).recallScore());

            // hybrid, k 60, weights 1/1, by hand:
            //   d3 = 1/63 + 1/62 = 0.0320020   d1 = 1/61 = d4 = 0.0163934 (tie: best rank 1 both, then id)
            //   d2 = 1/62 = 0.0161290        d5 = 1/63 = 0.0158730
            SearchResult r = s.query("zebra").dense(3).lexical(3).fusion(Fusion.rrf(60)).limit(5).run();
            List<Hit> hybrid = r.hits();
            assertThat(ids(hybrid)).containsExactly("d3", "d1", "d4", "d2", "d5");
            assertThat(hybrid.get(0).recallScore()).isCloseTo((float) (1 / 63.0 + 1 / 62.0), Offset.offset(1e-6f));
            assertThat(hybrid.get(1).recallScore()).isCloseTo((float) (1 / 61.0), Offset.offset(1e-6f));
            assertThat(hybrid.get(4).recallScore()).isCloseTo((float) (1 / 63.0), Offset.offset(1e-6f));
            assertThat(hybrid.get(0).routeRanks()).isEqualTo(Map.of("dense", 3, "lexical", 2));
            assertThat(hybrid.get(0).rank(Route.LEXICAL)).isEqualTo(2);
            assertThat(hybrid.get(2).routeRanks()).isEqualTo(Map.of("lexical", 1));
            assertThat(hybrid.get(2).rank(Route.DENSE)).isZero();
            assertThat(hybrid).extracting(Hit::recallRank).containsExactly(1, 2, 3, 4, 5);
            assertThat(r.recalled()).isEqualTo(5);

            // weights dense 1, lexical 2: d3 = 1/63 + 2/62 = 0.0481, d4 = 2/61 = 0.0328, d5 = 2/63 = 0.0317,
            // d1 = 1/61, d2 = 1/62
            assertThat(ids(s.query("zebra").dense(3).lexical(3).fusion(Fusion.rrf(60)).weights(1, 2).limit(5).execute()))
                    .containsExactly("d3", "d4", "d5", "d1", "d2");
            // fusion k 0: d1 = 1/1, d4 = 1/1 (tie, id), d3 = 1/3 + 1/2, d2 = 1/2, d5 = 1/3
            assertThat(ids(s.query("zebra").dense(3).lexical(3).fusionK(0).limit(5).execute()))
                    .containsExactly("d1", "d4", "d3", "d2", "d5");
            // routes() with default depths (100 each when fused): dense now ranks all five (d4 4th, d5 5th):
            //   d4 = 1/64 + 1/61 = 0.032018 > d3 = 1/63 + 1/62 = 0.032002 > d5 = 1/65 + 1/63 = 0.031258 > d1 > d2
            assertThat(ids(s.query("zebra").routes(Route.DENSE, Route.LEXICAL).fusionK(60).limit(5).execute()))
                    .containsExactly("d4", "d3", "d5", "d1", "d2");
        }
    }

    @Test
    void theDefaultFusionIsAConvexCombinationOfZScores(@TempDir Path tmp) {
        assertThat(Fusion.DEFAULT).isInstanceOf(Fusion.Convex.class);
        assertThat(((Fusion.Convex) Fusion.DEFAULT).normalization()).isEqualTo(Fusion.Normalization.Z_SCORE);
        TableEncoder enc = new TableEncoder();
        try (NeuralSearch s = engine(tmp.resolve("home"), enc)) {
            List<Hit> dense = s.query("zebra").dense(3).limit(3).execute();
            List<Hit> lexical = s.query("zebra").lexical(3).limit(3).execute();
            // by hand from the routes' own scores: z-scores over each route's 3 hits, a document a route did not
            // return counts that route's lowest z-score, then the default weights
            List<Double> w = Fusion.DEFAULT.weights();
            Map<String, double[]> z = new HashMap<>();
            double[] floor = new double[2];
            for (int r = 0; r < 2; r++) {
                List<Hit> route = r == 0 ? dense : lexical;
                double mean = route.stream().mapToDouble(Hit::recallScore).average().orElseThrow();
                double var = route.stream().mapToDouble(h -> (h.recallScore() - mean) * (h.recallScore() - mean))
                        .average().orElseThrow();
                floor[r] = Double.POSITIVE_INFINITY;
                for (Hit h : route) {
                    double zi = (h.recallScore() - mean) / Math.sqrt(var);
                    z.computeIfAbsent(h.id(), k -> new double[] {Double.NaN, Double.NaN})[r] = zi;
                    floor[r] = Math.min(floor[r], zi);
                }
            }
            Map<String, Double> expected = new HashMap<>();
            z.forEach((id, v) -> expected.put(id, w.get(0) * (Double.isNaN(v[0]) ? floor[0] : v[0])
                    + w.get(1) * (Double.isNaN(v[1]) ? floor[1] : v[1])));
            List<Hit> hybrid = s.query("zebra").dense(3).lexical(3).limit(5).execute();
            assertThat(hybrid).hasSize(5);
            for (Hit h : hybrid) {
                assertThat((double) h.recallScore()).as(h.id()).isCloseTo(expected.get(h.id()), Offset.offset(1e-4));
            }
            assertThat(ids(hybrid)).isEqualTo(expected.entrySet().stream()
                    .sorted(Map.Entry.<String, Double>comparingByValue().reversed()).map(Map.Entry::getKey).toList());
            // the same through an explicit fusion
            assertThat(ids(s.query("zebra").dense(3).lexical(3).fusion(Fusion.DEFAULT).limit(5).execute()))
                    .isEqualTo(ids(hybrid));
        }
    }

    @Test
    void theEncodersLanguagePicksTheAnalyzerOfANewHome(@TempDir Path tmp) {
        TableEncoder enc = new TableEncoder() {
            @Override
            public String language() {
                return "en";
            }
        };
        enc.put("The runner was running fast", 0.5);
        try (NeuralSearch s = NeuralSearch.builder().encoder(enc).index(JVectorIndex.at(tmp.resolve("en"))).build()) {
            s.add(new Document("a", "The runner was running fast", Map.of()));
            // English stemming: "runs" matches "running"; the standard analyzer would not
            assertThat(ids(s.query("runs").lexical(5).limit(5).execute())).containsExactly("a");
        }
        TableEncoder plain = new TableEncoder();
        plain.put("The runner was running fast", 0.5);
        try (NeuralSearch s = NeuralSearch.builder().encoder(plain).index(JVectorIndex.at(tmp.resolve("x"))).build()) {
            s.add(new Document("a", "The runner was running fast", Map.of()));
            assertThat(s.query("runs").lexical(5).limit(5).execute()).isEmpty();
        }
    }

    @Test
    void rerankingComesAfterFusion(@TempDir Path tmp) {
        TableEncoder enc = new TableEncoder();
        enc.put(D1, 0.9);
        enc.put(D2, 0.8);
        enc.put(D3, 0.7);
        enc.put(D4, 0.5);
        enc.put(D5, -0.5);
        try (NeuralSearch s = NeuralSearch.builder().encoder(enc).index(JVectorIndex.at(tmp.resolve("home")))
                .reranker(Fixtures.tinyReranker(tmp.resolve("ce"))).build()) {
            s.add(new Document("d1", D1, Map.of()), new Document("d2", D2, Map.of()), new Document("d3", D3, Map.of()),
                    new Document("d4", D4, Map.of()), new Document("d5", D5, Map.of()));
            SearchResult r = s.query("zebra").dense(3).lexical(3).fusion(Fusion.rrf(60)).rerank(4).limit(5).run();
            assertThat(r.recalled()).isEqualTo(5);
            assertThat(r.reranked()).isEqualTo(4);
            List<Hit> hits = r.hits();
            assertThat(hits).hasSize(5);
            // the four best fused candidates (d3 d1 d4 d2) are reranked; d5 (fused rank 5) keeps its place last
            assertThat(hits.subList(0, 4)).extracting(Hit::id).containsExactlyInAnyOrder("d3", "d1", "d4", "d2");
            assertThat(hits.subList(0, 4)).extracting(Hit::rerankRank).containsExactly(1, 2, 3, 4);
            assertThat(hits.get(4).id()).isEqualTo("d5");
            assertThat(hits.get(4).reranked()).isFalse();
            assertThat(hits.get(4).routeRanks()).isEqualTo(Map.of("lexical", 3));
            Hit d3 = hits.stream().filter(h -> h.id().equals("d3")).findFirst().orElseThrow();
            assertThat(d3.recallRank()).isEqualTo(1);
            assertThat(d3.routeRanks()).isEqualTo(Map.of("dense", 3, "lexical", 2));
        }
    }

    @Test
    void filtersHoldOnBothRoutes(@TempDir Path tmp) {
        TableEncoder enc = new TableEncoder();
        try (NeuralSearch s = engine(tmp.resolve("home"), enc)) {
            s.commit();
            Filter fruit = Filter.eq("kind", "fruit");
            assertThat(ids(s.query("zebra").lexical(5).limit(5).filter(fruit).execute())).isEmpty();
            assertThat(ids(s.query("zebra").dense(5).lexical(5).filter(fruit).limit(5).execute()))
                    .containsExactly("d1", "d2");
            assertThat(ids(s.query("zebra apple").dense(5).lexical(5).filter(Filter.eq("kind", "animal")).limit(5)
                    .execute())).containsExactlyInAnyOrder("d3", "d4", "d5");
            // deletes and updates reach both routes
            s.delete("d4");
            enc.put("a lone zebra", -0.9);
            s.add(new Document("d1", "a lone zebra", Map.of("kind", "animal")));
            List<Hit> lexical = s.query("zebra").lexical(5).limit(5).execute();
            assertThat(ids(lexical)).containsExactlyInAnyOrder("d3", "d1", "d5");
            assertThat(ids(s.query("orchard").lexical(5).limit(5).execute())).isEmpty();
        }
    }

    @Test
    void invalidRouteSettingsAreRefused(@TempDir Path tmp) {
        TableEncoder enc = new TableEncoder();
        try (NeuralSearch s = engine(tmp.resolve("home"), enc)) {
            assertThatThrownBy(() -> s.query("zebra").lexical(0)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> s.query("zebra").lexical(5).limit(10).execute())
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("below the limit");
            assertThatThrownBy(() -> s.query("zebra").routes(Route.DENSE).lexical(5).execute())
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lexical route is off");
            assertThatThrownBy(() -> s.query("zebra").weights(0, 0)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> s.query("zebra").weights(-1, 1)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void indexWithoutLexicalRouteRefusesLexicalQueries(@TempDir Path tmp) {
        TableEncoder enc = new TableEncoder();
        enc.put("x", 0.5);
        try (JVectorIndex real = JVectorIndex.open(tmp.resolve("h"), new dev.neuralsearch.core.IndexSchema("table", 4,
                Similarity.DOT_PRODUCT))) {
            dev.neuralsearch.core.VectorIndex denseOnly = new dev.neuralsearch.core.VectorIndex() {
                public dev.neuralsearch.core.IndexSchema schema() { return real.schema(); }
                public void add(List<Document> d, List<float[]> v) { real.add(d, v); }
                public int delete(java.util.Collection<String> ids) { return real.delete(ids); }
                public void commit() { real.commit(); }
                public List<ScoredDocument> search(float[] q, int k, Filter f, dev.neuralsearch.core.SearchOptions o) {
                    return real.search(q, k, f, o);
                }
                public List<ScoredDocument> exactSearch(float[] q, int k, Filter f) { return real.exactSearch(q, k, f); }
                public java.util.Optional<Document> get(String id) { return real.get(id); }
                public java.util.Optional<float[]> vector(String id) { return real.vector(id); }
                public dev.neuralsearch.core.IndexStats stats() { return real.stats(); }
                public void close() { }
            };
            try (NeuralSearch s = NeuralSearch.builder().encoder(enc).index(denseOnly).build()) {
                assertThat(s.supportsLexical()).isFalse();
                assertThatThrownBy(() -> s.query("x").lexical(10).execute())
                        .isInstanceOf(IllegalStateException.class).hasMessageContaining("no");
            }
        }
    }
}
