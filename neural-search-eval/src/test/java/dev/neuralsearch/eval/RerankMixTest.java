package dev.neuralsearch.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.neuralsearch.core.Reranker;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link RerankMix}: the mixed order, and the depth and weight chosen on held-out queries. */
class RerankMixTest {

    @Test
    void weightZeroIsTheCandidatesOrderAndOneTheRerankersOrder() {
        List<String> c = List.of("a", "b", "c", "d", "e");
        float[] recall = {5, 4, 3, 2, 1};
        float[] rr = {0, 1, 2, 3, 4}; // the reverse
        assertThat(RerankMix.mix(c, recall, rr, 5, 0)).isEqualTo(c);
        assertThat(RerankMix.mix(c, recall, rr, 5, 1)).containsExactly("e", "d", "c", "b", "a");
        assertThat(RerankMix.mix(c, recall, rr, 3, 1)).containsExactly("c", "b", "a", "d", "e"); // below depth kept
        // z(recall) of 3 candidates is (1.22, 0, -1.22), z(rr) (-1.22, 0, 1.22): at 0.4 the recall still wins
        assertThat(RerankMix.mix(c, recall, rr, 3, 0.4)).containsExactly("a", "b", "c", "d", "e");
        assertThat(RerankMix.mix(c, recall, rr, 3, 0.6)).containsExactly("c", "b", "a", "d", "e");
        // recall scores on another scale (e.g. RRF) mix the same after z-scoring
        float[] rrf = {0.05f, 0.04f, 0.03f, 0.02f, 0.01f};
        assertThat(RerankMix.mix(c, rrf, rr, 3, 0.6)).containsExactly("c", "b", "a", "d", "e");
        assertThatThrownBy(() -> RerankMix.mix(c, recall, new float[2], 3, 0.5))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** Scores a passage by whether it holds the word "relevant", with a seeded noise: a real, imperfect ranker. */
    private static class KeywordReranker implements Reranker {
        private final double noise;
        private int calls;

        KeywordReranker(double noise) {
            this.noise = noise;
        }

        @Override
        public String id() {
            return "keyword";
        }

        @Override
        public float[] score(String query, List<String> passages) {
            calls += passages.size();
            float[] s = new float[passages.size()];
            for (int i = 0; i < s.length; i++) {
                Random r = new Random(passages.get(i).hashCode() * 31L + query.hashCode());
                s[i] = (float) ((passages.get(i).contains("relevant") ? 1 : 0) + noise * r.nextGaussian());
            }
            return s;
        }

        @Override
        public void close() {
        }
    }

    /** 40 queries over 60 documents; the relevant one sits at a random rank in 1..40 of the candidates. */
    private static Object[] dataset(long seed) {
        Random rnd = new Random(seed);
        Map<String, BeirDataset.CorpusDoc> corpus = new LinkedHashMap<>();
        Map<String, String> queries = new LinkedHashMap<>();
        Map<String, Map<String, Integer>> qrels = new LinkedHashMap<>();
        List<List<String>> cands = new ArrayList<>();
        List<float[]> recall = new ArrayList<>();
        for (int q = 0; q < 40; q++) {
            String rel = "q" + q + "-rel";
            corpus.put(rel, new BeirDataset.CorpusDoc(rel, "", "a relevant passage " + q));
            List<String> c = new ArrayList<>();
            for (int d = 0; d < 59; d++) {
                String id = "q" + q + "-d" + d;
                corpus.put(id, new BeirDataset.CorpusDoc(id, "", "another passage " + q + " " + d));
                c.add(id);
            }
            c.add(rnd.nextInt(40), rel);
            float[] s = new float[c.size()];
            for (int i = 0; i < s.length; i++) {
                s[i] = 100 - i;
            }
            queries.put("q" + q, "query " + q);
            qrels.put("q" + q, Map.of(rel, 1));
            cands.add(c);
            recall.add(s);
        }
        return new Object[] {new BeirDataset("t", "train", corpus, queries, qrels), cands, recall};
    }

    @SuppressWarnings("unchecked")
    @Test
    void fitChoosesADeepEnoughDepthAndAPositiveWeightForAGoodReranker() {
        Object[] d = dataset(3);
        KeywordReranker rr = new KeywordReranker(0.1);
        RerankMix.Choice c = RerankMix.fit((BeirDataset) d[0], (List<List<String>>) d[1], (List<float[]>) d[2], rr,
                RerankMix.DEPTHS, null, null);
        // relevant ranks reach 40: only depth 50 reaches all of them
        assertThat(c.depth()).isEqualTo(50);
        assertThat(c.weight()).isGreaterThan(0.0);
        assertThat(c.ndcg10()).isGreaterThan(0.95).isGreaterThan(c.candidatesNdcg10() + 0.3);
        assertThat(c.grid().get(10).get(0.0)).isEqualTo(c.candidatesNdcg10());
        assertThat(c.msPerQuery()).containsOnlyKeys(10, 20, 30, 50);
        // scored once at the deepest depth per query, then once per depth on the timed queries
        assertThat(rr.calls).isEqualTo(40 * 50 + RerankMix.LATENCY_QUERIES * (10 + 20 + 30 + 50));
    }

    @SuppressWarnings("unchecked")
    @Test
    void aUselessRerankerGetsWeightZeroSoTheRowEqualsTheCandidates() {
        Object[] d = dataset(4);
        // pure noise: knows nothing about relevance
        Reranker noise = new KeywordReranker(0) {
            @Override
            public float[] score(String query, List<String> passages) {
                float[] s = new float[passages.size()];
                for (int i = 0; i < s.length; i++) {
                    s[i] = (float) new java.util.SplittableRandom(passages.get(i).hashCode()).nextDouble();
                }
                return s;
            }
        };
        RerankMix.Choice c = RerankMix.fit((BeirDataset) d[0], (List<List<String>>) d[1], (List<float[]>) d[2], noise,
                RerankMix.DEPTHS, null, null);
        assertThat(c.ndcg10()).isGreaterThanOrEqualTo(c.candidatesNdcg10());
        // weight 0 gives the candidates back at every depth: the fit can always fall back to them
        for (int depth : RerankMix.DEPTHS) {
            assertThat(c.grid().get(depth).get(0.0)).isEqualTo(c.candidatesNdcg10());
        }
        assertThat(c.grid().get(50).get(1.0)).isLessThan(c.candidatesNdcg10());
    }
}
