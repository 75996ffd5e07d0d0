package dev.neuralsearch.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.neuralsearch.ann.JVectorIndex;
import dev.neuralsearch.core.Hit;
import dev.neuralsearch.core.MultiRouteResult;
import dev.neuralsearch.core.MultiRouteSearch;
import dev.neuralsearch.core.NeuralSearch;
import dev.neuralsearch.core.Reranker;
import dev.neuralsearch.encoder.BiEncoder;
import dev.neuralsearch.encoder.Presets;
import dev.neuralsearch.eval.RerankMix;
import dev.neuralsearch.rerank.CrossEncoderReranker;
import dev.neuralsearch.testing.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rerank stage of {@link MultiRouteSearch}: two real dense routes (int8 all-MiniLM-L6-v2, int8
 * bge-small-en-v1.5) in sibling homes plus BM25, reranked by the tiny random-weight XLM-R cross-encoder (its
 * scores mean nothing, but they are real model outputs and order the hits differently from the fusion). Lives
 * here, as {@link MultiRouteSearchTest}, because the encoders, the index and the reranker are other modules.
 */
class MultiRouteRerankTest {
    static final String QUERY = "pets resting at home";

    @TempDir
    static Path home;
    static CrossEncoderReranker reranker;
    static MultiRouteSearch search;

    static final String FIXTURE = "models/fixtures/TinyXLMRoberta-CE-onnx.zip";

    @BeforeAll
    static void open() {
        if (!Files.exists(SharedData.root().resolve(FIXTURE))) {
            return; // each test skips in need(), so the report counts them as skipped
        }
        reranker = Fixtures.tinyReranker(home.resolve("ce"));
        search = MultiRouteSearch.builder()
                .route("minilm", engine("minilm", Presets.ALL_MINILM_L6_V2_Q))
                .route("bge", engine("bge", Presets.BGE_SMALL_EN_V15_Q))
                .reranker(reranker)
                .build();
        search.add(MultiRouteSearchTest.DOCS);
        search.commit();
    }

    @BeforeEach
    void need() {
        SharedData.require(FIXTURE); // skips the test when the shared folder is absent
    }

    @AfterAll
    static void close() {
        if (search != null) {
            search.close();
        }
    }

    private static NeuralSearch engine(String name, dev.neuralsearch.encoder.ModelSpec preset) {
        return NeuralSearch.builder().encoder(BiEncoder.load(preset)).index(JVectorIndex.at(home.resolve(name)))
                .build();
    }

    private static List<String> ids(List<Hit> hits) {
        return hits.stream().map(Hit::id).toList();
    }

    /** The fused list alone (rerank off), all six documents. */
    private static MultiRouteResult fusedOnly() {
        return search.query(QUERY).limit(6).rerank(0).execute();
    }

    /** The reranker's own scores of the top {@code d} fused hits, called directly. */
    private static float[] directScores(List<Hit> fused, int d) {
        return reranker.score(QUERY, fused.subList(0, d).stream().map(Hit::text).toList());
    }

