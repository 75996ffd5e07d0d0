package dev.neuralsearch.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Ids every index accepts: non-blank, at most 512 UTF-8 bytes, valid Unicode (they are stored as UTF-8). */
class DocumentIdTest {

    @Test
    void validIdsPass() {
        assertThat(Document.validateId("doc-1")).isEqualTo("doc-1");
        assertThat(Document.validateId("汉字-😀")).isEqualTo("汉字-😀"); // a surrogate pair is fine
        assertThat(Document.validateId("a".repeat(Document.MAX_ID_BYTES))).hasSize(Document.MAX_ID_BYTES);
    }

    @Test
    void invalidIdsAreRefusedWithTheReason() {
        assertThatThrownBy(() -> Document.validateId(null)).hasMessageContaining("null");
        assertThatThrownBy(() -> Document.validateId(" ")).hasMessageContaining("blank");
        assertThatThrownBy(() -> Document.validateId("a".repeat(Document.MAX_ID_BYTES + 1)))
                .hasMessageContaining("513 UTF-8 bytes");
        // unpaired surrogates would be stored as "?" and then equal each other and "x?"
        assertThatThrownBy(() -> Document.validateId("x\uD800")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unpaired surrogate (\\ud800) at index 1");
        assertThatThrownBy(() -> Document.validateId("\uDC00x")).hasMessageContaining("at index 0");
        assertThatThrownBy(() -> new Document("x\uDBFF", "text")).isInstanceOf(IllegalArgumentException.class);
    }
}
