package dev.neuralsearch.langchain4j;

import static dev.langchain4j.store.embedding.filter.MetadataFilterBuilder.metadataKey;
import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.data.document.Metadata;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.rag.content.Content;
import dev.langchain4j.rag.content.ContentMetadata;
import dev.langchain4j.rag.query.Query;
import dev.neuralsearch.core.Reranker;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NeuralSearchContentRetrieverTest {

    @TempDir
    Path home;

    private NeuralSearchEmbeddingStore store;

    private static final List<TextSegment> SEGMENTS = List.of(
            TextSegment.from("Cats are small domesticated carnivorous mammals.", Metadata.from("lang", "en")),
            TextSegment.from("Dogs are loyal companions and were domesticated from wolves.", Metadata.from("lang", "en")),
            TextSegment.from("Les chats sont des petits mammifères carnivores.", Metadata.from("lang", "fr")),
            TextSegment.from("The stock market fell sharply on Monday.", Metadata.from("lang", "en")));

    @BeforeEach
    void fill() {
        store = Fixtures.store(home);
        NeuralSearchEmbeddingModel model = Fixtures.model();
        store.addAll(model.embedAll(SEGMENTS).content(), SEGMENTS);
        store.add(model.embed("cats cats cats").content()); // bare: never returned by the retriever
    }

    @AfterEach
    void close() {
        store.close();
    }

    private NeuralSearchContentRetriever.Builder retriever() {
        return NeuralSearchContentRetriever.builder().encoder(Fixtures.encoder()).store(store);
    }

    @Test
    void retrieves_the_best_segments_with_scores_and_ids() {
        NeuralSearchContentRetriever r = retriever().maxResults(2).build();
        List<Content> contents = r.retrieve(Query.from("What are cats?"));
        assertThat(contents).hasSize(2);
        assertThat(contents.get(0).textSegment()).isEqualTo(SEGMENTS.get(0));
        double score = (Double) contents.get(0).metadata().get(ContentMetadata.SCORE);
        assertThat(score).isBetween(0.5, 1.0);
        assertThat(contents.get(0).metadata()).containsKey(ContentMetadata.EMBEDDING_ID)
                .doesNotContainKey(ContentMetadata.RERANKED_SCORE);
        r.close();
    }

    @Test
    void filter_and_min_score() {
        NeuralSearchContentRetriever r = retriever().maxResults(5).filter(metadataKey("lang").isEqualTo("fr")).build();
        assertThat(r.retrieve(Query.from("What are cats?"))).extracting(Content::textSegment)
                .containsExactly(SEGMENTS.get(2));
        NeuralSearchContentRetriever strict = retriever().maxResults(5).minScore(0.99).build();
        assertThat(strict.retrieve(Query.from("What are cats?"))).isEmpty();
        r.close();
        strict.close();
    }

    @Test
    void a_reranker_decides_the_order() {
        // Ranks by how often "stock" appears: the worst recall candidate for a cat question wins.
        Reranker stockLover = new Reranker() {
            @Override
            public String id() {
                return "stock-lover";
            }

            @Override
            public float[] score(String query, List<String> passages) {
                float[] s = new float[passages.size()];
                for (int i = 0; i < s.length; i++) {
                    s[i] = passages.get(i).contains("stock") ? 5f : -1f;
                }
                return s;
            }

            @Override
            public void close() {
            }
        };
        NeuralSearchContentRetriever r = retriever().reranker(stockLover).maxResults(1).build();
        List<Content> contents = r.retrieve(Query.from("What are cats?"));
        assertThat(contents).extracting(Content::textSegment).containsExactly(SEGMENTS.get(3));
        assertThat(contents.get(0).metadata()).containsEntry(ContentMetadata.RERANKED_SCORE, 5.0);
        r.close();
    }
}
