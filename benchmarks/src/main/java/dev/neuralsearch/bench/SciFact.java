package dev.neuralsearch.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The SciFact corpus and queries, in file order (so "the first 256 documents" is always the same slice). */
public final class SciFact {
    public record Doc(String id, String text) {
    }

    private SciFact() {
    }

    /** Every document as {@code title + " " + text}. */
    public static List<Doc> corpus() {
        return read(BenchPaths.scifact().resolve("corpus.jsonl"), true);
    }

    public static List<Doc> queries() {
        return read(BenchPaths.scifact().resolve("queries.jsonl"), false);
    }

    private static List<Doc> read(Path file, boolean withTitle) {
        ObjectMapper json = new ObjectMapper();
        List<Doc> out = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (String line; (line = r.readLine()) != null; ) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode n = json.readTree(line);
                String text = n.path("text").asText("");
                if (withTitle) {
                    String title = n.path("title").asText("");
                    text = title.isEmpty() ? text : title + " " + text;
                }
                out.add(new Doc(n.get("_id").asText(), text));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }
}
