package dev.neuralsearch.test;

import static dev.neuralsearch.test.SearchAssertions.assertNotWithin;
import static dev.neuralsearch.test.SearchAssertions.assertRanksFirst;
import static dev.neuralsearch.test.SearchAssertions.assertRanksWithin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.neuralsearch.core.Document;
import dev.neuralsearch.core.Filter;
import dev.neuralsearch.core.Hit;
import dev.neuralsearch.core.NeuralSearch;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The assertions pass and fail as they say, and a failure shows what did rank (built without the extension). */
class SearchAssertionsTest {

    private NeuralSearch search;

    @BeforeEach
    void catalog() {
        search = Fixtures.inMemory();
        search.add(new Document("tent", "a tent for hiking in the mountains", Map.of("stock", true)),
                new Document("tarp", "a tarp for hiking", Map.of("stock", true)),
                new Document("stove", "a camping stove", Map.of("stock", false)),
                new Document("boots", "leather hiking boots for the mountains", Map.of("stock", false)));
    }

    @AfterEach
    void close() {
        search.close();
    }

    @Test
    void passingAssertionsReturnTheHit() {
        Hit hit = assertRanksFirst(search, "tent for hiking in the mountains", "tent");
        assertThat(hit.recallRank()).isEqualTo(1);
        assertRanksWithin(search, "hiking", "tarp", 3);
        assertRanksWithin(search.query("mountains").filter(Filter.eq("stock", false)), "boots", 1);
        assertNotWithin(search, "camping stove", "tent", 1);
    }

    @Test
    void aFailureListsTheActualTopKAndTheRankTheDocumentGot() {
        assertThatThrownBy(() -> assertRanksWithin(search, "hiking in the mountains", "stove", 2))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("expected \"stove\" within the top 2 for the query \"hiking in the mountains\"")
                .hasMessageContaining("but it ranked 4th")
                .hasMessageContaining("actual top 2:")
                .hasMessageContaining(" 1. tent  score ")
                .hasMessageContaining("\"a tent for hiking in the mountains\"");
    }

    @Test
    void aFailureSaysWhenTheDocumentIsNotInTheIndex() {
        search.delete("tarp");
        assertThatThrownBy(() -> assertRanksFirst(search, "hiking", "tarp"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("no document with that id is in the index (3 documents)");
    }

    @Test
    void aPreparedQueryIsRunAsTheTestSetItUp() {
        assertThatThrownBy(() -> assertRanksWithin(search.query("hiking").filter(Filter.eq("stock", false)).limit(5),
                "tent", 5))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("it was not among the 2 hits the query returned (fewer than 5")
                .hasMessageContaining(" 1. boots ");
        assertThatThrownBy(() -> assertNotWithin(search, "tent", "tent", 3))
                .isInstanceOf(AssertionError.class).hasMessageContaining("but it ranked 1st");
        assertThatThrownBy(() -> assertRanksWithin(search, "tent", "tent", 0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
