package dev.neuralsearch.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.neuralsearch.core.Hit;
import dev.neuralsearch.core.SearchResult;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Prints hits as readable text or as JSON lines. */
final class HitPrinter {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int SNIPPET = 160;

    private HitPrinter() {
    }

    static void print(PrintWriter out, SearchResult result, boolean json) {
        print(out, result.query(), result.hits(), json);
    }

    static void print(PrintWriter out, String query, List<Hit> hits, boolean json) {
        for (int i = 0; i < hits.size(); i++) {
            Hit h = hits.get(i);
            if (json) {
                out.println(json(query, i + 1, h));
            } else {
                out.println(text(i + 1, h));
            }
        }
        if (hits.isEmpty() && !json) {
            out.println("(no hits)");
        }
        out.flush();
    }

    /** The fused hits of a multi-route query ({@code search --pipeline}). */
    static void print(PrintWriter out, dev.neuralsearch.core.MultiRouteResult result, boolean json) {
        print(out, result.query(), result.fused(), json);
    }

    /** Counts and the time of each route and of the rerank stage. */
    static void printTimings(PrintWriter err, dev.neuralsearch.core.MultiRouteResult result) {
        StringBuilder routes = new StringBuilder();
        result.routeNanos().forEach((route, nanos) -> routes.append(String.format(Locale.ROOT, ", %s %.1f ms",
                route, nanos / 1e6)));
        err.printf(Locale.ROOT, "%d hits; fused %s, reranked %d%s, rerank %.1f ms%n", result.fused().size(),
                result.fusion(), result.reranked(), routes, result.rerankNanos() / 1e6);
        err.flush();
    }

    static void printTimings(PrintWriter err, SearchResult result) {
        err.printf(Locale.ROOT, "%d hits; recalled %d, reranked %d; encode %.1f ms, recall %.1f ms, rerank %.1f ms%n",
                result.hits().size(), result.recalled(), result.reranked(), result.timings().encodeMillis(),
                result.timings().recallMillis(), result.timings().rerankMillis());
        err.flush();
    }

    static String text(int rank, Hit h) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%3d. %-20s %8.4f   recall #%d %.4f", rank, h.id(), h.score(),
                h.recallRank(), h.recallScore()));
        if (h.routeRanks().size() > 1 || h.routeRanks().containsKey("lexical")) {
            sb.append("   routes ").append(h.routeRanks());
        }
        if (h.reranked()) {
            sb.append(String.format(Locale.ROOT, "   rerank #%d %.4f", h.rerankRank(), h.rerankScore()));
        }
        if (!h.metadata().isEmpty()) {
            sb.append("   ").append(h.metadata());
        }
        sb.append("\n     ").append(snippet(h.text()));
        return sb.toString();
    }

    static String json(String query, int rank, Hit h) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("query", query);
        m.put("rank", rank);
        m.put("id", h.id());
        m.put("score", h.score());
        m.put("recallRank", h.recallRank());
        m.put("recallScore", h.recallScore());
        m.put("routeRanks", h.routeRanks());
        m.put("rerankRank", h.rerankRank());
        m.put("rerankScore", h.rerankScore());
        m.put("text", h.text());
        m.put("metadata", h.metadata());
        try {
            return JSON.writeValueAsString(m);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String snippet(String text) {
        String flat = text.replaceAll("\\s+", " ").strip();
        if (flat.codePointCount(0, flat.length()) <= SNIPPET) {
            return flat;
        }
        return flat.substring(0, flat.offsetByCodePoints(0, SNIPPET)) + "…";
    }
}
