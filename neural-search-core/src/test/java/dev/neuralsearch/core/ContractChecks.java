package dev.neuralsearch.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The checks {@link VectorIndexContract} repeats: an index against the test's own model of it. */
final class ContractChecks {
    private ContractChecks() {
    }

    /** Every expected document by id (text, metadata, exact vector) and nothing else, through every read. */
    static void assertMatchesCorpus(VectorIndex index, ContractCorpus corpus) {
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

    /** Hits are distinct, match the filter, carry their true score, best first, and there are as many as asked. */
    static void checkHits(ContractCorpus corpus, List<ScoredDocument> hits, float[] q, Filter filter, int expectedCount, String where) {
        assertThat(hits).as("%s: number of hits", where).hasSize(expectedCount);
        Set<String> seen = new HashSet<>();
        float previous = Float.POSITIVE_INFINITY;
        for (ScoredDocument sd : hits) {
            String id = sd.document().id();
            assertThat(seen.add(id)).as("%s: %s returned twice", where, id).isTrue();
            assertThat(sd.document()).as("%s: hit %s", where, id).isEqualTo(corpus.documents().get(id));
            assertThat(filter.matches(sd.document().metadata())).as("%s: %s does not match", where, id).isTrue();
            float truth = ContractCorpus.score(VectorIndexContract.SCHEMA.similarity(), q, corpus.vectors().get(id));
            assertThat(sd.score()).as("%s: score of %s", where, id).isCloseTo(truth, within(1e-4f));
            assertThat(sd.score()).as("%s: order", where).isLessThanOrEqualTo(previous);
            previous = sd.score();
        }
    }

    /** Fraction of the true top-k that {@code hits} found; ties at the k-th score count as found. */
    static double overlap(List<ScoredDocument> hits, List<Map.Entry<String, Float>> truth) {
        float kth = truth.get(truth.size() - 1).getValue();
        int found = 0;
        for (ScoredDocument sd : hits) {
            if (sd.score() >= kth - 1e-6f) {
                found++;
            }
        }
        return Math.min(found, truth.size()) / (double) truth.size();
    }
}
