package dev.neuralsearch.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.neuralsearch.ann.JVectorIndex;
import dev.neuralsearch.core.Document;
import dev.neuralsearch.core.Filter;
import dev.neuralsearch.core.Fusion;
import dev.neuralsearch.core.Hit;
import dev.neuralsearch.core.MultiRouteResult;
import dev.neuralsearch.core.MultiRouteSearch;
import dev.neuralsearch.core.NeuralSearch;
import dev.neuralsearch.encoder.BiEncoder;
import dev.neuralsearch.encoder.Presets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real dense routes (int8 all-MiniLM-L6-v2 and int8 bge-small-en-v1.5), each in its own sibling home, plus
 * the BM25 route of the first, through the fluent API.
 */
class MultiRouteSearchTest {
    @TempDir
    Path home;

    static final List<Document> DOCS = List.of(
            new Document("cat", "The cat sleeps on the warm windowsill all afternoon.", Map.of("kind", "animal")),
            new Document("dog", "A dog fetches the ball in the park.", Map.of("kind", "animal")),
            new Document("rust", "Rust guarantees memory safety without a garbage collector.", Map.of("kind", "tech")),
            new Document("java", "The JVM runs Java bytecode with a just-in-time compiler.", Map.of("kind", "tech")),
            new Document("bread", "Knead the dough, let it rise, then bake the bread.", Map.of("kind", "food")),
            new Document("tea", "Green tea is steeped in water below boiling.", Map.of("kind", "food")));

    private MultiRouteSearch open(Fusion fusion) {
        return open(fusion, false);
    }

    private MultiRouteSearch open(Fusion fusion, boolean skipWeightless) {
        MultiRouteSearch.Builder b = MultiRouteSearch.builder().skipWeightlessRoutes(skipWeightless)
                .route("minilm", NeuralSearch.builder().encoder(BiEncoder.load(Presets.ALL_MINILM_L6_V2_Q))
                        .index(JVectorIndex.at(home.resolve("minilm"))).build())
                .route("bge", NeuralSearch.builder().encoder(BiEncoder.load(Presets.BGE_SMALL_EN_V15_Q))
                        .index(JVectorIndex.at(home.resolve("bge"))).build());
        return (fusion == null ? b : b.fusion(fusion)).build();
    }

    @Test
    void eachRouteAnswersAndTheFusedListNamesTheRoutes() {
        try (MultiRouteSearch search = open(null)) {
            assertThat(search.routeNames()).containsExactly("minilm", "bge", "lexical");
            assertThat(search.add(DOCS)).isEqualTo(6);
            search.commit();
            MultiRouteResult r = search.query("a cat asleep by the window").limit(3).execute();
            assertThat(r.routes()).containsOnlyKeys("minilm", "bge", "lexical");
            assertThat(r.route("minilm").get(0).id()).isEqualTo("cat");
            assertThat(r.route("bge").get(0).id()).isEqualTo("cat");
            assertThat(r.route("minilm")).hasSize(6); // the route depth (100) caps at the corpus
            assertThat(r.fused()).hasSize(3);
            Hit top = r.fused().get(0);
            assertThat(top.id()).isEqualTo("cat");
            assertThat(top.routeRanks().keySet()).containsExactly("minilm", "bge", "lexical"); // in route order
            assertThat(top.rank("minilm")).isEqualTo(1);
            assertThat(top.rank("bge")).isEqualTo(1);
            assertThat(top.recallRank()).isEqualTo(1);
            assertThat(r.routeNanos()).containsOnlyKeys("minilm", "bge", "lexical");
            // BM25 finds only the documents sharing a term with the query
            assertThat(r.route("lexical")).extracting(Hit::id).doesNotContain("rust", "java");
            assertThat(r.fusion()).isEqualTo(Fusion.convex(Fusion.Normalization.Z_SCORE, 1, 1, 1));

            // the weights follow route order: all weight on bge gives bge's own order
            MultiRouteResult onlyBge = search.query("compiled languages and runtimes").limit(6)
                    .fusion(Fusion.convex(Fusion.Normalization.MIN_MAX, 0, 1, 0)).execute();
            assertThat(onlyBge.fused()).extracting(Hit::id)
                    .containsExactlyElementsOf(onlyBge.route("bge").stream().map(Hit::id).toList());
            // a route of weight 0 is still searched and listed (eval reports every route's own row from it)
            assertThat(onlyBge.route("minilm")).isNotEmpty();
            MultiRouteResult onlyMini = search.query("compiled languages and runtimes").limit(6)
                    .fusion(Fusion.rrf(60, 1, 0, 0)).execute();
            assertThat(onlyMini.fused()).extracting(Hit::id)
                    .containsExactlyElementsOf(onlyMini.route("minilm").stream().map(Hit::id).toList());

            // a filter applies on every route
            MultiRouteResult food = search.query("something to drink").filter(Filter.eq("kind", "food")).execute();
            food.routes().values().forEach(hits -> assertThat(hits).extracting(Hit::id).isSubsetOf("bread", "tea"));
            assertThat(food.fused().get(0).id()).isEqualTo("tea");

            assertThatThrownBy(() -> search.query("x").fusion(Fusion.rrf(60, 1, 1)).execute())
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2 weights for 3 routes");
            assertThatThrownBy(() -> search.query("x").limit(20).depth(10).execute())
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("below the limit");
            assertThat(search.delete("tea")).isEqualTo(1);
            search.commit();
        }
        // the sibling homes reopen: every route has the documents, the delete is on every route
        try (MultiRouteSearch search = open(Fusion.convex(Fusion.Normalization.Z_SCORE, 0.4, 0.4, 0.2))) {
            MultiRouteResult r = search.query("green tea").limit(5).execute();
            r.routes().values().forEach(hits -> assertThat(hits).extracting(Hit::id).doesNotContain("tea"));
            assertThat(r.route("bge")).hasSize(5);
            assertThat(search.route("minilm").stats().documents()).isEqualTo(5);
            assertThat(search.route("bge").stats().documents()).isEqualTo(5);
        }
    }

