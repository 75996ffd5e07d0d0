package dev.neuralsearch.ann;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neuralsearch.core.Document;
import dev.neuralsearch.core.Filter;
import dev.neuralsearch.core.Hit;
import dev.neuralsearch.core.IndexSchema;
import dev.neuralsearch.core.NeuralSearch;
import dev.neuralsearch.core.ProgressListener;
import dev.neuralsearch.core.ScoredDocument;
import dev.neuralsearch.core.Similarity;
import dev.neuralsearch.core.TextEncoder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every filter kind gives the same documents on the vector route (approximate and exact), the lexical route and a
 * hybrid query, over committed and buffered documents, including the cases the Lucene fields cannot answer alone:
 * substrings, text ranges (whose order is String.compareTo's, not UTF-8's), strings too long to index, longs a
 * double cannot tell apart, and -0.0 against 0.0, each also under a negation.
 */
class FilterParityTest {
    static final int DIM = 16;
    static final IndexSchema SCHEMA = new IndexSchema("parity-model", DIM, Similarity.DOT_PRODUCT);
    static final String LONG_TITLE = "x".repeat(40_000) + " needle";
    static final long BIG = 1L << 53;

    @TempDir
    Path home;

    /** Deterministic unit vectors from the text (the encoder is not what is tested here). */
    static final class HashEncoder implements TextEncoder {
        @Override
        public String modelId() {
            return SCHEMA.modelId();
        }

        @Override
        public int dimension() {
            return DIM;
        }

        @Override
        public Similarity similarity() {
            return SCHEMA.similarity();
        }

        @Override
        public float[] encodeQuery(String query) {
            Random r = new Random(query.hashCode());
            float[] v = new float[DIM];
            for (int i = 0; i < DIM; i++) {
                v[i] = (float) r.nextGaussian();
            }
            return TestVectors.normalize(v);
        }

        @Override
        public List<float[]> encodeQueries(List<String> queries) {
            return queries.stream().map(this::encodeQuery).toList();
        }

        @Override
        public List<float[]> encodePassages(List<String> passages, ProgressListener progress) {
            return encodeQueries(passages);
        }

        @Override
        public void close() {
        }
    }

    static Document doc(int i, String version) {
        Map<String, Object> m = new HashMap<>();
        m.put("lang", List.of("en", "fr", "de").get(i % 3));
        m.put("n", i == 11 ? BIG + 1 : i == 12 ? BIG : (long) i);
        m.put("score", i == 13 ? -0.0 : i == 14 ? 0.0 : i * 0.5 - 10);
        m.put("flag", i % 4 == 0);
        if (i % 7 != 0) { // some documents lack the field
            m.put("title", switch (i) {
                case 8 -> "\uD83D\uDE00 smile"; // a supplementary character: above U+FFFD in UTF-8, below it in UTF-16
                case 9 -> "\uFFFD replacement";
                case 10 -> LONG_TITLE; // too long for a Lucene term
                case 15 -> "Zeta-15";
                default -> "alpha-" + i;
            });
        }
        return Document.of("d" + i, "common words " + version + " number" + i, m);
    }

    static List<Filter> filters() {
        List<Filter> base = List.of(
                Filter.eq("lang", "en"), Filter.eq("n", 5), Filter.eq("n", 5.0), Filter.eq("n", BIG),
                Filter.in("n", 1, 2, BIG + 1), Filter.eq("flag", true), Filter.in("lang", "en", "de"),
                Filter.eq("score", 0.0), Filter.eq("score", -0.0), Filter.gte("score", 0), Filter.gt("score", 0),
                Filter.lte("score", -0.0), Filter.lt("score", 0), Filter.between("score", -2, 3.5),
                Filter.eq("title", LONG_TITLE), Filter.eq("title", "alpha-3"), Filter.eq("missing", "x"),
                Filter.gt("title", "alpha-5"), Filter.gte("title", "alpha-50"), Filter.lt("title", "alpha-2"),
                Filter.lte("title", "\uFFFD"), Filter.gt("title", "\uE000"), Filter.lt("title", "a"),
                Filter.contains("title", "-1"), Filter.contains("title", "needle"),
                Filter.contains("title", "\uD83D\uDE00"), Filter.contains("lang", "e"), Filter.contains("n", "1"),
                Filter.and(Filter.contains("title", "-2"), Filter.eq("lang", "fr")),
                Filter.or(Filter.gt("title", "alpha-8"), Filter.eq("flag", true)),
                Filter.and(Filter.contains("title", "alpha"), Filter.not(Filter.or(Filter.eq("lang", "fr"),
                        Filter.lt("title", "alpha-3")))));
        List<Filter> all = new ArrayList<>(base);
        for (Filter f : base) {
            all.add(Filter.not(f));
        }
        all.add(Filter.ALL);
        return all;
    }

    @Test
    void everyFilterGivesTheSameDocumentsOnEveryRoute() {
        HashEncoder enc = new HashEncoder();
        Map<String, Document> live = new HashMap<>();
        try (JVectorIndex index = JVectorIndex.open(home, SCHEMA)) {
            List<Document> first = new ArrayList<>();
            List<Document> second = new ArrayList<>();
            for (int i = 0; i < 120; i++) {
                (i < 60 ? first : second).add(doc(i, "v1"));
            }
            index.add(first, enc.encodePassages(first.stream().map(Document::text).toList()));
            index.commit();
            index.add(second, enc.encodePassages(second.stream().map(Document::text).toList())); // buffered
            List<Document> updated = List.of(doc(3, "v2"), doc(70, "v2"));
            index.add(updated, enc.encodePassages(updated.stream().map(Document::text).toList()));
            index.delete(List.of("d0", "d61"));
            for (Document d : first) {
                live.put(d.id(), d);
            }
            for (Document d : second) {
                live.put(d.id(), d);
            }
            for (Document d : updated) {
                live.put(d.id(), d);
            }
            live.remove("d0");
            live.remove("d61");

            NeuralSearch ns = NeuralSearch.builder().encoder(enc).index(index).closeComponents(false).build();
            int all = live.size();
            float[] q = enc.encodeQuery("common");
            for (Filter f : filters()) {
                Set<String> expected = live.values().stream().filter(d -> f.matches(d.metadata()))
                        .map(Document::id).collect(Collectors.toCollection(TreeSet::new));
                assertThat(ids(index.exactSearch(q, all, f))).as("exact vector route, %s", f).isEqualTo(expected);
                assertThat(ids(index.search(q, all, f))).as("vector route, %s", f).isEqualTo(expected);
                assertThat(ids(index.lexicalSearch("common", all, f))).as("lexical route, %s", f)
                        .isEqualTo(expected);
                List<ScoredDocument> top3 = index.lexicalSearch("common", 3, f);
                assertThat(top3).as("lexical k=3, %s", f).hasSize(Math.min(3, expected.size()));
                assertThat(ids(top3)).as("lexical k=3, %s", f).isSubsetOf(expected);
                List<Hit> hybrid = ns.query("common").filter(f).dense(all).lexical(all).limit(all).execute();
                Set<String> hybridIds = hybrid.stream().map(Hit::id).collect(Collectors.toCollection(TreeSet::new));
                assertThat(hybridIds).as("hybrid, %s", f).isEqualTo(expected);
            }
            ns.close();
        }
    }

    private static Set<String> ids(List<ScoredDocument> hits) {
        Set<String> out = new TreeSet<>();
        for (ScoredDocument h : hits) {
            assertThat(out.add(h.document().id())).as("duplicate hit %s", h.document().id()).isTrue();
        }
        return out;
    }
}
