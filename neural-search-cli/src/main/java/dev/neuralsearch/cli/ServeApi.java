package dev.neuralsearch.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.neuralsearch.core.Filter;
import dev.neuralsearch.core.Hit;
import dev.neuralsearch.core.IndexSchema;
import dev.neuralsearch.core.IndexStats;
import dev.neuralsearch.core.NeuralSearch;
import dev.neuralsearch.core.Query;
import dev.neuralsearch.core.SearchResult;
import dev.neuralsearch.encoder.EncodedText;
import dev.neuralsearch.encoder.TextRole;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * What {@code nsearch serve}'s JSON API does with a request body that has been read and checked: embed, search
 * and stats over the routes. Knows nothing of HTTP but the status of an {@link HttpError}.
 */
final class ServeApi {

    /**
     * Strict: {@code {"query": "x"} junk} and a field given twice are malformed. Jackson's own limits bound
     * the rest (nesting depth, number and string lengths).
     */
    static final ObjectMapper JSON = com.fasterxml.jackson.databind.json.JsonMapper.builder()
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private final List<SearchServer.Route> routes;

    ServeApi(List<SearchServer.Route> routes) {
        this.routes = List.copyOf(routes);
    }

    ObjectNode embed(JsonNode body) {
        String text = requireText(body, "text");
        String role = body.path("role").asText("query");
        TextRole textRole = switch (role) {
            case "query" -> TextRole.QUERY;
            case "passage" -> TextRole.PASSAGE;
            default -> throw new HttpError(400, "role must be \"query\" or \"passage\", got \"" + role + "\"");
        };
        SearchServer.Route route = route(body, text);
        long started = System.nanoTime();
        EncodedText e = route.encoder().encode(text, textRole);
        double millis = (System.nanoTime() - started) / 1e6;
        float[] v = e.vector();
        double norm = 0;
        for (float x : v) {
            norm += (double) x * x;
        }
        ObjectNode out = JSON.createObjectNode();
        out.put("route", route.name());
        out.put("model", route.encoder().modelId());
        out.put("role", role);
        out.put("dimension", v.length);
        out.put("norm", Math.sqrt(norm));
        out.put("tokens", e.tokenCount());
        out.put("truncated", e.truncated());
        out.put("encodeMs", millis);
        ArrayNode vector = out.putArray("vector");
        for (float x : v) {
            vector.add(x);
        }
        return out;
    }

    ObjectNode search(JsonNode body) {
        String text = requireText(body, "query");
        int limit = intField(body, "limit", SearchServer.DEFAULT_LIMIT, 1, SearchServer.MAX_LIMIT);
        Integer recall = body.hasNonNull("recall") ? intField(body, "recall", 0, 1, SearchServer.MAX_RECALL) : null;
        Integer rerank = body.hasNonNull("rerank") ? intField(body, "rerank", 0, 0, SearchServer.MAX_RECALL) : null;
        if (recall != null && recall < limit) {
            throw new HttpError(400, "recall depth " + recall + " is below the limit " + limit);
        }
        if (rerank != null && recall != null && rerank > recall) {
            throw new HttpError(400, "rerank depth " + rerank + " is above the recall depth " + recall);
        }
        if (rerank != null && recall == null && rerank > SearchServer.MAX_RECALL) {
            throw new HttpError(400, "rerank depth " + rerank + " is above the largest recall depth "
                    + SearchServer.MAX_RECALL);
        }
        Filter filter = filter(body.get("filter"));
        SearchServer.Route route = route(body, text);
        NeuralSearch engine = route.engine();
        if (rerank != null && rerank > 0 && !engine.hasReranker()) {
            throw new HttpError(400, "rerank depth " + rerank + " asked, but the server has no reranker"
                    + " (start it with --reranker <dir>)");
        }
        Query q = engine.query(text).filter(filter).limit(limit);
        if (recall != null) {
            q.recall(recall);
        }
        if (rerank != null) {
            q.rerank(rerank);
        }
        if (body.path("exact").asBoolean(false)) {
            q.exact();
        }
        SearchResult r = q.run();

        ObjectNode out = JSON.createObjectNode();
        out.put("query", r.query());
        out.put("route", route.name());
        out.put("model", engine.modelId());
        out.put("reranker", engine.rerankerId().orElse(null));
        out.put("recalled", r.recalled());
        out.put("reranked", r.reranked());
        ObjectNode t = out.putObject("timings");
        t.put("encodeMs", r.timings().encodeMillis());
        t.put("recallMs", r.timings().recallMillis());
        t.put("rerankMs", r.timings().rerankMillis());
        t.put("totalMs", r.timings().totalMillis());
        ArrayNode hits = out.putArray("hits");
        for (int i = 0; i < r.hits().size(); i++) {
            Hit h = r.hits().get(i);
            ObjectNode o = hits.addObject();
            o.put("rank", i + 1);
            o.put("id", h.id());
            o.put("text", h.text());
            o.set("metadata", JSON.valueToTree(h.metadata()));
            o.put("score", h.score());
            o.put("recallScore", h.recallScore());
            o.put("recallRank", h.recallRank());
            if (h.reranked()) {
                o.put("rerankScore", h.rerankScore());
                o.put("rerankRank", h.rerankRank());
            } else {
                o.putNull("rerankScore");
                o.putNull("rerankRank");
            }
        }
        return out;
    }

