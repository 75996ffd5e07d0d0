package dev.neuralsearch.core;

import java.util.List;

/**
 * Several queries with the same settings: {@code search.queries(texts).limit(10).execute()}. The texts are
 * encoded in one batch (faster than one at a time); results come back in the order of the texts.
 */
public final class BatchQuery extends AbstractQuery<BatchQuery> {

    private final List<String> texts;

    BatchQuery(NeuralSearch engine, List<String> texts) {
        super(engine);
        if (texts == null) {
            throw new IllegalArgumentException("queries: the list is null");
        }
        for (int i = 0; i < texts.size(); i++) {
            NeuralSearch.checkQueryText(texts.get(i), i);
        }
        this.texts = List.copyOf(texts);
    }

    public List<String> texts() {
        return texts;
    }

    /** The hits of each query, in the order of the texts. */
    public List<List<Hit>> execute() {
        return run().stream().map(SearchResult::hits).toList();
    }

    /** The result (hits and timings) of each query, in the order of the texts. */
    public List<SearchResult> run() {
        return engine.run(texts, plan());
    }
}
