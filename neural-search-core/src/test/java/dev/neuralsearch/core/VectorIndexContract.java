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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.opentest4j.TestAbortedException;

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
@ExtendWith(VectorIndexContract.SeedInFailures.class)
public abstract class VectorIndexContract {

    /** The schema every test uses (unit vectors, inner product: what the packaged encoders produce). */
    protected static final int DIMENSION = 32;
    protected static final IndexSchema SCHEMA = new IndexSchema("contract-test", DIMENSION, Similarity.DOT_PRODUCT);

    private long seed;
    private ContractCorpus corpus;
    private final List<VectorIndex> opened = new ArrayList<>();

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
            assertMatchesCorpus(index);
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
        Filter others = Filter.not(Filter.eq("cat", category));
        if (supportsFilter(others)) {
            assertThat(index.search(newVector, 5, others)).noneMatch(sd -> sd.document().id().equals(id));
        }
        assertMatchesCorpus(index);
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
        assertThat(index.delete(asked)).isEqualTo(victims.size());
        corpus.deleted(victims);
        assertThat(index.delete(victims)).isZero();
        for (String id : victims) {
            assertThat(index.get(id)).isEmpty();
            assertThat(index.vector(id)).isEmpty();
        }
        if (index.supportsLexical()) {
            assertThat(index.lexicalSearch("text", 100, Filter.ALL))
                    .noneMatch(sd -> victims.contains(sd.document().id()));
        }
        assertMatchesCorpus(index);
        Document back = Document.of(victims.get(1), "back again", Map.of("cat", "art"));
        float[] v = corpus.vector();
        index.add(List.of(back), List.of(v));
        corpus.added(List.of(back), List.of(v));
        assertThat(index.get(back.id())).contains(back);
        index.commit();
        assertMatchesCorpus(index);
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
        assertMatchesCorpus(index);
        assertThat(index.stats().uncommitted()).isZero();
        addNew(index, 25); // and it goes on from there
        index.delete(corpus.ids().subList(0, 5));
        corpus.deleted(corpus.ids().subList(0, 5));
        index.commit();
        index = reopenTracked(index);
        assertMatchesCorpus(index);
    }

    /** Every expected document by id (text, metadata, exact vector) and nothing else, through every read. */
    private void assertMatchesCorpus(VectorIndex index) {
        Map<String, Document> expected = corpus.documents();
        assertThat(index.stats().documents()).isEqualTo(expected.size());
        for (Map.Entry<String, Document> e : expected.entrySet()) {
            assertThat(index.get(e.getKey())).as("get(%s)", e.getKey()).contains(e.getValue());
            float[] v = corpus.vectors().get(e.getKey());
            assertThat(index.vector(e.getKey())).as("vector(%s)", e.getKey())
                    .hasValueSatisfying(actual -> assertThat(actual).containsExactly(v));
        }
        float[] q = corpus.vector();
        List<ScoredDocument> all = index.exactSearch(q, expected.size() + 10, Filter.ALL);
        Map<String, Document> found = new LinkedHashMap<>();
        for (ScoredDocument sd : all) {
            assertThat(found.put(sd.document().id(), sd.document())).as("id %s twice", sd.document().id()).isNull();
        }
        assertThat(found).isEqualTo(expected);
        assertThat(index.search(q, expected.size() + 10, Filter.ALL)).hasSize(expected.size());
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
                checkHits(exact, q, filter, Math.min(k, matching), where + ", exactSearch");
                float kth = truth.isEmpty() ? Float.NEGATIVE_INFINITY : truth.get(truth.size() - 1).getValue();
                for (ScoredDocument sd : exact) {
                    assertThat(sd.score()).as("%s: exact hit %s below the true k-th score", where,
                            sd.document().id()).isGreaterThanOrEqualTo(kth - 1e-5f);
                }
                List<ScoredDocument> approx = index.search(q, k, filter);
                checkHits(approx, q, filter, Math.min(k, matching), where + ", search");
                if (!truth.isEmpty()) {
                    double overlap = overlap(approx, truth);
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

    /** Hits are distinct, match the filter, carry their true score, best first, and there are as many as asked. */
    private void checkHits(List<ScoredDocument> hits, float[] q, Filter filter, int expectedCount, String where) {
        assertThat(hits).as("%s: number of hits", where).hasSize(expectedCount);
        Set<String> seen = new HashSet<>();
        float previous = Float.POSITIVE_INFINITY;
        for (ScoredDocument sd : hits) {
            String id = sd.document().id();
            assertThat(seen.add(id)).as("%s: %s returned twice", where, id).isTrue();
            assertThat(sd.document()).as("%s: hit %s", where, id).isEqualTo(corpus.documents().get(id));
            assertThat(filter.matches(sd.document().metadata())).as("%s: %s does not match", where, id).isTrue();
            float truth = ContractCorpus.score(SCHEMA.similarity(), q, corpus.vectors().get(id));
            assertThat(sd.score()).as("%s: score of %s", where, id).isCloseTo(truth, within(1e-4f));
            assertThat(sd.score()).as("%s: order", where).isLessThanOrEqualTo(previous);
            previous = sd.score();
        }
    }

    /** Fraction of the true top-k that {@code hits} found; ties at the k-th score count as found. */
    private static double overlap(List<ScoredDocument> hits, List<Map.Entry<String, Float>> truth) {
        float kth = truth.get(truth.size() - 1).getValue();
        int found = 0;
        for (ScoredDocument sd : hits) {
            if (sd.score() >= kth - 1e-6f) {
                found++;
            }
        }
        return Math.min(found, truth.size()) / (double) truth.size();
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
            assertMatchesCorpus(index);
        }
        addNew(index, 3); // still usable
        index.commit();
        assertMatchesCorpus(index);
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

    // ------------------------------------------------------------------------------------------ the seed

    /** Appends the seed and how to replay it to every failure of a contract test. */
    static final class SeedInFailures implements TestExecutionExceptionHandler, LifecycleMethodExecutionExceptionHandler {
        @Override
        public void handleTestExecutionException(ExtensionContext context, Throwable t) throws Throwable {
            throw withSeed(context, t);
        }

        @Override
        public void handleBeforeEachMethodExecutionException(ExtensionContext context, Throwable t) throws Throwable {
            throw withSeed(context, t);
        }

        @Override
        public void handleAfterEachMethodExecutionException(ExtensionContext context, Throwable t) throws Throwable {
            throw withSeed(context, t);
        }

        private static Throwable withSeed(ExtensionContext context, Throwable t) {
            if (t instanceof TestAbortedException
                    || !(context.getTestInstance().orElse(null) instanceof VectorIndexContract c)) {
                return t;
            }
            return new AssertionError(t + "\n[" + context.getRequiredTestClass().getSimpleName() + " seed " + c.seed
                    + ": replay with -Dcontract.seed=" + c.seed + "]", t);
        }
    }
}