    ObjectNode stats() {
        ObjectNode out = JSON.createObjectNode();
        ArrayNode list = out.putArray("routes");
        long documents = 0;
        for (SearchServer.Route route : routes) {
            NeuralSearch e = route.engine();
            IndexSchema schema = e.schema();
            IndexStats s = e.stats();
            documents += s.documents();
            ObjectNode o = list.addObject();
            o.put("name", route.name());
            o.put("model", schema.modelId());
            o.put("dimension", schema.dimension());
            o.put("similarity", schema.similarity().name());
            o.put("reranker", e.rerankerId().orElse(null));
            o.put("documents", s.documents());
            o.put("segments", s.segments());
            o.put("tombstones", s.tombstones());
            o.put("uncommitted", s.uncommitted());
            o.put("bytesOnDisk", s.bytesOnDisk());
        }
        out.put("documents", documents);
        ObjectNode limits = out.putObject("limits");
        limits.put("maxBodyBytes", SearchServer.MAX_BODY);
        limits.put("maxRecall", SearchServer.MAX_RECALL);
        limits.put("maxLimit", SearchServer.MAX_LIMIT);
        limits.put("defaultLimit", SearchServer.DEFAULT_LIMIT);
        return out;
    }

    /** The route named in the body ("route"), else the first that accepts the text, else the first. */
    private SearchServer.Route route(JsonNode body, String text) {
        JsonNode named = body.get("route");
        if (named != null && !named.isNull() && !named.asText().isEmpty() && !"auto".equals(named.asText())) {
            for (SearchServer.Route r : routes) {
                if (r.name().equals(named.asText())) {
                    return r;
                }
            }
            List<String> names = routes.stream().map(SearchServer.Route::name).toList();
            throw new HttpError(400, "no route \"" + named.asText() + "\"; routes: " + String.join(", ", names));
        }
        for (SearchServer.Route r : routes) {
            if (r.accepts().test(text)) {
                return r;
            }
        }
        return routes.get(0);
    }

