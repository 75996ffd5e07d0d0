package dev.neuralsearch.test;

import dev.neuralsearch.core.Hit;
import dev.neuralsearch.core.NeuralSearch;
import dev.neuralsearch.core.Query;
import java.util.List;
import java.util.Objects;

/**
 * Assertions on rankings, with failure messages that show what did rank: the actual top k with scores and
 * text, the rank the document did get, or that it is not in the index at all. They throw
 * {@link AssertionError}, so they work under any test framework.
 *
 * <pre>{@code
 * assertRanksWithin(search, "hiking tent", "tent-42", 3);
 * assertRanksWithin(search.query("hiking tent").filter(Filter.eq("stock", true)), "tent-42", 3);
 * }</pre>
 */
public final class SearchAssertions {

    /** How deep a failed assertion looks to report the rank the document did get. */
    static final int PROBE_DEPTH = 100;
    private static final int TEXT_CHARS = 60;

    private SearchAssertions() {
    }

    /**
     * Asserts that {@code query}, run with the engine's defaults, ranks document {@code id} within the top
     * {@code k}; returns its hit.
     */
    public static Hit assertRanksWithin(NeuralSearch search, String query, String id, int k) {
        Objects.requireNonNull(search, "search");
        checkK(k);
        List<Hit> hits = search.query(query).limit(k).execute();
        Hit hit = find(hits, id, k);
        if (hit != null) {
            return hit;
        }
        throw new AssertionError(expectation(id, k, query) + ", but " + whereItRanked(search, query, id, k)
                + "\n" + listing(hits, k));
    }

    /**
     * Asserts that a prepared query (filters, routes, rerank depth as the test set them) ranks {@code id} within
     * its first {@code k} hits; the query's limit must be at least {@code k}. Returns the hit.
     */
    public static Hit assertRanksWithin(Query query, String id, int k) {
        Objects.requireNonNull(query, "query");
        checkK(k);
        List<Hit> hits = query.execute();
        Hit hit = find(hits, id, k);
        if (hit != null) {
            return hit;
        }
        String where = hits.stream().map(Hit::id).toList().indexOf(id) >= 0
                ? "it ranked " + rank(hits, id)
                : "it was not among the " + hits.size() + " hits the query returned"
                        + (hits.size() < k ? " (fewer than " + k + ": the query's limit, or all that match)" : "");
        throw new AssertionError(expectation(id, k, query.text()) + ", but " + where + "\n" + listing(hits, k));
    }

    /** Asserts that {@code query} ranks {@code id} first; returns its hit. */
    public static Hit assertRanksFirst(NeuralSearch search, String query, String id) {
        return assertRanksWithin(search, query, id, 1);
    }

    /** Asserts that {@code query} does not rank {@code id} within the top {@code k} (e.g. after a delete). */
    public static void assertNotWithin(NeuralSearch search, String query, String id, int k) {
        Objects.requireNonNull(search, "search");
        checkK(k);
        List<Hit> hits = search.query(query).limit(k).execute();
        if (find(hits, id, k) != null) {
            throw new AssertionError("expected \"" + id + "\" not within the top " + k + " for the query \""
                    + query + "\", but it ranked " + rank(hits, id) + "\n" + listing(hits, k));
        }
    }

    private static void checkK(int k) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be >= 1, was " + k);
        }
    }

    private static Hit find(List<Hit> hits, String id, int k) {
        for (int i = 0; i < Math.min(k, hits.size()); i++) {
            if (hits.get(i).id().equals(id)) {
                return hits.get(i);
            }
        }
        return null;
    }

    private static String expectation(String id, int k, String query) {
        return "expected \"" + id + "\" within the top " + k + " for the query \"" + query + "\"";
    }

    private static String whereItRanked(NeuralSearch search, String query, String id, int k) {
        if (search.get(id).isEmpty()) {
            return "no document with that id is in the index (" + search.stats().documents() + " documents)";
        }
        try {
            List<Hit> deeper = search.query(query).limit(Math.max(k, PROBE_DEPTH)).execute();
            int rank = deeper.stream().map(Hit::id).toList().indexOf(id);
            return rank >= 0 ? "it ranked " + ordinal(rank + 1)
                    : "it was not among the first " + deeper.size() + " hits";
        } catch (RuntimeException e) {
            return "it was not in the top " + k + " (a deeper query to find its rank failed: " + e + ")";
        }
    }

    private static String rank(List<Hit> hits, String id) {
        return ordinal(hits.stream().map(Hit::id).toList().indexOf(id) + 1);
    }

    private static String ordinal(int n) {
        String suffix = (n % 100 >= 11 && n % 100 <= 13) ? "th"
                : switch (n % 10) {
                    case 1 -> "st";
                    case 2 -> "nd";
                    case 3 -> "rd";
                    default -> "th";
                };
        return n + suffix;
    }

    /** The first k hits, one a line: rank, id, score, the start of the text. */
    static String listing(List<Hit> hits, int k) {
        if (hits.isEmpty()) {
            return "the query returned no hits";
        }
        StringBuilder sb = new StringBuilder("actual top ").append(Math.min(k, hits.size())).append(':');
        for (int i = 0; i < Math.min(k, hits.size()); i++) {
            Hit h = hits.get(i);
            String text = h.text().replaceAll("\\s+", " ");
            if (text.length() > TEXT_CHARS) {
                text = text.substring(0, TEXT_CHARS) + "...";
            }
            sb.append(String.format(java.util.Locale.ROOT, "%n  %2d. %s  score %.4f  \"%s\"", i + 1, h.id(), h.score(), text));
        }
        return sb.toString();
    }
}