    @Test
    void weightlessRoutesAreSkippedOnlyWhenAsked() {
        Fusion onlyBge = Fusion.convex(Fusion.Normalization.MIN_MAX, 0, 1, 0);
        List<String> fused;
        try (MultiRouteSearch search = open(onlyBge)) {
            search.add(DOCS);
            search.commit();
            MultiRouteResult r = search.query("compiled languages and runtimes").limit(6).execute();
            fused = r.fused().stream().map(Hit::id).toList();
            assertThat(r.route("minilm")).isNotEmpty();
            assertThat(r.route("lexical")).isNotEmpty();
        }
        try (MultiRouteSearch search = open(onlyBge, true)) { // the same homes, reopened
            MultiRouteResult r = search.query("compiled languages and runtimes").limit(6).execute();
            assertThat(r.fused()).extracting(Hit::id).containsExactlyElementsOf(fused); // the same answer
            assertThat(r.route("minilm")).isEmpty(); // weight 0: not searched
            assertThat(r.route("lexical")).isEmpty();
            assertThat(r.routeNanos()).containsEntry("minilm", 0L).containsEntry("lexical", 0L);
            assertThat(r.route("bge")).isNotEmpty();
            assertThat(r.fused().get(0).routeRanks()).containsOnlyKeys("bge");
            // a query's own fusion decides: with every route weighed, every route is searched
            MultiRouteResult all = search.query("compiled languages and runtimes").limit(6)
                    .fusion(Fusion.convex(Fusion.Normalization.MIN_MAX, 1, 1, 1)).execute();
            assertThat(all.route("minilm")).isNotEmpty();
            assertThat(all.route("lexical")).isNotEmpty();
        }
    }

    @Test
    void badRoutesAreRefused() {
        NeuralSearch a = NeuralSearch.builder().encoder(BiEncoder.load(Presets.ALL_MINILM_L6_V2_Q))
                .index(JVectorIndex.at(home.resolve("a"))).build();
        try {
            assertThatThrownBy(() -> MultiRouteSearch.builder().build()).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> MultiRouteSearch.builder().route("lexical", a))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> MultiRouteSearch.builder().route("a", a).route("b", a))
                    .hasMessageContaining("already a route");
            assertThatThrownBy(() -> MultiRouteSearch.builder().route("a", a).fusion(Fusion.rrf(60, 1, 1, 1)).build())
                    .hasMessageContaining("3 weights for 2 routes");
            assertThatThrownBy(() -> MultiRouteSearch.builder().route("a", a).lexicalFrom("b").build())
                    .hasMessageContaining("no such route");
            MultiRouteSearch denseOnly = MultiRouteSearch.builder().route("a", a).lexical(false).build();
            assertThat(denseOnly.routeNames()).containsExactly("a");
        } finally {
            a.close();
        }
    }
}
