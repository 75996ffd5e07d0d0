package dev.neuralsearch.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Text and metadata every index can store as given: finite numbers (a range filter cannot order NaN or
 * infinities once they are in a segment file) and valid Unicode (UTF-8 turns an unpaired surrogate into "?").
 */
class DocumentValuesTest {

    @Test
    void nanAndInfinitiesAreRefusedNamingTheField() {
        for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
            assertThatThrownBy(() -> Document.of("d1", "text", Map.of("score", bad)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("document d1: metadata 'score' is " + bad);
            assertThatThrownBy(() -> Document.of("d1", "text", Map.of("score", (float) bad)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'score'");
        }
        assertThat(Document.of("d1", "t", Map.of("score", Double.MAX_VALUE)).metadata().get("score"))
                .isEqualTo(Double.MAX_VALUE);
    }

    @Test
    void unpairedSurrogatesAreRefusedInTextAndMetadata() {
        assertThatThrownBy(() -> new Document("d1", "broken \uD83D text"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("document d1: text has an unpaired surrogate (\\ud83d) at index 7");
        assertThatThrownBy(() -> Document.of("d1", "t", Map.of("title", "x\uDE00")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("document d1: metadata 'title' has an unpaired surrogate (\\ude00)");
        assertThatThrownBy(() -> Document.of("d1", "t", Map.of("ti\uD800tle", "x")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("document d1: metadata key has an unpaired surrogate");
        assertThatThrownBy(() -> new Document("\uD800", "t")).hasMessageContaining("document id has an unpaired");
    }

    @Test
    void pairedSurrogatesPass() {
        Document d = Document.of("d1", "emoji 😀 and 𠀀", Map.of("tag😀", "🙂"));
        assertThat(d.text()).isEqualTo("emoji 😀 and 𠀀");
        assertThat(d.metadata()).containsEntry("tag😀", "🙂");
    }
}
