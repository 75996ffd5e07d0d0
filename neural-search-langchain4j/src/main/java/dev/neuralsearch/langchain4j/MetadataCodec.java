package dev.neuralsearch.langchain4j;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.data.document.Metadata;
import dev.langchain4j.data.segment.TextSegment;
import dev.neuralsearch.core.Document;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Maps LangChain4j {@link Metadata} to the flat metadata of a {@link Document} and back, keeping the original
 * Java types.
 *
 * <p>A {@link Document} stores integral numbers as {@code Long}, other numbers as {@code Double}, and strings.
 * LangChain4j knows {@code String, UUID, Integer, Long, Float, Double}. Values are stored as:
 * <pre>
 *   String  -> String          UUID  -> String (canonical form)
 *   Integer -> Long            Long  -> Long
 *   Float   -> Double (exact)  Double -> Double
 * </pre>
 * and the keys whose LangChain4j type is not the default of their stored form ({@code UUID}, {@code Integer},
 * {@code Float}) are listed in the reserved key {@value #TYPES_KEY} as a JSON object, e.g.
 * {@code {"age":"Integer","id":"UUID"}}. An embedding added without a {@link TextSegment} is stored with empty
 * text and the reserved key {@value #NO_SEGMENT_KEY} = {@code true}. Keys starting with {@value #RESERVED_PREFIX}
 * are reserved.
 */
final class MetadataCodec {
    static final String RESERVED_PREFIX = "_lc4j.";
    static final String TYPES_KEY = RESERVED_PREFIX + "types";
    static final String NO_SEGMENT_KEY = RESERVED_PREFIX + "noSegment";

    static final String UUID_TYPE = "UUID";
    static final String INTEGER_TYPE = "Integer";
    static final String FLOAT_TYPE = "Float";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {
    };

    private MetadataCodec() {
    }

    /** The document stored for one embedding; {@code segment} may be null (a bare embedding). */
    static Document toDocument(String id, TextSegment segment) {
        if (segment == null) {
            return new Document(id, "", Map.of(NO_SEGMENT_KEY, Boolean.TRUE));
        }
        Map<String, Object> stored = new HashMap<>();
        Map<String, String> types = new TreeMap<>();
        for (Map.Entry<String, Object> e : segment.metadata().toMap().entrySet()) {
            String key = e.getKey();
            if (key.startsWith(RESERVED_PREFIX)) {
                throw new IllegalArgumentException("metadata key '" + key + "' of embedding " + id
                        + " is reserved (prefix " + RESERVED_PREFIX + ")");
            }
            Object v = e.getValue();
            if (v instanceof UUID u) {
                stored.put(key, u.toString());
                types.put(key, UUID_TYPE);
            } else if (v instanceof Integer i) {
                stored.put(key, i.longValue());
                types.put(key, INTEGER_TYPE);
            } else if (v instanceof Float f) {
                stored.put(key, f.doubleValue());
                types.put(key, FLOAT_TYPE);
            } else {
                stored.put(key, v); // String, Long, Double; anything else is refused by Document
            }
        }
        if (!types.isEmpty()) {
            try {
                stored.put(TYPES_KEY, JSON.writeValueAsString(types));
            } catch (JsonProcessingException ex) {
                throw new IllegalStateException(ex);
            }
        }
        return new Document(id, segment.text(), stored);
    }

    /** The segment of a stored document, or null when it was added without one. */
    static TextSegment toSegment(Document doc) {
        Map<String, Object> stored = doc.metadata();
        if (Boolean.TRUE.equals(stored.get(NO_SEGMENT_KEY))) {
            return null;
        }
        Map<String, String> types = Map.of();
        if (stored.get(TYPES_KEY) instanceof String json) {
            try {
                types = JSON.readValue(json, STRING_MAP);
            } catch (JsonProcessingException ex) {
                throw new IllegalStateException("document " + doc.id() + ": unreadable " + TYPES_KEY + ": " + json, ex);
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : stored.entrySet()) {
            String key = e.getKey();
            if (key.startsWith(RESERVED_PREFIX)) {
                continue;
            }
            out.put(key, fromStored(e.getValue(), types.get(key)));
        }
        return TextSegment.from(doc.text(), new Metadata(out));
    }

    private static Object fromStored(Object v, String type) {
        if (type != null) {
            switch (type) {
                case UUID_TYPE:
                    return UUID.fromString((String) v);
                case INTEGER_TYPE:
                    return Math.toIntExact(((Number) v).longValue());
                case FLOAT_TYPE:
                    return ((Number) v).floatValue();
                default:
                    break;
            }
        }
        if (v instanceof String || v instanceof Long || v instanceof Double) {
            return v;
        }
        return String.valueOf(v); // Boolean, from documents not written through LangChain4j
    }
}
