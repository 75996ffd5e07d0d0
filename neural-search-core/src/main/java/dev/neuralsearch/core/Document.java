package dev.neuralsearch.core;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A document as the user gives it: a unique id, the text that is encoded and returned, and flat metadata.
 *
 * <p>Metadata values are strings, numbers or booleans. Integral numbers are normalised to {@link Long},
 * other numbers to {@link Double}, so that a filter sees one type per kind whatever the caller passed in.
 */
public record Document(String id, String text, Map<String, Object> metadata) {

    /** Ids longer than this (in UTF-8 bytes) are refused: they are keys in the on-disk store. */
    public static final int MAX_ID_BYTES = 512;

    public Document {
        validateId(id);
        Objects.requireNonNull(text, () -> "document " + id + ": text is null");
        requireValidUnicode(text, () -> "document " + id + ": text");
        metadata = normaliseMetadata(id, metadata);
    }

    public Document(String id, String text) {
        this(id, text, Map.of());
    }

    public static Document of(String id, String text, Map<String, ?> metadata) {
        return new Document(id, text, metadata == null ? Map.of() : Map.copyOf(metadata));
    }

    /**
     * The checks every {@link VectorIndex#add} makes before it changes anything: both lists present and of one size,
     * no null document, no id twice in the call (the position of each id is in the message).
     */
    public static void checkBatch(List<Document> documents, List<?> vectors) {
        Objects.requireNonNull(documents, "documents");
        Objects.requireNonNull(vectors, "vectors");
        if (documents.size() != vectors.size()) {
            throw new IllegalArgumentException(documents.size() + " documents but " + vectors.size() + " vectors");
        }
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < documents.size(); i++) {
            Document d = documents.get(i);
            if (d == null) {
                throw new IllegalArgumentException("document at position " + i + " is null");
            }
            Integer prev = seen.put(d.id(), i);
            if (prev != null) {
                throw new IllegalArgumentException("duplicate id '" + d.id() + "' in one add() call (positions "
                        + prev + " and " + i + ")");
            }
        }
    }

    /** Checks an id the way every index does; throws {@link IllegalArgumentException} naming the problem. */
    public static String validateId(String id) {
        if (id == null) {
            throw new IllegalArgumentException("document id is null");
        }
        if (id.isBlank()) {
            throw new IllegalArgumentException("document id is empty or blank");
        }
        // UTF-8 cannot hold an unpaired surrogate: stored, the id would come back as "?" and equal other ids
        requireValidUnicode(id, () -> "document id");
        int bytes = id.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_ID_BYTES) {
            throw new IllegalArgumentException(
                    "document id is " + bytes + " UTF-8 bytes long; the limit is " + MAX_ID_BYTES);
        }
        return id;
    }

    /**
     * Refuses a string with an unpaired surrogate: UTF-8 cannot hold one, so the segment files would keep "?"
     * while the store kept the original, and the two copies would disagree.
     */
    private static void requireValidUnicode(String s, java.util.function.Supplier<String> field) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new IllegalArgumentException(field.get() + " has an unpaired surrogate (\\u"
                        + Integer.toHexString(c) + ") at index " + i + ": not valid Unicode");
            }
        }
    }

    private static Map<String, Object> normaliseMetadata(String id, Map<String, Object> metadata) {
        if (metadata == null || metadata.isEmpty()) {
            return Map.of();
        }
        TreeMap<String, Object> copy = new TreeMap<>();
        for (Map.Entry<String, Object> e : metadata.entrySet()) {
            String key = e.getKey();
            if (key == null || key.isEmpty()) {
                throw new IllegalArgumentException("document " + id + ": metadata key is null or empty");
            }
            requireValidUnicode(key, () -> "document " + id + ": metadata key");
            copy.put(key, normaliseValue(id, key, e.getValue()));
        }
        return Collections.unmodifiableMap(copy);
    }

    /** The one place that decides which metadata values exist. */
    public static Object normaliseValue(String id, String key, Object value) {
        if (value instanceof String s) {
            requireValidUnicode(s, () -> "document " + id + ": metadata '" + key + "'");
            return s;
        }
        if (value instanceof Boolean) {
            return value;
        }
        if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            // a range filter cannot order NaN, and the segment files' numeric columns hold finite values only
            if (!Double.isFinite(d)) {
                throw new IllegalArgumentException("document " + id + ": metadata '" + key + "' is " + d
                        + "; numbers must be finite");
            }
            return d;
        }
        throw new IllegalArgumentException("document " + id + ": metadata '" + key + "' has unsupported type "
                + (value == null ? "null" : value.getClass().getName())
                + "; use String, a number (int, long, float, double) or Boolean");
    }
}
