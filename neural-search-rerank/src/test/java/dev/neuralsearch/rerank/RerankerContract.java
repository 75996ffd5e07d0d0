package dev.neuralsearch.rerank;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.neuralsearch.core.Reranker;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Reranker} promises, whatever the model: one score per passage in input order, a
 * passage's score independent of its companions and position, clear errors, and thread safety.
 * Subclasses supply an open reranker (and close it themselves).
 *
 * <p>Public in this module's test-jar ({@code neural-search-rerank}, type {@code test-jar}), so a
 * {@link Reranker} written elsewhere can run the same suite.
 */
public abstract class RerankerContract {

    protected static final String QUERY = "where is the eiffel tower";
    protected static final List<String> PASSAGES = List.of(
            "The Eiffel Tower stands on the Champ de Mars in Paris.",
            "Bananas are rich in potassium.",
            "",
            "Paris, the capital of France, is home to many landmarks such as the Louvre and the Eiffel Tower, "
                    + "which was built for the 1889 World's Fair and was the tallest structure in the world for decades.",
            "Tower");

    protected abstract Reranker reranker();

    /** How far a score may move when its batch companions change (0 for batch-invariant models). */
    protected float tolerance() {
        return 0f;
    }

    @Test
    void oneScorePerPassageIndependentOfOrderAndCompanions() {
        float[] scores = reranker().score(QUERY, PASSAGES);
        assertThat(scores).hasSize(PASSAGES.size());
        List<Integer> permutation = new ArrayList<>(List.of(3, 0, 4, 2, 1));
        List<String> shuffled = permutation.stream().map(PASSAGES::get).toList();
        float[] shuffledScores = reranker().score(QUERY, shuffled);
        for (int i = 0; i < permutation.size(); i++) {
            assertThat(shuffledScores[i]).as("passage %d", permutation.get(i))
                    .isCloseTo(scores[permutation.get(i)], within(tolerance()));
        }
        float alone = reranker().score(QUERY, List.of(PASSAGES.get(1)))[0];
        assertThat(alone).isCloseTo(scores[1], within(tolerance()));
        float[] duplicates = reranker().score(QUERY, Collections.nCopies(3, PASSAGES.get(0)));
        assertThat(duplicates[1]).isCloseTo(duplicates[0], within(tolerance()));
        assertThat(duplicates[2]).isCloseTo(duplicates[0], within(tolerance()));
    }

    @Test
    void scoresAreFiniteAndRepeatable() {
        float[] first = reranker().score(QUERY, PASSAGES);
        for (float s : first) {
            assertThat(Float.isFinite(s)).isTrue();
        }
        assertThat(reranker().score(QUERY, PASSAGES)).containsExactly(first);
    }

    @Test
    void hasAnId() {
        assertThat(reranker().id()).isNotBlank();
    }

    @Test
    void emptyPassageListGivesNoScores() {
        assertThat(reranker().score(QUERY, List.of())).isEmpty();
    }

    @Test
    void nullOrBlankQueryAndNullPassageAreRefused() {
        assertThatThrownBy(() -> reranker().score(null, PASSAGES)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> reranker().score("", PASSAGES)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> reranker().score(QUERY, Arrays.asList("a", null)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void concurrentCallsGiveTheSameScores() throws Exception {
        float[] expected = reranker().score(QUERY, PASSAGES);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<float[]>> futures = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                futures.add(pool.submit(() -> reranker().score(QUERY, PASSAGES)));
            }
            for (Future<float[]> f : futures) {
                assertThat(f.get()).containsExactly(expected);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
