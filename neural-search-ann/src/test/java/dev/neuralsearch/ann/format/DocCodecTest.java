package dev.neuralsearch.ann.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.neuralsearch.core.Document;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DocCodecTest {

    @Test
    void roundTripsIdTextAndEveryMetadataKind() {
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("title", "Ünïcödé \"quoted\" \\ back\nslash 中文");
        meta.put("year", 2024);
        meta.put("big", Long.MAX_VALUE);
        meta.put("score", 0.25);
        meta.put("whole", 3.0);
        meta.put("tiny", -1.5e-300);
        meta.put("open", true);
        meta.put("closed", false);
        meta.put("empty", "");
        Document d = Document.of("id/with \"odd\" chars", "text with\ttabs and emoji \uD83D\uDE00", meta);
        String json = DocCodec.toJson(d);
        // read both from a String and from a reused StringBuilder longer than the first buffer
        Document back = DocCodec.fromJson(json);
        assertThat(back).isEqualTo(d);
        assertThat(back.metadata()).containsExactlyEntriesOf(d.metadata());
        assertThat(back.metadata().get("year")).isEqualTo(2024L);
        assertThat(back.metadata().get("whole")).isEqualTo(3.0);
        StringBuilder sb = new StringBuilder("x".repeat(2000));
        sb.setLength(0);
        sb.append(DocCodec.toJson(Document.of("long", "y".repeat(5000), Map.of())));
        assertThat(DocCodec.fromJson(sb).text()).hasSize(5000);
        assertThat(DocCodec.fromJson(new StringBuilder(json))).isEqualTo(d);
    }

    @Test
    void documentsWithoutMetadataAndUnknownFields() {
        Document d = Document.of("a", "", Map.of());
        assertThat(DocCodec.fromJson(DocCodec.toJson(d))).isEqualTo(d);
        // a field a later version might add is skipped, nested or not
        assertThat(DocCodec.fromJson("{\"i\":\"a\",\"x\":{\"y\":[1,2]},\"t\":\"\"}")).isEqualTo(d);
    }

    @Test
    void malformedEntriesAreClearErrors() {
        assertThatThrownBy(() -> DocCodec.fromJson("{\"i\":\"a\",\"t\":\"x\",\"m\":{\"k\":[1]}}"))
                .isInstanceOf(UncheckedIOException.class).hasMessageContaining("cannot be parsed")
                .hasRootCauseMessage("metadata value of 'k' is START_ARRAY");
        assertThatThrownBy(() -> DocCodec.fromJson("{\"t\":\"x\"}")).isInstanceOf(UncheckedIOException.class)
                .hasRootCauseMessage("id or text missing");
        assertThatThrownBy(() -> DocCodec.fromJson("[1]")).isInstanceOf(UncheckedIOException.class);
        assertThatThrownBy(() -> DocCodec.fromJson("{\"i\":\"a\",\"t\":")).isInstanceOf(UncheckedIOException.class);
    }
}
