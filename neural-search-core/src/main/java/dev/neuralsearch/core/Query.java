package dev.neuralsearch.core;

import java.util.List;

/** One query being set up: {@code search.query("text").filter(...).limit(10).execute()}. */
public final class Query extends AbstractQuery<Query> {

    private final String text;

    Query(NeuralSearch engine, String text) {
        super(engine);
        this.text = NeuralSearch.checkQueryText(text, -1);
    }

    public String text() {
        return text;
    }

    /** Runs the query; the hits, best first. */
    public List<Hit> execute() {
        return run().hits();
    }

    /** Runs the query; the hits with the time each stage took. */
    public SearchResult run() {
        return engine.run(List.of(text), plan()).get(0);
    }
}
