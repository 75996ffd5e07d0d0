package dev.neuralsearch.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.request.EmbeddingInput;
import dev.langchain4j.model.embedding.request.EmbeddingInputType;
import dev.langchain4j.model.embedding.request.EmbeddingRequest;
import dev.langchain4j.model.embedding.response.EmbeddingResponse;
import dev.langchain4j.model.output.Response;
import dev.neuralsearch.core.ProgressListener;
import dev.neuralsearch.core.Similarity;
import dev.neuralsearch.core.TextEncoder;
import dev.neuralsearch.encoder.TextRole;
import java.util.List;
import org.junit.jupiter.api.Test;

class NeuralSearchEmbeddingModelTest {

    private final NeuralSearchEmbeddingModel model = Fixtures.model();

    @Test
    void embeds_like_the_encoder_and_reports_tokens() {
        Response<Embedding> one = model.embed("hello world");
        assertThat(one.content().vector()).isEqualTo(Fixtures.encoder().encode("hello world").vector());
        // [CLS] hello world [SEP]
        assertThat(one.tokenUsage().inputTokenCount()).isEqualTo(4);
        assertThat(model.dimension()).isEqualTo(384);
        assertThat(model.modelName()).isEqualTo(Fixtures.encoder().modelId());
    }

    @Test
    void embed_all_keeps_order_and_sums_tokens() {
        Response<List<Embedding>> all = model.embedAll(List.of(TextSegment.from("a b c"), TextSegment.from("hello")));
        assertThat(all.content()).hasSize(2);
        assertThat(all.content().get(1).vector()).isEqualTo(Fixtures.encoder().encode("hello").vector());
        assertThat(all.tokenUsage().inputTokenCount()).isEqualTo(5 + 3);
    }

    @Test
    void the_request_input_type_picks_the_role() {
        EmbeddingRequest query = EmbeddingRequest.builder().inputs(List.of(EmbeddingInput.from("q")))
                .inputType(EmbeddingInputType.QUERY).build();
        EmbeddingResponse r = NeuralSearchEmbeddingModel.of(Fixtures.encoder()).embed(query);
        assertThat(r.embeddings().get(0).vector())
                .isEqualTo(Fixtures.encoder().encode("q", TextRole.QUERY).vector());
        assertThat(NeuralSearchEmbeddingModel.forQueries(Fixtures.encoder()).toString()).contains("QUERY");
    }

    /** A fake encoder whose query and passage vectors differ, to see which role each call took. */
    private static final TextEncoder ROLES = new TextEncoder() {
        public String modelId() {
            return "roles";
        }

        public int dimension() {
            return 2;
        }

        public Similarity similarity() {
            return Similarity.COSINE;
        }

        public float[] encodeQuery(String q) {
            return new float[] {1, 0};
        }

        public List<float[]> encodeQueries(List<String> qs) {
            return qs.stream().map(this::encodeQuery).toList();
        }

        public List<float[]> encodePassages(List<String> ps, ProgressListener p) {
            return ps.stream().map(x -> new float[] {0, 1}).toList();
        }

        public void close() {
        }
    };

    @Test
    void roles_with_any_text_encoder() {
        assertThat(NeuralSearchEmbeddingModel.of(ROLES).embed("x").content().vector()).containsExactly(0, 1);
        assertThat(NeuralSearchEmbeddingModel.forQueries(ROLES).embed("x").content().vector()).containsExactly(1, 0);
        EmbeddingRequest doc = EmbeddingRequest.builder().inputs(List.of(EmbeddingInput.from("x")))
                .inputType(EmbeddingInputType.DOCUMENT).build();
        assertThat(NeuralSearchEmbeddingModel.forQueries(ROLES).embed(doc).embeddings().get(0).vector())
                .containsExactly(0, 1);
        assertThat(NeuralSearchEmbeddingModel.of(ROLES).embed("x").tokenUsage()).isNull();
    }
}
