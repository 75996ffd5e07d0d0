package dev.neuralsearch.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.neuralsearch.ann.JVectorIndex;
import dev.neuralsearch.core.Document;
import dev.neuralsearch.core.Filter;
import dev.neuralsearch.core.Hit;
import dev.neuralsearch.core.NeuralSearch;
import dev.neuralsearch.core.Reranker;
import dev.neuralsearch.core.SearchResult;
import dev.neuralsearch.core.TextEncoder;
import dev.neuralsearch.encoder.BiEncoder;
import dev.neuralsearch.encoder.Presets;
import dev.neuralsearch.eval.BeirDataset;
import dev.neuralsearch.testing.SharedData;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fluent API end to end on SciFact: a real encoder (all-MiniLM-L6-v2 int8, fast on two cores), a real
 * JVector index on disk, the tiny XLM-R cross-encoder fixture as reranker.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NeuralSearchEndToEndTest {

    private static final int CORPUS_PREFIX = 500;
    private static final int QUERIES = 8;

    @TempDir
    static Path tmp;

    private TextEncoder encoder;
    private Reranker reranker;
    private NeuralSearch search;
    private BeirDataset scifact;
    private final Map<String, String> queries = new LinkedHashMap<>();

    @BeforeAll
    void indexSciFact() {
        scifact = BeirDataset.load(SharedData.scifact(), "test");
        encoder = BiEncoder.load(Presets.ALL_MINILM_L6_V2_Q);
        reranker = Fixtures.tinyReranker(tmp.resolve("reranker"));
        search = NeuralSearch.builder().encoder(encoder).index(JVectorIndex.at(tmp.resolve("home")))
                .reranker(reranker).closeComponents(false).build();

        Set<String> ids = new LinkedHashSet<>();
        scifact.corpus().keySet().stream().limit(CORPUS_PREFIX).forEach(ids::add);
        scifact.queries().entrySet().stream().limit(QUERIES).forEach(q -> {
            queries.put(q.getKey(), q.getValue());
            ids.addAll(relevant(q.getKey()));
        });
        List<Document> docs = new ArrayList<>();
        for (String id : ids) {
            BeirDataset.CorpusDoc d = scifact.corpus().get(id);
            docs.add(Document.of(id, d.passage(), metadata(id)));
        }
        List<Long> progress = new ArrayList<>(); // calls are serialised: a plain list will do
        assertThat(search.add(docs, (done, total) -> progress.add(done))).isEqualTo(docs.size());
        assertThat(progress).isNotEmpty().isSorted().doesNotHaveDuplicates().last().isEqualTo((long) docs.size());
        search.commit();
        assertThat(search.stats().documents()).isEqualTo(docs.size());
    }

    /** Deterministic metadata to filter on: a year 2015..2019 and a parity bucket. */
    private static Map<String, Object> metadata(String id) {
        int h = Math.floorMod(id.hashCode(), 1000);
        return Map.of("year", 2015 + h % 5, "bucket", h % 2 == 0 ? "even" : "odd", "lang", "en");
    }

    private Set<String> relevant(String queryId) {
        Set<String> rel = new LinkedHashSet<>();
        scifact.qrels().get(queryId).forEach((doc, grade) -> {
            if (grade > 0) {
                rel.add(doc);
            }
        });
        return rel;
    }

    @AfterAll
    void close() {
        if (search != null) {
            search.close();
        }
        if (reranker != null) {
            reranker.close();
        }
        if (encoder != null) {
            encoder.close();
        }
    }

    @Test
    void knownRelevantDocumentsComeBack() {
        int found = 0;
        for (Map.Entry<String, String> q : queries.entrySet()) {
            List<Hit> hits = search.query(q.getValue()).rerank(0).limit(10).execute();
            assertThat(hits).hasSize(10);
            assertThat(hits).extracting(Hit::recallRank).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
            assertThat(hits).allSatisfy(h -> assertThat(h.reranked()).isFalse());
            assertThat(hits).isSortedAccordingTo(Comparator.comparing(Hit::recallScore).reversed());
            Set<String> rel = relevant(q.getKey());
            if (hits.stream().anyMatch(h -> rel.contains(h.id()))) {
                found++;
            }
        }
        // all-MiniLM-L6-v2 has nDCG@10 ~0.65 on SciFact; among ~500 documents nearly every query finds one.
        assertThat(found).as("queries with a relevant document in the top 10").isGreaterThanOrEqualTo(QUERIES - 1);
    }

    @Test
    void hitsCarryTextAndMetadata() {
        String queryId = queries.keySet().iterator().next();
        Hit top = search.query(queries.get(queryId)).rerank(0).limit(1).execute().get(0);
        Document stored = search.get(top.id()).orElseThrow();
        assertThat(top.text()).isEqualTo(stored.text()).isEqualTo(scifact.corpus().get(top.id()).passage());
        assertThat(top.metadata()).isEqualTo(stored.metadata()).containsEntry("lang", "en");
    }

    @Test
    void filtersHold() {
        String text = queries.values().iterator().next();
        List<Hit> hits = search.query(text).rerank(0)
                .filter(Filter.and(Filter.gte("year", 2017), Filter.eq("bucket", "odd"))).limit(15).execute();
        assertThat(hits).hasSize(15).allSatisfy(h -> {
            assertThat(((Number) h.metadata().get("year")).longValue()).isGreaterThanOrEqualTo(2017);
            assertThat(h.metadata()).containsEntry("bucket", "odd");
        });
        List<Hit> none = search.query(text).filter(Filter.eq("lang", "zh")).execute();
        assertThat(none).isEmpty();
    }

    /** Short: the tiny reranker sees at most 60 tokens (characters, nearly) per pair. */
    private static final String SHORT_QUERY = "gene therapy";

    @Test
    void rerankOrdersByTheRerankersScores() {
        String text = SHORT_QUERY;
        SearchResult result = search.query(text).recall(40).rerank(20).limit(30).run();
        List<Hit> hits = result.hits();
        assertThat(result.recalled()).isEqualTo(40);
        assertThat(result.reranked()).isEqualTo(20);
        assertThat(result.timings().rerankNanos()).isPositive();

        List<Hit> recalled = search.query(text).recall(40).rerank(0).limit(40).execute();
        List<String> top20 = recalled.subList(0, 20).stream().map(Hit::text).toList();
        float[] expected = reranker.score(text, top20);

        List<Hit> reranked = hits.subList(0, 20);
        assertThat(reranked).allSatisfy(h -> assertThat(h.reranked()).isTrue());
        assertThat(reranked).extracting(Hit::rerankRank).containsExactlyElementsOf(range(1, 20));
        assertThat(reranked).isSortedAccordingTo(Comparator.comparing(Hit::rerankScore).reversed());
        for (Hit h : reranked) {
            int i = h.recallRank() - 1;
            assertThat(recalled.get(i).id()).isEqualTo(h.id());
            assertThat(h.rerankScore()).isCloseTo(expected[i], org.assertj.core.data.Offset.offset(1e-4f));
        }
        assertThat(reranked).extracting(Hit::id).as("the reranker reorders")
                .isNotEqualTo(recalled.subList(0, 20).stream().map(Hit::id).toList());
        // Past the rerank depth, recall order continues.
        assertThat(hits.subList(20, 30)).extracting(Hit::recallRank).containsExactlyElementsOf(range(21, 30));
        assertThat(hits.subList(20, 30)).allSatisfy(h -> assertThat(h.reranked()).isFalse());
    }

    @Test
    void rerankIsTheDefaultWhenConfigured() {
        SearchResult r = search.query(SHORT_QUERY).run();
        assertThat(r.hits()).hasSize(10);
        assertThat(r.recalled()).isEqualTo(100);
        assertThat(r.reranked()).isEqualTo(100);
        assertThat(r.hits()).allSatisfy(h -> assertThat(h.reranked()).isTrue());
    }

    @Test
    void batchQueriesMatchSingleQueries() {
        List<String> texts = List.copyOf(queries.values()).subList(0, 3);
        List<SearchResult> batch = search.queries(texts).rerank(0).limit(5).run();
        assertThat(batch).hasSize(3);
        for (int i = 0; i < 3; i++) {
            assertThat(batch.get(i).query()).isEqualTo(texts.get(i));
            assertThat(batch.get(i).hits()).extracting(Hit::id)
                    .isEqualTo(search.query(texts.get(i)).rerank(0).limit(5).execute().stream().map(Hit::id).toList());
        }
    }

    @Test
    void vectors() {
        String text = queries.values().iterator().next();
        float[] q = search.queryVector(text);
        assertThat(q).hasSize(encoder.dimension());
        Hit top = search.query(text).rerank(0).limit(1).execute().get(0);
        float[] d = search.documentVector(top.id()).orElseThrow();
        float dot = 0;
        for (int i = 0; i < q.length; i++) {
            dot += q[i] * d[i];
        }
        assertThat(dot).isCloseTo(top.recallScore(), org.assertj.core.data.Offset.offset(1e-3f));
        assertThat(search.passageVector(top.text())).containsExactly(d, org.assertj.core.data.Offset.offset(1e-4f));
        assertThat(search.documentVector("no-such-id")).isEmpty();
    }

    @Test
    void aRerankDeeperThanTheRecallIsRefused() {
        String text = "protein folding";
        assertThatThrownBy(() -> search.query(text).recall(50).rerank(60).execute())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rerank depth 60 is above the recall depth 50");
        // the checks that need no reranker and no SciFact run on every build in NeuralSearchEngineTest
    }

    private static List<Integer> range(int from, int to) {
        List<Integer> r = new ArrayList<>();
        for (int i = from; i <= to; i++) {
            r.add(i);
        }
        return r;
    }
}
