package dev.neuralsearch.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A teacher's ranked candidates per query, one JSON object per line, for distilling a reranker:
 *
 * <pre>
 * {"id":"pq-cloze-4983","query":"...","kind":"cloze","source":"4983","sourcePassage":"...",
 *  "docs":[["4983",0.93],["5836",0.41],...]}
 * </pre>
 *
 * {@code kind} is {@code train} for a judged query of the dataset, {@code title} or {@code cloze} for a
 * {@link PseudoQueries pseudo-query}; {@code source} and {@code sourcePassage} are set for pseudo-queries only (the
 * passage the source document shows once the query text is taken out of it). {@code docs} are the teacher's top
 * candidates, best first, with the teacher's (fused) score.
 */
public final class TeacherFile {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One candidate and its teacher score. */
    public record Candidate(String docId, double score) {
    }

    /** One query's line. */
    public record Entry(String id, String query, String kind, String source, String sourcePassage,
                        List<Candidate> docs) {
        public Entry {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(query, "query");
            docs = List.copyOf(docs);
        }
    }

    private TeacherFile() {
    }

    /** Writes the entries (the file is replaced). */
    public static void write(Path file, List<Entry> entries) {
        try {
            if (file.toAbsolutePath().getParent() != null) {
                Files.createDirectories(file.toAbsolutePath().getParent());
            }
            try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
                for (Entry e : entries) {
                    ObjectNode o = JSON.createObjectNode();
                    o.put("id", e.id());
                    o.put("query", e.query());
                    o.put("kind", e.kind());
                    if (e.source() != null) {
                        o.put("source", e.source());
                        o.put("sourcePassage", e.sourcePassage());
                    }
                    ArrayNode docs = o.putArray("docs");
                    for (Candidate c : e.docs()) {
                        docs.addArray().add(c.docId()).add(c.score());
                    }
                    w.write(JSON.writeValueAsString(o));
                    w.newLine();
                }
            }
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /** Reads a file {@link #write} wrote; a malformed line is refused with its number. */
    public static List<Entry> read(Path file) {
        List<Entry> out = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int n = 0;
            while ((line = r.readLine()) != null) {
                n++;
                if (line.isBlank()) {
                    continue;
                }
                try {
                    JsonNode o = JSON.readTree(line);
                    List<Candidate> docs = new ArrayList<>();
                    for (JsonNode c : o.required("docs")) {
                        if (!c.isArray() || c.size() != 2 || !c.get(1).isNumber()) {
                            throw new IllegalArgumentException("a doc is not [id, score]: " + c);
                        }
                        docs.add(new Candidate(c.get(0).asText(), c.get(1).asDouble()));
                    }
                    out.add(new Entry(o.required("id").asText(), o.required("query").asText(),
                            o.path("kind").asText("train"), o.hasNonNull("source") ? o.get("source").asText() : null,
                            o.hasNonNull("sourcePassage") ? o.get("sourcePassage").asText() : null, docs));
                } catch (IOException | IllegalArgumentException e) {
                    throw new IllegalArgumentException(file + " line " + n + ": " + e.getMessage(), e);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }
}
