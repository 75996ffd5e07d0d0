package dev.neuralsearch.cassandra;

import dev.neuralsearch.core.Document;
import dev.neuralsearch.core.Filter;
import dev.neuralsearch.core.IndexSchema;
import dev.neuralsearch.core.ScoredDocument;
import dev.neuralsearch.core.Similarity;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The default build's Cassandra test: a real node, one table, the main operations once. */
@Tag("cassandra-smoke")
@ExtendWith(CassandraNodeExtension.class)
class CassandraSmokeTest {
    static final IndexSchema SCHEMA = new IndexSchema("test-model", 8, Similarity.DOT_PRODUCT);

    @Test
    void createUpsertFilteredSearchDeleteAndWrongModel(CassandraNode node) {
        CassandraIndexFactory factory = CassandraIndex.at(node.contactPoint(), "smoke").table("docs")
                .filterable("year", Number.class).filterable("lang", String.class);
        Random rnd = new Random(7);
        List<Document> docs = new ArrayList<>();
        List<float[]> vecs = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            docs.add(Document.of("d" + i, "text " + i, Map.of("year", 2000 + i % 20, "lang", i % 2 == 0 ? "en" : "de")));
            vecs.add(unit(rnd, 8));
        }
        try (CassandraIndex index = factory.open(SCHEMA)) {
            index.add(docs, vecs);
            assertThat(index.stats().documents()).isEqualTo(200);

            float[] q = vecs.get(52);
            Filter f = Filter.and(Filter.eq("lang", "en"), Filter.gte("year", 2010));
            List<ScoredDocument> hits = index.search(q, 10, f);
            List<ScoredDocument> exact = index.exactSearch(q, 10, f);
            assertThat(hits).hasSize(10).allSatisfy(h -> assertThat(f.matches(h.document().metadata())).isTrue());
            assertThat(hits.get(0).document().id()).isEqualTo("d52");
            assertThat(hits.get(0).score()).isCloseTo(1f, org.assertj.core.data.Offset.offset(1e-4f));
            assertThat(ids(hits)).isEqualTo(ids(exact));

            // upsert: new text and metadata replace the old row, the filter column included
            index.add(List.of(Document.of("d52", "replaced", Map.of("year", 1999, "lang", "en"))), List.of(q));
            assertThat(index.get("d52").orElseThrow().text()).isEqualTo("replaced");
            assertThat(ids(index.search(q, 10, f))).doesNotContain("d52");
            assertThat(index.vector("d52").orElseThrow()).containsExactly(q);

            assertThat(index.delete(List.of("d52", "d0", "missing"))).isEqualTo(2);
            assertThat(index.get("d52")).isEmpty();
            assertThat(ids(index.search(q, 5, Filter.ALL))).doesNotContain("d52");
            assertThatThrownBy(() -> index.search(q, 5, Filter.or(Filter.eq("lang", "en"), Filter.eq("lang", "de"))))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Or[");
        }
        IndexSchema other = new IndexSchema("other-model", 8, Similarity.DOT_PRODUCT);
        assertThatThrownBy(() -> factory.open(other)).isInstanceOf(IncompatibleIndexException.class)
                .hasMessageContaining("built for model 'test-model'").hasMessageContaining("'other-model'");
    }

    static float[] unit(Random rnd, int dim) {
        float[] v = new float[dim];
        double n = 0;
        for (int i = 0; i < dim; i++) {
            v[i] = (float) rnd.nextGaussian();
            n += v[i] * v[i];
        }
        for (int i = 0; i < dim; i++) {
            v[i] /= (float) Math.sqrt(n);
        }
        return v;
    }

    static List<String> ids(List<ScoredDocument> hits) {
        return hits.stream().map(h -> h.document().id()).toList();
    }
}
