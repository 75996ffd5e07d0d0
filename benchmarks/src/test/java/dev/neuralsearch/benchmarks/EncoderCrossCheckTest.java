package dev.neuralsearch.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neuralsearch.encoder.BiEncoder;
import dev.neuralsearch.encoder.ModelSpec;
import dev.neuralsearch.encoder.Presets;
import dev.neuralsearch.eval.BeirDataset;
import dev.neuralsearch.testing.SharedData;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The library's {@link BiEncoder} against the independent {@link ReferenceEncoder} (written from the
 * sentence-transformers recipes): same vectors for queries (instruction/prefix included) and passages
 * (short, and longer than the max length, so truncation is compared too). A cheap way to find pooling,
 * prefix, normalization or truncation bugs without a full BEIR run. Tagged heavy: loads every model.
 */
@Tag("heavy")
class EncoderCrossCheckTest {

    @ParameterizedTest
    @ValueSource(strings = {"all-minilm-l6-v2", "all-minilm-l6-v2-q", "bge-small-en-v1.5", "bge-small-en-v1.5-q",
        "e5-small-v2", "e5-small-v2-q", "bge-small-zh-v1.5", "bge-small-zh-v1.5-q"})
    void biEncoderMatchesTheReferenceRecipe(String model) {
        boolean zh = model.contains("-zh-");
        BeirDataset ds = BeirDataset.load(zh ? SharedData.cmrc() : SharedData.scifact(), "test");
        List<String> passages = new ArrayList<>();
        List<BeirDataset.CorpusDoc> docs = new ArrayList<>(ds.corpus().values());
        passages.add(docs.get(0).passage());
        passages.add(docs.stream().map(BeirDataset.CorpusDoc::passage)
                .max(Comparator.comparingInt(String::length)).orElseThrow()); // truncated
        passages.add(docs.stream().map(BeirDataset.CorpusDoc::passage)
                .min(Comparator.comparingInt(String::length)).orElseThrow());
        List<String> queries = new ArrayList<>(ds.queries().values()).subList(0, 3);

        ModelSpec spec = Presets.byId(model);
        try (BiEncoder lib = BiEncoder.load(spec);
             ReferenceEncoder ref = new ReferenceEncoder(ReferenceEncoder.recipe(model), 1)) {
            assertThat(lib.dimension()).isEqualTo(ref.dimension());
            for (String q : queries) {
                double c = cosine(lib.encodeQuery(q), ref.encodeQuery(q));
                System.out.printf(Locale.ROOT, "%s query   cos %.6f  %s%n", model, c, abbreviate(q));
                assertThat(c).as(model + " query '" + q + "'").isGreaterThan(0.999);
            }
            List<float[]> a = lib.encodePassages(passages);
            for (int i = 0; i < passages.size(); i++) {
                // The reference encodes each passage alone (no padding), as the library's deterministic mode does.
                float[] b = ref.encodePassages(List.of(passages.get(i))).get(0);
                double c = cosine(a.get(i), b);
                System.out.printf(Locale.ROOT, "%s passage cos %.6f  (%d chars) %s%n", model, c,
                        passages.get(i).length(), abbreviate(passages.get(i)));
                assertThat(c).as(model + " passage " + i).isGreaterThan(0.999);
            }
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 50 ? s : s.substring(0, 50) + "...";
    }

    static double cosine(float[] a, float[] b) {
        double d = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            d += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return d / Math.sqrt(na * nb);
    }
}
