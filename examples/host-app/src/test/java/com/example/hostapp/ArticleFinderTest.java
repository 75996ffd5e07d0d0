package com.example.hostapp;

import static dev.neuralsearch.test.SearchAssertions.assertNotWithin;
import static dev.neuralsearch.test.SearchAssertions.assertRanksWithin;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.neuralsearch.core.Document;
import dev.neuralsearch.core.Filter;
import dev.neuralsearch.core.NeuralSearch;
import dev.neuralsearch.test.IndexKind;
import dev.neuralsearch.test.NeuralSearchTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The host's own logic, tested against the neural-search-test fixtures: no model files, no JVM flags. */
@NeuralSearchTest
class ArticleFinderTest {

    private static void addArticles(NeuralSearch search) {
        search.add(List.of(
                Document.of("old", "How black holes form when massive stars collapse", Map.of("year", 2001)),
                Document.of("new", "Black holes form from collapsing massive stars", Map.of("year", 2020)),
                Document.of("bread", "Yeast makes bread rise", Map.of("year", 2021))));
    }

    @Test
    void findsOnlyRecentArticles(NeuralSearch search) {
        addArticles(search);
        List<String> ids = new ArticleFinder(search, 2015).find("how do black holes form");
        assertEquals("new", ids.get(0));
        assertFalse(ids.contains("old"), "an article from before 2015: " + ids);
        assertRanksWithin(search, "how do black holes form", "old", 2); // unfiltered, the old one is there
        assertRanksWithin(search.query("black holes").filter(Filter.gte("year", 2015)), "new", 1);
    }

    @Test
    @NeuralSearchTest(index = IndexKind.ON_DISK)
    void worksOnTheRealIndexToo(NeuralSearch search) {
        addArticles(search);
        search.commit();
        assertEquals(List.of("new", "bread"), new ArticleFinder(search, 2015).find("black holes"));
        assertNotWithin(search, "bread rising with yeast", "old", 1);
    }
}
