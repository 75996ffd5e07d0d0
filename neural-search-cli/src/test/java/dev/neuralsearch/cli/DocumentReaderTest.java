package dev.neuralsearch.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.neuralsearch.core.Document;
import java.io.BufferedReader;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DocumentReaderTest {

    @Test
    void ownAndBeirLines() {
        String input = """
                {"id": "a", "text": "hello", "metadata": {"lang": "en", "year": 2021, "score": 0.5, "ok": true, "x": null}}

                {"_id": "b", "title": "Title", "text": "Body text.", "metadata": {}}
                {"_id": 7, "title": "", "text": "  only text "}
                """;
        List<Document> docs = new ArrayList<>();
        new DocumentReader(new BufferedReader(new StringReader(input)), "test").forEachRemaining(docs::add);
        assertThat(docs).containsExactly(
                new Document("a", "hello", Map.of("lang", "en", "year", 2021L, "score", 0.5, "ok", true)),
                new Document("b", "Title Body text."),
                new Document("7", "only text"));
    }

    @Test
    void errorsNameTheLine() {
        assertThatThrownBy(() -> DocumentReader.parse("{\"text\": \"x\"}", "f.jsonl:3"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("f.jsonl:3: no \"id\"");
        assertThatThrownBy(() -> DocumentReader.parse("{oops", "f.jsonl:4")).hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> DocumentReader.parse("{\"id\": \"a\"}", "f:1")).hasMessageContaining("no \"text\"");
        assertThatThrownBy(() -> DocumentReader.parse("{\"id\": \" \", \"text\": \"t\"}", "f:1"))
                .hasMessageContaining("blank");
    }
}
