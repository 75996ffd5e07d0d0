package dev.neuralsearch.rerank;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.neuralsearch.core.Document;
import dev.neuralsearch.core.ScoredDocument;
import dev.neuralsearch.core.Similarity;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExactRescorerTest {

    private static final float[] QUERY = {1, 0};
    private static final Map<String, float[]> STORED = Map.of(
            "a", new float[] {3, 4},    // dot 3, cos 0.6,  |q-a|^2 = 4 + 16 = 20
            "b", new float[] {0.5f, 0}, // dot 0.5, cos 1,  |q-b|^2 = 0.25
            "c", new float[] {2, 0});   // dot 2, cos 1,    |q-c|^2 = 1

    /** Approximate scores in the opposite order of every exact one. */
    private static final List<ScoredDocument> CANDIDATES = List.of(
            candidate("c", 0.9f), candidate("b", 0.8f), candidate("a", 0.7f));

    @Test
    void dotProduct() {
        List<ScoredDocument> out = ExactRescorer.rescore(QUERY, CANDIDATES, STORED::get, Similarity.DOT_PRODUCT);
        assertThat(out).extracting(s -> s.document().id()).containsExactly("a", "c", "b");
        assertThat(out).extracting(ScoredDocument::score).containsExactly(3f, 2f, 0.5f);
    }

    @Test
    void cosineKeepsInputOrderOnTies() {
        List<ScoredDocument> out = ExactRescorer.rescore(QUERY, CANDIDATES, STORED::get, Similarity.COSINE);
        // b and c both have cosine 1: input order (c, b) is kept.
        assertThat(out).extracting(s -> s.document().id()).containsExactly("c", "b", "a");
        assertThat(out.get(2).score()).isCloseTo(0.6f, within(1e-6f));
    }

    @Test
    void euclidean() {
        List<ScoredDocument> out = ExactRescorer.rescore(QUERY, CANDIDATES, STORED::get, Similarity.EUCLIDEAN);
        assertThat(out).extracting(s -> s.document().id()).containsExactly("b", "c", "a");
        assertThat(out).extracting(ScoredDocument::score)
                .containsExactly(1f / 1.25f, 0.5f, 1f / 21f);
    }

    @Test
    void zeroVectorHasCosineZero() {
        assertThat(ExactRescorer.similarity(new float[] {0, 0}, new float[] {1, 1}, Similarity.COSINE)).isZero();
    }

    @Test
    void missingVectorOrWrongDimensionIsAClearError() {
        List<ScoredDocument> withUnknown = List.of(candidate("a", 1), candidate("nope", 1));
        assertThatThrownBy(() -> ExactRescorer.rescore(QUERY, withUnknown, STORED::get, Similarity.COSINE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no stored vector for candidate 'nope'");
        assertThatThrownBy(() -> ExactRescorer.rescore(new float[] {1, 0, 0}, CANDIDATES, STORED::get,
                Similarity.COSINE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dimension 2, the query has 3");
    }

    @Test
    void emptyCandidates() {
        assertThat(ExactRescorer.rescore(QUERY, List.of(), STORED::get, Similarity.DOT_PRODUCT)).isEmpty();
    }

    private static ScoredDocument candidate(String id, float approximateScore) {
        return new ScoredDocument(new Document(id, "text " + id), approximateScore);
    }
}
