package dev.neuralsearch.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.neuralsearch.core.Document;
import dev.neuralsearch.core.Fusion;
import dev.neuralsearch.core.ScoredDocument;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FusionFitTest {

    private static List<ScoredDocument> route(Object... idScore) {
        List<ScoredDocument> out = new ArrayList<>();
        for (int i = 0; i < idScore.length; i += 2) {
            out.add(new ScoredDocument(new Document((String) idScore[i], "t"), ((Number) idScore[i + 1]).floatValue()));
        }
        return out;
    }

    @Test
    void theGridFindsTheWeightThatPutsTheRelevantDocumentFirst() {
        // query 1: relevant "r1" is dense's 1st and lexical's last; query 2: relevant "r2" lexical's 1st, dense's 3rd
        // but close to its top. Lexical-only loses q1, dense-only loses q2; a middle weight wins both.
        List<List<ScoredDocument>> dense = List.of(
                route("r1", 0.9, "a", 0.5, "b", 0.4),
                route("c", 0.80, "d", 0.79, "r2", 0.78, "e", 0.1));
        List<List<ScoredDocument>> lexical = List.of(
                route("a", 10, "b", 9, "r1", 8.9, "x", 1),
                route("r2", 20, "c", 5, "d", 4));
        List<Map<String, Integer>> judged = List.of(Map.of("r1", 1), Map.of("r2", 1));
        List<FusionFit.Curve> curves = FusionFit.fit(dense, lexical, judged, 0.25);
        FusionFit.Curve minMax = curves.get(0);
        assertThat(minMax.family()).isEqualTo("convex min-max");
        assertThat(minMax.points()).extracting(FusionFit.Point::denseWeight).containsExactly(0.0, 0.25, 0.5, 0.75, 1.0);
        // both relevant documents first: nDCG@10 1 for both queries
        assertThat(minMax.best().ndcg10()).isCloseTo(1.0, within(1e-12));
        assertThat(minMax.points().get(0).ndcg10()).isLessThan(1.0);
        assertThat(minMax.points().get(4).ndcg10()).isLessThan(1.0);
        double w = minMax.best().denseWeight();
        assertThat(w).isStrictlyBetween(0.0, 1.0);
        assertThat(minMax.fusion()).isEqualTo(Fusion.convex(Fusion.Normalization.MIN_MAX, w, 1 - w));
        assertThat(FusionFit.meanNdcg10(minMax.fusion(), dense, lexical, judged)).isCloseTo(1.0, within(1e-12));
        assertThat(curves).extracting(FusionFit.Curve::family)
                .containsExactly("convex min-max", "convex z-score", "rrf k=60");
        assertThat(FusionFit.describe(curves)).contains("convex min-max").contains("best dense weight");
    }

    @Test
    void mismatchedInputsAreRefused() {
        assertThatThrownBy(() -> FusionFit.fit(List.of(List.of()), List.of(), List.of(Map.of()), 0.1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FusionFit.fit(List.of(), List.of(), List.of(), 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void corpusLanguageRecognisesHanText() {
        assertThat(CorpusLanguage.detect(List.of("北京是中华人民共和国的首都", "上海 is big"))).isEqualTo("zh");
        assertThat(CorpusLanguage.detect(List.of("The runner was running fast"))).isNull();
        assertThat(CorpusLanguage.detect(List.of("12345 !!"))).isNull();
    }
}
