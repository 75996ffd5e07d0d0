package dev.neuralsearch.search;

import static dev.neuralsearch.test.SearchAssertions.assertNotWithin;
import static dev.neuralsearch.test.SearchAssertions.assertRanksFirst;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.neuralsearch.core.Document;
import dev.neuralsearch.core.NeuralSearch;
import dev.neuralsearch.test.IndexKind;
import dev.neuralsearch.test.NeuralSearchTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The engine's rules for writes and queries, on a real index home (the fixtures' temporary JVectorIndex) with
 * the model-free encoder: no model and no data set needed, so they run on every build.
 */
@NeuralSearchTest(index = IndexKind.ON_DISK)
class NeuralSearchEngineTest {

    private static final String PENGUINS = "penguins huddle together in the antarctic winter";
    private static final String VOLCANOES = "volcanic eruptions inject sulfate aerosols into the stratosphere";

    private static void addDistractors(NeuralSearch search) {
        search.add(new Document("a", "The winter olympics were held in the mountains."),
                new Document("b", "Sulfate is a salt of sulfuric acid."),
                new Document("c", "Emperor penguins are the largest penguins."));
    }

    @Test
    void addUpdateDeleteAreVisibleToQueries(NeuralSearch search) {
        addDistractors(search);
        String id = "zz-new";
        search.add(new Document(id, "Penguins huddle together to survive the Antarctic winter.", Map.of("year", 2024)));
        assertRanksFirst(search, PENGUINS, id);

        search.add(new Document(id, "Volcanic eruptions inject sulfate aerosols into the stratosphere.",
                Map.of("year", 2025)));
        assertRanksFirst(search, VOLCANOES, id);
        assertThat(search.get(id).orElseThrow().metadata()).containsEntry("year", 2025L);
        assertThat(search.query(PENGUINS).limit(10).execute())
                .allSatisfy(h -> assertThat(h.text()).doesNotContain("Antarctic"));

        assertThat(search.delete(id)).isEqualTo(1);
        assertThat(search.get(id)).isEmpty();
        assertNotWithin(search, VOLCANOES, id, 10);
        assertThat(search.delete(id)).isZero();
        search.commit();
        assertThat(search.stats().documents()).isEqualTo(3);
    }

    @Test
    void badInputIsRefusedClearly(NeuralSearch search) {
        String text = "protein folding";
        assertThatThrownBy(() -> search.query(text).limit(20).recall(10).execute())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("recall depth 10 is below the limit 20");
        assertThatThrownBy(() -> search.query(null)).isInstanceOf(IllegalArgumentException.class).hasMessage("query is null");
        assertThatThrownBy(() -> search.query("")).isInstanceOf(IllegalArgumentException.class).hasMessage("query is empty or blank");
        assertThatThrownBy(() -> search.query(" \t\n")).isInstanceOf(IllegalArgumentException.class).hasMessage("query is empty or blank");
        assertThatThrownBy(() -> search.queries(List.of("a", " "))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("query 1 of the batch is empty or blank");
        assertThatThrownBy(() -> search.query(text).limit(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> search.add(new Document("a", "x"), new Document("a", "y")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("occurs twice");
        assertThatThrownBy(() -> search.query(text).rerank(10).execute())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("no reranker");
        assertThat(search.query(text).execute()).isEmpty();

        search.close();
        assertThatThrownBy(() -> search.query(text)).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThatThrownBy(search::stats).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    @Test
    void anEngineNeedsAnIndex() {
        assertThatThrownBy(() -> NeuralSearch.builder().encoder(new dev.neuralsearch.test.HashingEncoder()).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("index(...) is required");
    }
}
