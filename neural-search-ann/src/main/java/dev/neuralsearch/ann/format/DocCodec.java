package dev.neuralsearch.ann.format;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.neuralsearch.core.Document;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/** JSON form of documents and metadata, shared by the segment doc files and the document store. */
public final class DocCodec {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() { };

    private DocCodec() {
    }

    static String metadataJson(Map<String, Object> metadata) {
        if (metadata.isEmpty()) {
            return "";
        }
        try {
            return JSON.writeValueAsString(metadata);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Map<String, Object> parseMetadata(String id, String json) {
        if (json.isEmpty()) {
            return Map.of();
        }
        try {
            return Document.of(id, "", JSON.readValue(json, MAP)).metadata();
        } catch (IOException e) {
            throw new UncheckedIOException("metadata of " + id + " cannot be parsed", e);
        }
    }

    public static String toJson(Document d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("i", d.id());
        m.put("t", d.text());
        if (!d.metadata().isEmpty()) {
            m.put("m", d.metadata());
        }
        try {
            return JSON.writeValueAsString(m);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads what {@link #toJson} wrote with Jackson's streaming parser: it runs for every hit a search returns, and
     * a data-binding read into a map allocated ~3 KB per document and took about a tenth of a small index's query
     * time (JFR, SciFact). Metadata values are flat (strings, longs, doubles, booleans; see {@link Document}).
     */
    public static Document fromJson(CharSequence json) {
        int n = json.length();
        char[] buf = CHARS.get();
        if (buf.length < n) {
            buf = new char[Math.max(n, buf.length * 2)];
            CHARS.set(buf);
        }
        if (json instanceof StringBuilder sb) {
            sb.getChars(0, n, buf, 0);
        } else {
            json.toString().getChars(0, n, buf, 0);
        }
        try (JsonParser p = FACTORY.createParser(buf, 0, n)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("not a JSON object");
            }
            String id = null;
            String text = null;
            Map<String, Object> meta = Map.of();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken t = p.nextToken();
                switch (field) {
                    case "i" -> id = p.getText();
                    case "t" -> text = p.getText();
                    case "m" -> meta = readMetadata(p, t);
                    default -> p.skipChildren();
                }
            }
            if (id == null || text == null) {
                throw new IOException("id or text missing");
            }
            return Document.of(id, text, meta);
        } catch (IOException | RuntimeException e) {
            throw new UncheckedIOException("stored document cannot be parsed",
                    e instanceof IOException io ? io : new IOException(e));
        }
    }

    private static Map<String, Object> readMetadata(JsonParser p, JsonToken start) throws IOException {
        if (start != JsonToken.START_OBJECT) {
            throw new IOException("metadata is not an object");
        }
        Map<String, Object> m = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            JsonToken t = p.nextToken();
            Object v = switch (t) {
                case VALUE_STRING -> p.getText();
                case VALUE_NUMBER_INT -> p.getLongValue();
                case VALUE_NUMBER_FLOAT -> p.getDoubleValue();
                case VALUE_TRUE -> Boolean.TRUE;
                case VALUE_FALSE -> Boolean.FALSE;
                default -> throw new IOException("metadata value of '" + key + "' is " + t);
            };
            m.put(key, v);
        }
        return m;
    }

    private static final JsonFactory FACTORY = JSON.getFactory();
    private static final ThreadLocal<char[]> CHARS = ThreadLocal.withInitial(() -> new char[512]);
}