    /**
     * A filter: a string in the command line's syntax ({@link FilterParser}), or a JSON object whose fields must
     * all hold: a scalar value means equal, an array means any of, and an object of operators
     * ({@code ">=", ">", "<=", "<", "=", "!="}) compares.
     */
    static Filter filter(JsonNode node) {
        if (node == null || node.isNull()) {
            return Filter.ALL;
        }
        if (node.isTextual()) {
            try {
                return FilterParser.parse(node.asText());
            } catch (IllegalArgumentException e) {
                throw new HttpError(400, "filter: " + e.getMessage());
            }
        }
        if (!node.isObject()) {
            throw new HttpError(400, "filter must be a string (e.g. \"year>=2020,lang=en\") or an object"
                    + " (e.g. {\"lang\": \"en\", \"year\": {\">=\": 2020}})");
        }
        List<Filter> clauses = new ArrayList<>();
        if (node.size() > FilterParser.MAX_CLAUSES) {
            throw new HttpError(400, "filter: more than " + FilterParser.MAX_CLAUSES + " fields");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            String field = f.getKey();
            JsonNode v = f.getValue();
            if (v.isArray()) {
                if (v.size() > FilterParser.MAX_IN_VALUES) {
                    throw new HttpError(400, "filter: more than " + FilterParser.MAX_IN_VALUES + " values for \""
                            + field + "\"");
                }
                List<Object> values = new ArrayList<>();
                v.forEach(x -> values.add(scalar(field, x)));
                if (values.isEmpty()) {
                    throw new HttpError(400, "filter: the list for \"" + field + "\" is empty");
                }
                clauses.add(Filter.in(field, values));
            } else if (v.isObject()) {
                if (v.isEmpty()) {
                    throw new HttpError(400, "filter: no operator for \"" + field + "\"");
                }
                if (clauses.size() + v.size() > FilterParser.MAX_CLAUSES) {
                    throw new HttpError(400, "filter: more than " + FilterParser.MAX_CLAUSES + " clauses");
                }
                for (Iterator<Map.Entry<String, JsonNode>> ops = v.fields(); ops.hasNext(); ) {
                    Map.Entry<String, JsonNode> op = ops.next();
                    clauses.add(comparison(field, op.getKey(), op.getValue()));
                }
            } else {
                clauses.add(Filter.eq(field, scalar(field, v)));
            }
        }
        if (clauses.isEmpty()) {
            return Filter.ALL;
        }
        return clauses.size() == 1 ? clauses.get(0) : Filter.and(clauses.toArray(Filter[]::new));
    }

    private static Filter comparison(String field, String op, JsonNode v) {
        return switch (op) {
            case "=" -> Filter.eq(field, scalar(field, v));
            case "!=" -> Filter.ne(field, scalar(field, v));
            case ">", ">=", "<", "<=" -> {
                if (!v.isNumber()) {
                    throw new HttpError(400, "filter: \"" + field + "\" " + op + " needs a number, got " + v);
                }
                double d = v.asDouble();
                if (!Double.isFinite(d)) {
                    throw new HttpError(400, "filter: \"" + field + "\" " + op + " needs a finite number");
                }
                yield switch (op) {
                    case ">" -> Filter.gt(field, d);
                    case ">=" -> Filter.gte(field, d);
                    case "<" -> Filter.lt(field, d);
                    default -> Filter.lte(field, d);
                };
            }
            default -> throw new HttpError(400, "filter: unknown operator \"" + op + "\" for \"" + field
                    + "\" (use =, !=, >, >=, <, <=)");
        };
    }

    private static Object scalar(String field, JsonNode v) {
        if (v.isTextual()) {
            return v.asText();
        }
        if (v.isBoolean()) {
            return v.asBoolean();
        }
        if (v.isIntegralNumber() && v.canConvertToLong()) {
            return v.asLong();
        }
        if (v.isNumber()) {
            if (!Double.isFinite(v.asDouble())) {
                throw new HttpError(400, "filter: the value for \"" + field + "\" is not a finite number");
            }
            return v.asDouble();
        }
        throw new HttpError(400, "filter: the value for \"" + field + "\" must be a string, number or boolean, got "
                + v);
    }

    private static String requireText(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            throw new HttpError(400, "\"" + field + "\" is required");
        }
        if (!v.isTextual()) {
            throw new HttpError(400, "\"" + field + "\" must be a string");
        }
        if (v.asText().isBlank()) {
            throw new HttpError(400, "\"" + field + "\" is empty");
        }
        return v.asText();
    }

    private static int intField(JsonNode body, String field, int dflt, int min, int max) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw new HttpError(400, "\"" + field + "\" must be an integer, got " + v);
        }
        int n = v.asInt();
        if (n < min || n > max) {
            throw new HttpError(400, "\"" + field + "\" must be between " + min + " and " + max + ", got " + n);
        }
        return n;
    }
}
