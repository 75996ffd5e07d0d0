package dev.neuralsearch.search;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neuralsearch.ann.JVectorIndex;
import dev.neuralsearch.core.Document;
import dev.neuralsearch.core.Filter;
import dev.neuralsearch.core.Hit;
import dev.neuralsearch.core.NeuralSearch;
import dev.neuralsearch.core.SearchResult;
import dev.neuralsearch.encoder.BiEncoder;
import dev.neuralsearch.encoder.Presets;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's usage example, compiled and run as it stands there (between the markers). */
class ReadmeExampleTest {

    static void example(Path home, PrintStream out) {
        // README example begins
        try (NeuralSearch search = NeuralSearch.builder()
                .encoder(BiEncoder.load(Presets.BGE_SMALL_EN_V15_Q))  // packaged model, int8
                .index(JVectorIndex.at(home))                            // index home on disk
                .build()) {
            search.add(List.of(
                    Document.of("1", "A black hole forms when a massive star collapses.", Map.of("year", 2019)),
                    Document.of("2", "Yeast makes bread rise by releasing carbon dioxide.", Map.of("year", 2021)),
                    Document.of("3", "Neutron stars are the remnants of supernovae.", Map.of("year", 2009))));
            search.commit();                                             // durable from here on
            SearchResult result = search.query("how do black holes form?")
                    .filter(Filter.gte("year", 2015))
                    .limit(5)
                    .run();
            for (Hit hit : result.hits()) {
                out.printf("%d. %s %.3f %s%n", hit.recallRank(), hit.id(), hit.score(), hit.text());
            }
            out.printf("encode %.1f ms, recall %.1f ms%n",
                    result.timings().encodeMillis(), result.timings().recallMillis());
        }
        // README example ends
    }

    @Test
    void runs(@TempDir Path home) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        example(home, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).startsWith("1. 1 ");
        assertThat(lines.get(1)).startsWith("2. 2 ");
        assertThat(lines.get(2)).startsWith("encode ");
    }
}
