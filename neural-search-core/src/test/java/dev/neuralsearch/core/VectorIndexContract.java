package dev.neuralsearch.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What every {@link VectorIndex} promises (its javadoc's bullet list), as one suite each implementation runs,
 * in the manner of Lucene's {@code BaseKnnVectorsFormatTestCase}: upsert, delete, commit and reopen, filters
 * applied inside the search, approximate recall against a brute force computed here, and bad input leaving
 * the index unchanged.
 *
 * <p>Randomized: each test draws its documents, vectors and queries from one seed, printed in every failure
 * message. {@code -Dcontract.seed=N} replays a failure.
 *
 * <p>A subclass supplies a fresh index and says how good its approximate search must be; a persistent one
 * also reopens a closed index. Indexes made through {@link #open} are closed after each test.
 */
@ExtendWith(ContractSeed.class)
public abstract class VectorIndexContract {

    /** The schema every test uses (unit vectors, inner product: what the packaged encoders produce). */
    protected static final int DIMENSION = 32;
    protected static final IndexSchema SCHEMA = new IndexSchema("contract-test", DIMENSION, Similarity.DOT_PRODUCT);

    private long seed;
    private ContractCorpus corpus;
    private final List<VectorIndex> opened = new ArrayList<>();

    /** The seed of the running test (its data and queries all come from it). */
    final long seed() {
        return seed;
    }

    /** A new, empty index for {@code schema}; each call a different one. */
    protected abstract VectorIndex newIndex(IndexSchema schema);

    /** The least mean top-k overlap of {@link VectorIndex#search} with the exact answer (1 for an exact index). */
    protected abstract double minRecall();

    /** Whether committed changes survive {@link VectorIndex#close()}; if so, {@link #reopen} must work. */
    protected boolean persistent() {
        return false;
    }

    /** Opens again the index that {@code closed} was (it has been closed). */
    protected VectorIndex reopen(VectorIndex closed) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " is not persistent");
    }

    /**
     * Whether the index applies {@code filter}. One that cannot (Cassandra's SAI has no OR or NOT) must refuse it
     * with {@link IllegalArgumentException}, which the suite then checks instead of the hits.
     */
    protected boolean supportsFilter(Filter filter) {
        return true;
    }

    /** Documents in the recall and filter tests: enough that an approximate index uses its approximate paths. */
    protected int recallDocuments() {
        return 2_000;
    }

    @BeforeEach
    final void drawSeed() {
        String given = System.getProperty("contract.seed");
        seed = given == null || given.isBlank() ? new Random().nextLong() : Long.parseLong(given.trim());
        corpus = new ContractCorpus(new Random(seed), DIMENSION);
    }

    @AfterEach
    final void closeIndexes() {
        for (VectorIndex index : opened) {
            index.close();
        }
        opened.clear();
    }

    /** A new index, closed after the test. */
    protected final VectorIndex open(IndexSchema schema) {
        return track(newIndex(schema));
    }

    private VectorIndex track(VectorIndex index) {
        opened.add(index);
        return index;
    }

    private VectorIndex reopenTracked(VectorIndex index) {
        index.close();
        return track(reopen(index));
    }

    private List<Document> addNew(VectorIndex index, int n) {
        List<Document> docs = corpus.newDocuments(n);
        List<float[]> vs = corpus.vectorsFor(docs);
        index.add(docs, vs);
        corpus.added(docs, vs);
        return docs;
    }

    // ------------------------------------------------------------------------------------------ upsert, delete

    @Test
    void addingAnExistingIdReplacesTheDocumentEverywhere() {
        VectorIndex index = open(SCHEMA);
        addNew(index, 20);
        String id = corpus.ids().get(3);
        replaceAndCheck(index, id, "art");
        index.commit();
        replaceAndCheck(index, id, "news"); // replaces a committed copy now
        replaceAndCheck(index, id, "sport"); // and an uncommitted one
        index.commit();
        if (persistent()) {
            index = reopenTracked(index);
            ContractChecks.assertMatchesCorpus(index, corpus);
        }
    }

    private void replaceAndCheck(VectorIndex index, String id, String category) {
        float[] before = corpus.vectors().get(id);
        Document newer = Document.of(id, "replaced as " + category, Map.of("cat", category));
        float[] newVector = corpus.vector();
        index.add(List.of(newer), List.of(newVector));
        corpus.added(List.of(newer), List.of(newVector));
        assertThat(index.get(id)).contains(newer);
        assertThat(index.vector(id)).hasValueSatisfying(v -> assertThat(v).containsExactly(newVector));
        assertThat(index.stats().documents()).isEqualTo(corpus.documents().size());
        List<ScoredDocument> nearOld = index.exactSearch(before, corpus.documents().size(), Filter.ALL);
        assertThat(nearOld).filteredOn(sd -> sd.document().id().equals(id)).singleElement()
                .satisfies(sd -> assertThat(sd.document()).isEqualTo(newer));
        assertThat(index.search(newVector, 1, Filter.ALL).get(0).document()).isEqualTo(newer);
        assertThat(index.searchIds(newVector, 1, Filter.ALL, SearchOptions.DEFAULT).get(0).id()).isEqualTo(id);
        Filter others = Filter.not(Filter.eq("cat", category));
        if (supportsFilter(others)) {
            assertThat(index.search(newVector, 5, others)).noneMatch(sd -> sd.document().id().equals(id));
        }
        ContractChecks.assertMatchesCorpus(index, corpus);
    }

    @Test
    void deletedDocumentsAreGoneFromEveryRoute() {
        VectorIndex index = open(SCHEMA);
        addNew(index, 60);
        index.commit();
        addNew(index, 20);
        List<String> ids = corpus.ids();
        List<String> victims = List.of(ids.get(0), ids.get(10), ids.get(59), ids.get(60), ids.get(79));
        List<String> asked = new ArrayList<>(victims);
        asked.add("never-added");
        List<float[]> victimVectors = victims.stream().map(id -> corpus.vectors().get(id)).toList();
        assertThat(index.delete(asked)).isEqualTo(victims.size());
        corpus.deleted(victims);
        for (float[] v : victimVectors) {
            assertThat(index.searchIds(v, 5, Filter.ALL, SearchOptions.DEFAULT))
                    .noneMatch(h -> victims.contains(h.id()));
        }
        assertThat(index.delete(victims)).isZero();
        for (String id : victims) {
            assertThat(index.get(id)).isEmpty();
            assertThat(index.vector(id)).isEmpty();
        }
        if (index.supportsLexical()) {
            assertThat(index.lexicalSearch("text", 100, Filter.ALL))
                    .noneMatch(sd -> victims.contains(sd.document().id()));
        }
        ContractChecks.assertMatchesCorpus(index, corpus);
        Document back = Document.of(victims.get(1), "back again", Map.of("cat", "art"));
        float[] v = corpus.vector();
        index.add(List.of(back), List.of(v));
        corpus.added(List.of(back), List.of(v));
        assertThat(index.get(back.id())).contains(back);
        index.commit();
        ContractChecks.assertMatchesCorpus(index, corpus);
    }

    // ------------------------------------------------------------------------------------------ commit, reopen

    @Test
    void reopenSeesExactlyTheLastCommit() {
        assumeTrue(persistent(), "not persistent: nothing to reopen");
        VectorIndex index = open(SCHEMA);
        addNew(index, 300);
        index.commit();
        ContractCorpus committed = corpus.copy();
        addNew(index, 40); // none of this is committed
        List<String> ids = corpus.ids();
        List<Document> replaced = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            replaced.add(Document.of(ids.get(i), "uncommitted replacement", Map.of()));
        }
        index.add(replaced, corpus.vectorsFor(replaced));
        index.delete(ids.subList(100, 110));
        corpus = committed;
        index = reopenTracked(index);
        ContractChecks.assertMatchesCorpus(index, corpus);
        assertThat(index.stats().uncommitted()).isZero();
        addNew(index, 25); // and it goes on from there
        index.delete(corpus.ids().subList(0, 5));
        corpus.deleted(corpus.ids().subList(0, 5));
        index.commit();
        index = reopenTracked(index);
        ContractChecks.assertMatchesCorpus(index, corpus);
    }

    // ------------------------------------------------------------------------------------------ search

    @Test
    void exactSearchIsTheBruteForceAndFiltersApplyInsideTheSearch() {
        VectorIndex index = open(SCHEMA);
        int n = recallDocuments();
        addNew(index, n * 4 / 5);
        index.commit();
        addNew(index, n / 5); // searched beside the committed part
        List<String> ids = corpus.ids();
        List<String> gone = List.of(ids.get(1), ids.get(n / 2), ids.get(n - 3));
        index.delete(gone);
        corpus.deleted(gone);
        int k = 10;
        double overlapSum = 0;
        int searches = 0;
        List<String> worst = new ArrayList<>();
        for (Filter filter : corpus.filters()) {
            if (!supportsFilter(filter)) {
                float[] q = corpus.vector();
                assertThatThrownBy(() -> index.search(q, k, filter)).as("unsupported %s", filter)
                        .isInstanceOf(IllegalArgumentException.class);
                continue;
            }
            int matching = corpus.matching(filter);
            for (int qi = 0; qi < 5; qi++) {
                float[] q = corpus.vector();
                List<Map.Entry<String, Float>> truth = corpus.bruteForce(q, k, filter, SCHEMA.similarity());
                String where = "filter " + filter + " (" + matching + " match), query " + qi;
                List<ScoredDocument> exact = index.exactSearch(q, k, filter);
                ContractChecks.checkHits(corpus, exact, q, filter, Math.min(k, matching), where + ", exactSearch");
                float kth = truth.isEmpty() ? Float.NEGATIVE_INFINITY : truth.get(truth.size() - 1).getValue();
                for (ScoredDocument sd : exact) {
                    assertThat(sd.score()).as("%s: exact hit %s below the true k-th score", where,
                            sd.document().id()).isGreaterThanOrEqualTo(kth - 1e-5f);
                }
                List<ScoredDocument> approx = index.search(q, k, filter);
                ContractChecks.checkHits(corpus, approx, q, filter, Math.min(k, matching), where + ", search");
                // the same search without the documents: the same hits in the same order
                assertThat(index.searchIds(q, k, filter, SearchOptions.DEFAULT)).as("%s, searchIds", where)
                        .containsExactlyElementsOf(approx.stream()
                                .map(sd -> new ScoredId(sd.document().id(), sd.score())).toList());
                if (!truth.isEmpty()) {
                    double overlap = ContractChecks.overlap(approx, truth);
                    overlapSum += overlap;
                    searches++;
                    if (overlap < 1) {
                        worst.add(where + ": " + overlap);
                    }
                }
            }
        }
        assertThat(overlapSum / searches).as("mean recall@%d over %d filtered searches (below 1: %s)", k, searches,
                worst).isGreaterThanOrEqualTo(minRecall());
    }

    @Test
    void everySimilarityScoresAsDocumented() {
        for (Similarity similarity : Similarity.values()) {
            VectorIndex index = open(new IndexSchema("contract-" + similarity, DIMENSION, similarity));
            List<Document> docs = corpus.newDocuments(50);
            List<float[]> vs = new ArrayList<>();
            Map<String, float[]> byId = new LinkedHashMap<>();
            for (Document d : docs) {
                float[] v = corpus.vector();
                float scale = 0.5f + corpus.random().nextFloat() * 2; // not unit length
                for (int j = 0; j < v.length; j++) {
                    v[j] *= scale;
                }
                vs.add(v);
                byId.put(d.id(), v);
            }
            index.add(docs, vs);
            float[] q = corpus.vector();
            List<ScoredDocument> hits = index.exactSearch(q, 50, Filter.ALL);
            assertThat(hits).hasSize(50);
            float previous = Float.POSITIVE_INFINITY;
            for (ScoredDocument sd : hits) {
                float truth = ContractCorpus.score(similarity, q, byId.get(sd.document().id()));
                assertThat(sd.score()).as("%s score of %s", similarity, sd.document().id())
                        .isCloseTo(truth, within(1e-4f * Math.max(1, Math.abs(truth))));
                assertThat(sd.score()).isLessThanOrEqualTo(previous);
                previous = sd.score();
            }
        }
    }

    @Test
    void lexicalRouteSeesUncommittedChangesAndFilters() {
        VectorIndex index = open(SCHEMA);
        assumeTrue(index.supportsLexical(), "no lexical route");
        addNew(index, 30);
        index.commit();
        Document a = Document.of("lex-a", "the zebra crossing near the old mill", Map.of("cat", "art"));
        Document b = Document.of("lex-b", "a zebra and a giraffe", Map.of("cat", "news"));
        index.add(List.of(a, b), List.of(corpus.vector(), corpus.vector()));
        assertThat(index.lexicalSearch("zebra", 10, Filter.ALL)).extracting(sd -> sd.document().id())
                .containsExactlyInAnyOrder("lex-a", "lex-b");
        assertThat(index.lexicalSearch("zebra mill", 10, Filter.ALL).get(0).document()).isEqualTo(a);
        assertThat(index.lexicalSearch("zebra", 10, Filter.eq("cat", "news"))).extracting(sd -> sd.document())
                .containsExactly(b);
        index.delete(List.of("lex-b"));
        assertThat(index.lexicalSearch("giraffe", 10, Filter.ALL)).isEmpty();
        assertThat(index.lexicalSearch("zebra", 0, Filter.ALL)).isEmpty();
        assertThatThrownBy(() -> index.lexicalSearch("zebra", -1, Filter.ALL))
                .isInstanceOf(IllegalArgumentException.class);
    }

    // ------------------------------------------------------------------------------------------ threads

    /**
     * Searches on several threads while one writer replaces, adds, deletes and commits: no reader fails, a
     * document that is only ever replaced is always found by id, and no search returns an id twice or fewer
     * hits than the documents that are sure to be there.
     */
    @Test
    void searchesRunConcurrentlyWithOneWriter() throws Exception {
        VectorIndex index = open(SCHEMA);
        addNew(index, 200);
        index.commit();
        List<String> stable = corpus.ids(); // replaced over and over, never deleted
        List<float[]> queries = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            queries.add(corpus.vector()); // drawn here: the writer alone uses the corpus's generator
        }
        int readers = 2;
        AtomicBoolean done = new AtomicBoolean();
        AtomicInteger checked = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(readers);
        List<Future<Integer>> results = new ArrayList<>();
        for (int r = 0; r < readers; r++) {
            Random rnd = new Random(seed + r);
            results.add(pool.submit(() -> {
                int checks = 0;
                while (!done.get() || checks == 0) {
                    float[] q = queries.get(rnd.nextInt(queries.size()));
                    List<ScoredDocument> hits = rnd.nextBoolean() ? index.search(q, 20, Filter.ALL)
                            : index.exactSearch(q, 20, Filter.ALL);
                    Set<String> ids = new HashSet<>();
                    for (ScoredDocument sd : hits) {
                        assertThat(ids.add(sd.document().id())).as("%s returned twice", sd.document().id()).isTrue();
                    }
                    assertThat(hits).as("hits while at least %d documents are live", stable.size()).hasSize(20);
                    String id = stable.get(rnd.nextInt(stable.size()));
                    assertThat(index.get(id)).as("get(%s) during its replacement", id).isPresent();
                    assertThat(index.vector(id)).as("vector(%s) during its replacement", id).isPresent();
                    checks++;
                    checked.incrementAndGet();
                }
                return checks;
            }));
        }
        List<String> extra = new ArrayList<>();
        try {
            Random rnd = new Random(seed);
            long deadline = System.nanoTime() + 10_000_000_000L;
            // at least 40 writes, and on until the readers have checked 300 times (or 10 s have passed)
            for (int round = 0; round < 40 || (checked.get() < 300 && System.nanoTime() < deadline); round++) {
                List<Document> docs = new ArrayList<>();
                for (int i = 0; i < 10; i++) {
                    String id = stable.get(rnd.nextInt(stable.size()));
                    if (docs.stream().noneMatch(d -> d.id().equals(id))) {
                        docs.add(Document.of(id, "round " + round, Map.of("round", round)));
                    }
                }
                index.add(docs, corpus.vectorsFor(docs));
                List<Document> fresh = corpus.newDocuments(5);
                index.add(fresh, corpus.vectorsFor(fresh));
                fresh.forEach(d -> extra.add(d.id()));
                index.delete(extra.subList(0, Math.min(3, extra.size())));
                extra.subList(0, Math.min(3, extra.size())).clear();
                if (round % 10 == 9) {
                    index.commit();
                }
            }
        } finally {
            done.set(true);
            pool.shutdown();
        }
        for (Future<Integer> f : results) {
            try {
                assertThat(f.get(60, TimeUnit.SECONDS)).isPositive();
            } catch (ExecutionException e) {
                throw new AssertionError("a reader failed: " + e.getCause(), e.getCause());
            }
        }
        assertThat(checked.get()).as("reader checks").isGreaterThanOrEqualTo(readers);
        assertThat(index.stats().documents()).isEqualTo(stable.size() + extra.size());
    }

    // ------------------------------------------------------------------------------------------ bad input

    @Test
    void badInputIsRejectedAndLeavesTheIndexUnchanged() {
        VectorIndex index = open(SCHEMA);
        addNew(index, 100);
        index.commit();
        addNew(index, 10);
        String existing = corpus.ids().get(5);
        Map<String, Runnable> bad = new LinkedHashMap<>();
        bad.put("wrong dimension", () -> index.add(batch(existing), vectors(2, new float[DIMENSION + 1])));
        bad.put("NaN component", () -> index.add(batch(existing), vectors(1, withValue(Float.NaN))));
        bad.put("infinite component", () -> index.add(batch(existing), vectors(0, withValue(Float.NEGATIVE_INFINITY))));
        bad.put("null vector", () -> index.add(batch(existing), vectors(2, null)));
        bad.put("null document", () -> {
            List<Document> docs = new ArrayList<>(batch(existing));
            docs.set(1, null);
            index.add(docs, vectors(-1, null));
        });
        bad.put("more vectors than documents", () -> index.add(batch(existing).subList(0, 2), vectors(-1, null)));
        bad.put("duplicate ids in one call", () -> {
            List<Document> docs = new ArrayList<>(batch(existing));
            docs.set(2, Document.of(existing, "again", Map.of()));
            index.add(docs, vectors(-1, null));
        });
        bad.put("null id in delete", () -> index.delete(Arrays.asList(existing, null)));
        bad.put("query of wrong dimension", () -> index.search(new float[DIMENSION - 1], 5, Filter.ALL));
        bad.put("NaN query", () -> index.search(withValue(Float.NaN), 5, Filter.ALL));
        bad.put("negative k", () -> index.search(corpus.vector(), -1, Filter.ALL));
        bad.put("exact: wrong dimension", () -> index.exactSearch(new float[DIMENSION + 3], 5, Filter.ALL));
        bad.put("exact: null query", () -> index.exactSearch(null, 5, Filter.ALL));
        bad.put("exact: negative k", () -> index.exactSearch(corpus.vector(), -2, Filter.ALL));
        for (Map.Entry<String, Runnable> e : bad.entrySet()) {
            assertThatThrownBy(e.getValue()::run).as(e.getKey()).isInstanceOf(IllegalArgumentException.class);
            ContractChecks.assertMatchesCorpus(index, corpus);
        }
        addNew(index, 3); // still usable
        index.commit();
        ContractChecks.assertMatchesCorpus(index, corpus);
    }

    /** Three new documents and a replacement of {@code existing}: valid on their own. */
    private List<Document> batch(String existing) {
        List<Document> docs = new ArrayList<>(corpus.newDocuments(3));
        docs.add(Document.of(existing, "would replace", Map.of()));
        return docs;
    }

    /** Four valid vectors, the one at {@code position} replaced by {@code bad} (-1: none replaced). */
    private List<float[]> vectors(int position, float[] bad) {
        List<float[]> vs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            vs.add(i == position ? bad : corpus.vector());
        }
        return vs;
    }

    private float[] withValue(float value) {
        float[] v = corpus.vector();
        v[DIMENSION / 2] = value;
        return v;
    }

    @Test
    void aClosedIndexRefusesOperations() {
        VectorIndex index = newIndex(SCHEMA);
        addNew(index, 5);
        index.close();
        index.close(); // idempotent
        float[] q = corpus.vector();
        assertThatThrownBy(() -> index.search(q, 3, Filter.ALL)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> index.exactSearch(q, 3, Filter.ALL)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> index.add(corpus.newDocuments(1), List.of(q)))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> index.delete(List.of("doc-0"))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(index::commit).isInstanceOf(IllegalStateException.class);
    }

}
