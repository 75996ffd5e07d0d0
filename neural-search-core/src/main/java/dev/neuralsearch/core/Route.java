package dev.neuralsearch.core;

/** A recall route of a query: vector similarity or lexical (BM25) matching. */
public enum Route {
    /** Nearest neighbours of the query vector. */
    DENSE("dense"),
    /** Lexical matching of the query text (BM25 in {@code JVectorIndex}). */
    LEXICAL("lexical");

    private final String key;

    Route(String key) {
        this.key = key;
    }

    /** The name used in {@link Hit#routeRanks()}. */
    public String key() {
        return key;
    }
}
