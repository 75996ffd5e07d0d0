package dev.neuralsearch.ann;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.neuralsearch.core.Document;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/** JSON form of documents and metadata, shared by the segment doc files and the document store. */
final class DocCodec {
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

    static String toJson(Document d) {
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

    @SuppressWarnings("unchecked")
    static Document fromJson(CharSequence json) {
        try {
            Map<String, Object> m = JSON.readValue(json.toString(), MAP);
            Object meta = m.get("m");
            return Document.of((String) m.get("i"), (String) m.get("t"),
                    meta == null ? Map.of() : (Map<String, Object>) meta);
        } catch (IOException e) {
            throw new UncheckedIOException("stored document cannot be parsed", e);
        }
    }
}
