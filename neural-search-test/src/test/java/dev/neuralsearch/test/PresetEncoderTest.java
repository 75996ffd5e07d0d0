package dev.neuralsearch.test;

import static dev.neuralsearch.test.SearchAssertions.assertRanksFirst;
import static org.assertj.core.api.Assertions.assertThat;

import dev.neuralsearch.core.Document;
import dev.neuralsearch.core.NeuralSearch;
import dev.neuralsearch.core.TextEncoder;
import dev.neuralsearch.encoder.BiEncoder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The one-line switch to a packaged model: the same test, now with meaning instead of shared words. */
@NeuralSearchTest(encoder = "all-minilm-l6-v2-q")
class PresetEncoderTest {

    private static final List<TextEncoder> SEEN = new ArrayList<>();

    private static void addCatalog(NeuralSearch search) {
        search.add(new Document("car", "Repairing the engine of an automobile"),
                new Document("bread", "Baking sourdough bread at home"));
    }

    @Test
    void aPresetUnderstandsWhatSharedWordsCannot(NeuralSearch search, TextEncoder encoder) {
        SEEN.add(encoder);
        assertThat(encoder).isInstanceOf(BiEncoder.class);
        assertThat(search.modelId()).isEqualTo("all-minilm-l6-v2-q");
        addCatalog(search);
        assertRanksFirst(search, "fixing my car", "car");
    }

    @Test
    void aSecondTestGetsTheSameLoadedModel(TextEncoder encoder) {
        SEEN.add(encoder);
    }

    @AfterAll
    static void theModelWasLoadedOnce() {
        assertThat(SEEN).hasSize(2);
        assertThat(SEEN.get(1)).isSameAs(SEEN.get(0));
    }
}
