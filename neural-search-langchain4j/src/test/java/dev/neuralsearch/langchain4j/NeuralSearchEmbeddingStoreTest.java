package dev.neuralsearch.langchain4j;

import static dev.langchain4j.store.embedding.filter.MetadataFilterBuilder.metadataKey;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.data.document.Metadata;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.store.embedding.EmbeddingMatch;
import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import dev.neuralsearch.ann.JVectorIndex;
import dev.neuralsearch.core.Document;
import dev.neuralsearch.core.IndexSchema;
import dev.neuralsearch.core.Similarity;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Store behaviour beyond the LangChain4j contract suites; random vectors, no model. */
class NeuralSearchEmbeddingStoreTest {

    private static final int DIM = 16;

    @TempDir
    Path home;

    private static Embedding random(Random r) {
        float[] v = new float[DIM];
        for (int i = 0; i < DIM; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return Embedding.from(v);
    }

    private NeuralSearchEmbeddingStore open() {
        return NeuralSearchEmbeddingStore.builder().home(home).dimension(DIM).modelId("random-16").build();
    }

    private static EmbeddingSearchRequest request(Embedding q, int k) {
        return EmbeddingSearchRequest.builder().queryEmbedding(q).maxResults(k).build();
    }

    @Test
    void survives_a_reopen_with_metadata_types_intact() {
        Random r = new Random(1);
        Embedding e = random(r);
        UUID uuid = UUID.randomUUID();
        Metadata md = new Metadata().put("s", "x").put("u", uuid).put("i", 7).put("l", 1746714878034235396L)
                .put("f", 1.23456789f).put("d", 1.23456789d);
        String id;
        try (NeuralSearchEmbeddingStore store = open()) {
            id = store.add(e, TextSegment.from("hello", md));
            store.add(random(r)); // bare
        }
        try (NeuralSearchEmbeddingStore store = open()) {
            List<EmbeddingMatch<TextSegment>> matches = store.search(request(e, 2)).matches();
            assertThat(matches).hasSize(2);
            EmbeddingMatch<TextSegment> m = matches.get(0);
            assertThat(m.embeddingId()).isEqualTo(id);
            assertThat(m.embedding()).isEqualTo(e);
            assertThat(m.embedded()).isEqualTo(TextSegment.from("hello", md));
            assertThat(m.embedded().metadata().toMap()).containsOnlyKeys("s", "u", "i", "l", "f", "d");
            assertThat(m.embedded().metadata().toMap().get("i")).isInstanceOf(Integer.class);
            assertThat(m.embedded().metadata().toMap().get("f")).isInstanceOf(Float.class);
            assertThat(m.embedded().metadata().toMap().get("u")).isInstanceOf(UUID.class);
            assertThat(matches.get(1).embedded()).isNull();
            // the type map is visible to our own API as a reserved key
            Document stored = store.index().get(id).orElseThrow();
            assertThat(stored.metadata()).containsEntry("i", 7L).containsKey(MetadataCodec.TYPES_KEY);
        }
    }

    @Test
    void a_selective_filter_still_returns_max_results() {
        Random r = new Random(2);
        try (NeuralSearchEmbeddingStore store = open()) {
            List<Embedding> es = new ArrayList<>();
            List<TextSegment> segs = new ArrayList<>();
            for (int i = 0; i < 2000; i++) {
                es.add(random(r));
                segs.add(TextSegment.from("doc " + i, new Metadata().put("bucket", i % 200)));
            }
            store.addAll(es, segs);
            List<EmbeddingMatch<TextSegment>> matches = store.search(EmbeddingSearchRequest.builder()
                    .queryEmbedding(random(r)).maxResults(10).filter(metadataKey("bucket").isEqualTo(7)).build())
                    .matches();
            assertThat(matches).hasSize(10);
            assertThat(matches).allSatisfy(m -> assertThat(m.embedded().metadata().getInteger("bucket")).isEqualTo(7));
        }
    }

    @Test
    void scores_are_relevance_scores_and_min_score_applies() {
        Random r = new Random(3);
        try (NeuralSearchEmbeddingStore store = open()) {
            Embedding a = random(r);
            float[] neg = a.vector().clone();
            for (int i = 0; i < neg.length; i++) {
                neg[i] = -neg[i];
            }
            store.add("same", a);
            store.add("opposite", Embedding.from(neg));
            List<EmbeddingMatch<TextSegment>> all = store.search(request(a, 2)).matches();
            assertThat(all.get(0).score()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
            assertThat(all.get(1).score()).isCloseTo(0.0, org.assertj.core.data.Offset.offset(1e-5));
            assertThat(store.search(EmbeddingSearchRequest.builder().queryEmbedding(a).maxResults(2).minScore(0.5)
                    .build()).matches()).extracting(EmbeddingMatch::embeddingId).containsExactly("same");
        }
    }

    @Test
    void wrapping_an_open_index_leaves_it_open_and_reads_foreign_documents() {
        Random r = new Random(4);
        Embedding e = random(r);
        try (JVectorIndex index = JVectorIndex.open(home, new IndexSchema("m", DIM, Similarity.DOT_PRODUCT))) {
            index.add(List.of(new Document("ours", "plain text", Map.of("year", 2021L, "flag", true))),
                    List.of(e.vector()));
            try (NeuralSearchEmbeddingStore store = NeuralSearchEmbeddingStore.wrap(index)) {
                EmbeddingMatch<TextSegment> m = store.search(request(e, 1)).matches().get(0);
                assertThat(m.embedded().text()).isEqualTo("plain text");
                assertThat(m.embedded().metadata().getLong("year")).isEqualTo(2021L);
                assertThat(m.embedded().metadata().getString("flag")).isEqualTo("true");
            }
            assertThat(index.get("ours")).isPresent(); // still open
        }
    }

    @Test
    void remove_by_filter_and_all() {
        Random r = new Random(5);
        try (NeuralSearchEmbeddingStore store = open()) {
            for (int i = 0; i < 30; i++) {
                store.add(random(r), TextSegment.from("t" + i, new Metadata().put("n", i)));
            }
            store.removeAll(metadataKey("n").isLessThan(10).or(metadataKey("n").isIn(20, 21)));
            assertThat(store.index().stats().documents()).isEqualTo(18);
            store.removeAll();
            assertThat(store.index().stats().documents()).isZero();
        }
    }

    @Test
    void reserved_keys_and_bad_input_are_refused() {
        Random r = new Random(6);
        try (NeuralSearchEmbeddingStore store = open()) {
            assertThatThrownBy(() -> store.add(random(r), TextSegment.from("x", Metadata.from("_lc4j.types", "{}"))))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reserved");
            assertThatThrownBy(() -> store.add(Embedding.from(new float[3])))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dimension");
            assertThat(store.index().stats().documents()).isZero();
        }
    }

    @Test
    void without_auto_commit_close_discards_and_commit_keeps() {
        Random r = new Random(7);
        try (NeuralSearchEmbeddingStore store = NeuralSearchEmbeddingStore.builder().home(home).dimension(DIM)
                .autoCommit(false).build()) {
            store.add("kept", random(r));
            store.commit();
            store.add("lost", random(r));
        }
        try (NeuralSearchEmbeddingStore store = NeuralSearchEmbeddingStore.builder().home(home).dimension(DIM)
                .build()) {
            assertThat(store.index().get("kept")).isPresent();
            assertThat(store.index().get("lost")).isEmpty();
        }
    }
}
