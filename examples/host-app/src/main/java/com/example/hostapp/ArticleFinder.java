package com.example.hostapp;

import dev.neuralsearch.core.Filter;
import dev.neuralsearch.core.Hit;
import dev.neuralsearch.core.NeuralSearch;
import java.util.List;

/**
 * The host application's own search logic on top of the library: recent articles only, at most three, ids only.
 * Its unit test runs it against the neural-search-test fixtures (a small deterministic encoder, no model files).
 */
public final class ArticleFinder {

    private final NeuralSearch search;
    private final int sinceYear;

    public ArticleFinder(NeuralSearch search, int sinceYear) {
        this.search = search;
        this.sinceYear = sinceYear;
    }

    /** Ids of the best recent articles for a question, best first. */
    public List<String> find(String question) {
        return search.query(question)
                .filter(Filter.gte("year", sinceYear))
                .limit(3)
                .run()
                .hits().stream().map(Hit::id).toList();
    }
}
