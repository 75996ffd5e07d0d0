package dev.neuralsearch.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.output.Response;
import dev.neuralsearch.bench.EncoderModel;
import dev.neuralsearch.encoder.BiEncoder;
import dev.neuralsearch.encoder.Presets;
import dev.neuralsearch.eval.BeirDataset;
import dev.neuralsearch.testing.SharedData;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The library's int8 presets against langchain4j's own in-process model from the same jar (issue 22 item 5): the
 * same vectors for queries (instruction prepended on langchain4j's side) and for SciFact passages, including the
 * longest one. langchain4j's {@code OnnxBertBiEncoder} would split a text of more than 510 word pieces into
 * parts and average them, but its tokenizer (DJL's defaults: truncation at 512) never returns more than 512
 * tokens, so it truncates at 512 exactly as the library does; this test fails if either side's tokenization,
 * truncation, pooling or normalization moves. Uses the model jars of the test class path and SciFact (skips
 * when absent).
 */
class Langchain4jParityTest {

    @ParameterizedTest
    @ValueSource(strings = {"bge-small-en-v1.5-q", "all-MiniLM-L6-v2-q"})
    void int8PresetGivesLangchain4jsVectors(String id) {
        EncoderModel m = EncoderModel.of(id);
        BeirDataset ds = BeirDataset.load(SharedData.scifact(), "test");
        List<BeirDataset.CorpusDoc> docs = new ArrayList<>(ds.corpus().values());
        String longest = docs.stream().map(BeirDataset.CorpusDoc::passage)
                .max(Comparator.comparingInt(String::length)).orElseThrow();
        List<String> passages = List.of(docs.get(0).passage(), longest, docs.get(1).passage());
        List<String> queries = new ArrayList<>(ds.queries().values()).subList(0, 3);
        // all-MiniLM-L6-v2-q's packaged tokenizer.json truncates at 128; the preset's default is 256
        var spec = Presets.byId(id.toLowerCase(Locale.ROOT)).withMaxTokens(m.maxTokens);
        // the library's set-up decides where ONNX Runtime's native files are unpacked, for the peer too (as in
        // EncodeBenchmark): ONNX Runtime loads once per JVM
        dev.neuralsearch.onnx.OnnxEnvironment.get();
        EmbeddingModel peer = m.langchain4j();
        try (BiEncoder ours = BiEncoder.load(spec)) {
            for (String q : queries) {
                float[] theirs = peer.embed(spec.queryPrefix() + q).content().vector();
                assertThat(EncoderCrossCheckTest.cosine(ours.encodeQuery(q), theirs)).as(id + " query " + q)
                        .isGreaterThan(0.99999);
            }
            List<float[]> mine = ours.encodePassages(passages);
            for (int i = 0; i < passages.size(); i++) {
                Response<Embedding> r = peer.embed(passages.get(i));
                assertThat(EncoderCrossCheckTest.cosine(mine.get(i), r.content().vector())).as(id + " passage " + i)
                        .isGreaterThan(0.99999);
            }
            assertThat(ours.encode(longest).truncated()).isTrue();
            assertThat(peer.embed(longest).tokenUsage().inputTokenCount()).as("langchain4j's token count of the "
                    + "longest passage (its tokenizer truncates, so it never splits)").isLessThanOrEqualTo(m.maxTokens);
        }
    }
}