    /** Indexes 0..n-1 by descending score; ties keep their order. */
    private static List<Integer> descending(float[] s) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < s.length; i++) {
            order.add(i);
        }
        order.sort((a, b) -> Float.compare(s[b], s[a]));
        return order;
    }

    @Test
    void rerankZeroIsOffAndKeepsTheFusedList() {
        MultiRouteResult r = fusedOnly();
        assertThat(r.fused()).hasSize(6);
        assertThat(r.reranked()).isZero();
        assertThat(r.rerankNanos()).isZero();
        assertThat(r.fused()).allSatisfy(h -> {
            assertThat(h.reranked()).isFalse();
            assertThat(h.rerankRank()).isNull();
        });
        assertThat(r.fused()).extracting(Hit::recallRank).containsExactly(1, 2, 3, 4, 5, 6);
        // a search with a reranker reranks by default: max(limit, 100) bounded by the six fused hits
        MultiRouteResult byDefault = search.query(QUERY).limit(6).execute();
        assertThat(byDefault.reranked()).isEqualTo(6);
        assertThat(byDefault.rerankNanos()).isPositive();
        assertThat(byDefault.fused()).allSatisfy(h -> assertThat(h.reranked()).isTrue());
    }

    @Test
    void mixZeroGivesTheFusedOrder() {
        List<Hit> fused = fusedOnly().fused();
        MultiRouteResult r = search.query(QUERY).limit(6).rerank(6).rerankMix(0).execute();
        assertThat(r.reranked()).isEqualTo(6);
        assertThat(ids(r.fused())).containsExactlyElementsOf(ids(fused));
        assertThat(r.fused()).extracting(Hit::rerankRank).containsExactly(1, 2, 3, 4, 5, 6);
        // the hits carry the reranker's own scores, not the mix
        float[] direct = directScores(fused, 6);
        for (int i = 0; i < 6; i++) {
            assertThat(r.fused().get(i).rerankScore()).isEqualTo(direct[i]);
        }
    }

    @Test
    void mixOneGivesTheRerankersOrderOverTheTopDepthAndTheRestKeepFusedOrder() {
        List<Hit> fused = fusedOnly().fused();
        int d = 4;
        float[] direct = directScores(fused, d);
        List<String> expected = new ArrayList<>();
        for (int i : descending(direct)) {
            expected.add(fused.get(i).id());
        }
        // the random-weight model does reorder these four, so the assertions below can tell the orders apart
        assertThat(expected).isNotEqualTo(ids(fused.subList(0, d)));

        MultiRouteResult r = search.query(QUERY).limit(6).rerank(d).rerankMix(1).execute();
        assertThat(r.reranked()).isEqualTo(d);
        assertThat(r.rerankNanos()).isPositive();
        assertThat(ids(r.fused().subList(0, d))).containsExactlyElementsOf(expected);
        assertThat(r.fused().subList(0, d)).extracting(Hit::rerankRank).containsExactly(1, 2, 3, 4);
        for (Hit h : r.fused().subList(0, d)) {
            Hit before = fused.get(h.recallRank() - 1);
            assertThat(before.id()).isEqualTo(h.id()); // the fused rank and score are kept
            assertThat(h.recallScore()).isEqualTo(before.recallScore());
            assertThat(h.routeRanks()).isEqualTo(before.routeRanks());
            assertThat(h.rerankScore()).isEqualTo(direct[h.recallRank() - 1]);
        }
        // past the depth: fused order, not reranked
        assertThat(ids(r.fused().subList(d, 6))).containsExactlyElementsOf(ids(fused.subList(d, 6)));
        assertThat(r.fused().subList(d, 6)).allSatisfy(h -> assertThat(h.reranked()).isFalse());

        // the search's default mix is 1: the same order without rerankMix
        assertThat(ids(search.query(QUERY).limit(6).rerank(d).execute().fused())).isEqualTo(ids(r.fused()));
        // a depth above the limit: the best `limit` of the reranked hits
        MultiRouteResult deep = search.query(QUERY).limit(2).rerank(d).execute();
        assertThat(ids(deep.fused())).containsExactlyElementsOf(expected.subList(0, 2));
        assertThat(deep.reranked()).isEqualTo(d);
    }

    @Test
    void aMixInBetweenIsTheEvaluatorsRerankMix() {
        MultiRouteResult fusedRun = fusedOnly();
        List<Hit> fused = fusedRun.fused();
        float[] recall = new float[fused.size()];
        for (int i = 0; i < recall.length; i++) {
            recall[i] = fused.get(i).recallScore();
        }
        float[] direct = directScores(fused, 5);
        for (double w : new double[] {0.3, 0.5, 0.7}) {
            List<String> eval = RerankMix.mix(ids(fused), recall, direct, 5, w);
            MultiRouteResult r = search.query(QUERY).limit(6).rerank(5).rerankMix(w).execute();
            assertThat(ids(r.fused())).as("mix %s", w).containsExactlyElementsOf(eval);
        }
        // a search built with a mix uses it for queries that set none
        try (MultiRouteSearch mixed = MultiRouteSearch.builder()
                .route("minilm", NeuralSearch.builder().encoder(BiEncoder.load(Presets.ALL_MINILM_L6_V2_Q))
                        .index(JVectorIndex.at(home.resolve("minilm-2"))).build())
                .lexical(false)
                .reranker(Fixtures.tinyReranker(home.resolve("ce-2"))).rerankDepth(3).rerankMix(0.5).build()) {
            mixed.add(MultiRouteSearchTest.DOCS);
            assertThat(mixed.rerankMix()).isEqualTo(0.5);
            MultiRouteResult r = mixed.query(QUERY).limit(6).execute();
            assertThat(r.reranked()).isEqualTo(3);
            MultiRouteResult off = mixed.query(QUERY).limit(6).rerank(0).execute();
            float[] rec = new float[6];
            for (int i = 0; i < 6; i++) {
                rec[i] = off.fused().get(i).recallScore();
            }
            float[] s = reranker.score(QUERY, off.fused().subList(0, 3).stream().map(Hit::text).toList());
            assertThat(ids(r.fused())).containsExactlyElementsOf(RerankMix.mix(ids(off.fused()), rec, s, 3, 0.5));
        }
    }

    @Test
    void badArgumentsAndAMissingRerankerAreRefused() {
        assertThatThrownBy(() -> search.query(QUERY).rerank(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("rerank depth must be >= 0, was -1");
        assertThatThrownBy(() -> search.query(QUERY).rerankMix(1.5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("in [0, 1]");
        assertThatThrownBy(() -> search.query(QUERY).rerankMix(Double.NaN)).hasMessageContaining("in [0, 1]");
        // 3 routes of depth 6 fuse at most 18 hits
        assertThatThrownBy(() -> search.query(QUERY).limit(6).depth(6).rerank(19).execute())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rerank depth 19 is above the 18");
        // bounded by what was fused (6 documents), not refused
        assertThat(search.query(QUERY).limit(6).depth(6).rerank(18).execute().reranked()).isEqualTo(6);

        NeuralSearch a = NeuralSearch.builder().encoder(BiEncoder.load(Presets.ALL_MINILM_L6_V2_Q))
                .index(JVectorIndex.at(home.resolve("plain"))).build();
        try {
            assertThatThrownBy(() -> MultiRouteSearch.builder().route("a", a).rerankMix(-0.1))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("in [0, 1]");
            assertThatThrownBy(() -> MultiRouteSearch.builder().route("a", a).rerankDepth(-2))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(">= 0, was -2");
            assertThatThrownBy(() -> MultiRouteSearch.builder().route("a", a).rerankMix(0.5).build())
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("rerankMix(0.5) given, but no reranker(...)");
            assertThatThrownBy(() -> MultiRouteSearch.builder().route("a", a).rerankDepth(20).build())
                    .hasMessageContaining("rerankDepth(20) given, but no reranker(...)");
            MultiRouteSearch plain = MultiRouteSearch.builder().route("a", a).build();
            plain.add(MultiRouteSearchTest.DOCS);
            assertThat(plain.hasReranker()).isFalse();
            assertThatThrownBy(() -> plain.query(QUERY).rerank(5).execute()).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("rerank(5) asked, but this MultiRouteSearch has no reranker")
                    .hasMessageContaining("MultiRouteSearch.builder().reranker(...)");
            assertThatThrownBy(() -> plain.query(QUERY).rerankMix(0.5).execute())
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("has no reranker");
            // without a reranker nothing changes: fused order, no rerank stage
            MultiRouteResult r = plain.query(QUERY).limit(6).rerank(0).execute();
            assertThat(r.reranked()).isZero();
            assertThat(plain.query(QUERY).limit(6).execute().fused()).isEqualTo(r.fused());
        } finally {
            a.close();
        }
    }

    /** A reranker whose score count does not match its passages (a broken implementation). */
    private static final class WrongCount implements Reranker {
        private final Reranker inner;
        private final int drop;
        boolean closed;

        WrongCount(Reranker inner, int drop) {
            this.inner = inner;
            this.drop = drop;
        }

        @Override
        public String id() {
            return "wrong-count(" + inner.id() + ")";
        }

        @Override
        public float[] score(String query, List<String> passages) {
            float[] s = inner.score(query, passages);
            return Arrays.copyOf(s, s.length - drop);
        }

        @Override
        public void close() {
            closed = true;
            inner.close();
        }
    }

    @Test
    void aRerankerReturningTheWrongNumberOfScoresIsAClearErrorAndTheSearchClosesIt() {
        WrongCount broken = new WrongCount(Fixtures.tinyReranker(home.resolve("ce-3")), 1);
        MultiRouteSearch s = MultiRouteSearch.builder()
                .route("minilm", NeuralSearch.builder().encoder(BiEncoder.load(Presets.ALL_MINILM_L6_V2_Q))
                        .index(JVectorIndex.at(home.resolve("minilm-3"))).build())
                .reranker(broken).build();
        try {
            s.add(MultiRouteSearchTest.DOCS);
            assertThat(s.rerankerId()).contains(broken.id());
            assertThatThrownBy(() -> s.query(QUERY).limit(6).rerank(4).execute())
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("reranker " + broken.id() + " returned 3 scores for 4 passages");
            assertThat(s.query(QUERY).limit(6).rerank(0).execute().fused()).hasSize(6); // still serves rerank(0)
        } finally {
            s.close();
        }
        assertThat(broken.closed).isTrue();
        assertThatThrownBy(() -> s.query(QUERY)).isInstanceOf(IllegalStateException.class)
                .hasMessage("MultiRouteSearch is closed");
        s.close(); // idempotent
    }
}
