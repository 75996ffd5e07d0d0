package dev.neuralsearch.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.neuralsearch.core.Document;
import dev.neuralsearch.eval.BeirDataset;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * Reads documents from JSON lines, one object a line; blank lines are skipped.
 * <ul>
 *   <li>{@code {"id": "...", "text": "...", "metadata": {...}}} — the project's own format;</li>
 *   <li>{@code {"_id": "...", "title": "...", "text": "...", "metadata": {...}}} — a BEIR corpus line: the
 *       text is title and text joined with a space, then stripped (as BEIR's and MTEB's dense models do).</li>
 * </ul>
 * Metadata values that are strings, numbers or booleans are kept; nulls are dropped; nested objects and
 * arrays are kept as their JSON text.
 */
public final class DocumentReader implements Iterator<Document> {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final BufferedReader in;
    private final String source;
    private long lineNumber;
    private Document next;

    public DocumentReader(BufferedReader in, String source) {
        this.in = in;
        this.source = source;
    }

    @Override
    public boolean hasNext() {
        if (next != null) {
            return true;
        }
        try {
            String line;
            while ((line = in.readLine()) != null) {
                lineNumber++;
                if (!line.isBlank()) {
                    next = parse(line, source + ":" + lineNumber);
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + source + " at line " + (lineNumber + 1), e);
        }
    }

    @Override
    public Document next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        Document d = next;
        next = null;
        return d;
    }

    /** One JSON line as a document; {@code where} names the line in error messages. */
    public static Document parse(String line, String where) {
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(where + ": not valid JSON: " + e.getOriginalMessage());
        }
        if (!(node instanceof ObjectNode)) {
            throw new IllegalArgumentException(where + ": expected a JSON object per line");
        }
        String id;
        String text;
        if (node.hasNonNull("_id")) {
            id = node.get("_id").asText();
            text = BeirDataset.passageText(node.path("title").asText(""), node.path("text").asText(""));
        } else if (node.hasNonNull("id")) {
            id = node.get("id").asText();
            if (!node.hasNonNull("text")) {
                throw new IllegalArgumentException(where + ": document " + id + " has no \"text\"");
            }
            text = node.get("text").asText();
        } else {
            throw new IllegalArgumentException(where + ": no \"id\" (or BEIR \"_id\") field");
        }
        Map<String, Object> metadata = new LinkedHashMap<>();
        JsonNode meta = node.get("metadata");
        if (meta != null && !meta.isNull()) {
            if (!meta.isObject()) {
                throw new IllegalArgumentException(where + ": \"metadata\" must be an object");
            }
            meta.properties().forEach(e -> {
                Object v = value(e.getValue());
                if (v != null) {
                    metadata.put(e.getKey(), v);
                }
            });
        }
        try {
            return new Document(id, text, metadata);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage());
        }
    }

    private static Object value(JsonNode v) {
        if (v.isNull() || v.isMissingNode()) {
            return null;
        }
        if (v.isTextual()) {
            return v.asText();
        }
        if (v.isBoolean()) {
            return v.booleanValue();
        }
        if (v.isIntegralNumber() && v.canConvertToLong()) {
            return v.longValue();
        }
        if (v.isNumber()) {
            return v.doubleValue();
        }
        return v.toString();
    }
}
