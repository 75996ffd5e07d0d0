package dev.neuralsearch.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.neuralsearch.core.Document;
import dev.neuralsearch.eval.BeirDataset;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
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
 *
 * <p>Read from bytes ({@link #DocumentReader(InputStream, String)}), each line is decoded on its own with a
 * strict UTF-8 decoder, so invalid UTF-8 is an error naming its line and byte, never a silent U+FFFD (a
 * reader that decodes ahead in blocks would report the wrong line). A leading byte-order mark is skipped. Every
 * error is an {@link IllegalArgumentException} whose message starts with {@code source:line:}.
 */
public final class DocumentReader implements Iterator<Document> {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final BufferedReader in;
    private final InputStream bytes;
    private final String source;
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    private byte[] buffer = new byte[64 * 1024];
    private int start;
    private int end;
    private boolean eof;
    private long lineNumber;
    private Document next;

    /** Lines from text already decoded. */
    public DocumentReader(BufferedReader in, String source) {
        this.in = in;
        this.bytes = null;
        this.source = source;
    }

    /** Lines from UTF-8 bytes, decoded strictly line by line. */
    public DocumentReader(InputStream in, String source) {
        this.in = null;
        this.bytes = in;
        this.source = source;
    }

    @Override
    public boolean hasNext() {
        if (next != null) {
            return true;
        }
        try {
            String line;
            while ((line = in != null ? in.readLine() : readUtf8Line()) != null) {
                lineNumber++;
                if (lineNumber == 1 && line.startsWith("\uFEFF")) {
                    line = line.substring(1);
                }
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

    /** The next line of the byte input without its end ({@code \n} or {@code \r\n}), or null at the end. */
    private String readUtf8Line() throws IOException {
        int scanned = start;
        while (true) {
            for (int i = scanned; i < end; i++) {
                if (buffer[i] == '\n') {
                    String line = decode(start, i);
                    start = i + 1;
                    return line;
                }
            }
            if (eof) {
                if (start == end) {
                    return null;
                }
                String line = decode(start, end); // a last line without a newline
                start = end;
                return line;
            }
            scanned = end;
            if (start > 0) { // keep the partial line at the front
                System.arraycopy(buffer, start, buffer, 0, end - start);
                scanned -= start;
                end -= start;
                start = 0;
            }
            if (end == buffer.length) {
                buffer = Arrays.copyOf(buffer, buffer.length * 2);
            }
            int n = bytes.read(buffer, end, buffer.length - end);
            if (n < 0) {
                eof = true;
            } else {
                end += n;
            }
        }
    }

    private String decode(int from, int to) {
        int length = to > from && buffer[to - 1] == '\r' ? to - 1 - from : to - from;
        ByteBuffer in = ByteBuffer.wrap(buffer, from, length);
        CharBuffer out = CharBuffer.allocate(length);
        utf8.reset();
        CoderResult r = utf8.decode(in, out, true);
        if (!r.isError()) {
            r = utf8.flush(out);
        }
        if (r.isError()) {
            throw new IllegalArgumentException(source + ":" + (lineNumber + 1) + ": not valid UTF-8 (byte "
                    + (in.position() - from + 1) + " of the line); save the file as UTF-8");
        }
        return out.flip().toString();
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
            id = idText(node.get("_id"), "_id", where);
            text = BeirDataset.passageText(node.path("title").asText(""), node.path("text").asText(""));
        } else if (node.hasNonNull("id")) {
            id = idText(node.get("id"), "id", where);
            if (!node.hasNonNull("text")) {
                throw new IllegalArgumentException(where + ": document " + id + " has no \"text\"");
            }
            if (!node.get("text").isTextual()) {
                throw new IllegalArgumentException(where + ": document " + id + ": \"text\" must be a string, got "
                        + node.get("text").getNodeType().name().toLowerCase(java.util.Locale.ROOT));
            }
            text = node.get("text").asText();
        } else {
            throw new IllegalArgumentException(where + ": no \"id\" (or BEIR \"_id\") field");
        }
        if (text.isBlank()) {
            throw new IllegalArgumentException(where + ": document " + id + " has an empty text: nothing to search");
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

    /** An id may be a string or an integer (BEIR corpora have numeric ids), nothing else. */
    private static String idText(JsonNode v, String field, String where) {
        if (v.isTextual() || v.isIntegralNumber()) {
            return v.asText();
        }
        throw new IllegalArgumentException(where + ": \"" + field + "\" must be a string or an integer, got "
                + v.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
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
