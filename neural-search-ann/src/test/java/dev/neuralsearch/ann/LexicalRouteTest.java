package dev.neuralsearch.ann;

import dev.neuralsearch.ann.commit.Manifest;
import dev.neuralsearch.ann.lexical.LexicalIndex;
import dev.neuralsearch.core.Document;
import dev.neuralsearch.core.Filter;
import dev.neuralsearch.core.IndexSchema;
import dev.neuralsearch.core.ScoredDocument;
import dev.neuralsearch.core.Similarity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.NoDeletionPolicy;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The lexical (BM25) route kept beside the vectors: membership, durability, rollback, filters, analyzers. */
class LexicalRouteTest {
    static final int DIM = 16;
    static final IndexSchema SCHEMA = new IndexSchema("test-model", DIM, Similarity.DOT_PRODUCT);

    @TempDir
    Path home;

    private static final String[] WORDS = {"apple", "banana", "cherry", "delta", "echo", "falcon", "garden",
        "harbor", "island", "jungle"};

    static List<Document> docs(String prefix, int from, int n, String version) {
        List<Document> out = new ArrayList<>();
        for (int i = from; i < from + n; i++) {
            String text = "common " + WORDS[i % WORDS.length] + " " + version + " unique" + prefix + i;
            out.add(Document.of(prefix + i, text, Map.of("group", (long) (i % 5), "lang", i % 2 == 0 ? "en" : "fr",
                    "flag", i % 3 == 0, "score", i * 0.5)));
        }
        return out;
    }

    static List<float[]> vectors(TestVectors tv, int n) {
        List<float[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(tv.next());
        }
        return out;
    }

    private static void assertSameMembership(JVectorIndex index) {
        assertThat(index.lexicalIds()).as("lexical route ids = vector route ids").isEqualTo(index.denseIds());
    }

    private static Set<String> ids(List<ScoredDocument> hits) {
        return hits.stream().map(h -> h.document().id()).collect(Collectors.toSet());
    }

    @Test
    void bothRoutesAgreeAfterAddUpdateDeleteCommitReopen() {
        TestVectors tv = new TestVectors(DIM, 3);
        try (JVectorIndex index = JVectorIndex.open(home, SCHEMA)) {
            index.add(docs("d", 0, 50, "first"), vectors(tv, 50));
            assertSameMembership(index);
            // uncommitted documents are visible to the lexical route at once
            assertThat(index.lexicalSearch("uniqued7", 5, Filter.ALL)).extracting(h -> h.document().id())
                    .containsExactly("d7");
            index.commit();
            index.add(docs("d", 0, 10, "second"), vectors(tv, 10)); // update d0..d9
            assertThat(index.delete(List.of("d20", "d21", "nope"))).isEqualTo(2);
            assertSameMembership(index);
            assertThat(index.lexicalSearch("uniqued20", 5, Filter.ALL)).isEmpty();
            // an updated document is found by its new text only, once
            assertThat(ids(index.lexicalSearch("second", 50, Filter.ALL))).hasSize(10);
            List<ScoredDocument> first = index.lexicalSearch("first", 50, Filter.ALL);
            assertThat(ids(first)).hasSize(38).doesNotContain("d3", "d20");
            assertThat(first.get(0).document().text()).contains("first");
            index.commit();
            index.add(docs("x", 0, 5, "lost"), vectors(tv, 5)); // never committed
            index.delete(List.of("d30"));
        }
        try (JVectorIndex index = JVectorIndex.open(home, SCHEMA)) {
            assertSameMembership(index);
            assertThat(index.denseIds()).hasSize(48).contains("d30").doesNotContain("x0", "d20");
            assertThat(index.lexicalSearch("lost", 10, Filter.ALL)).isEmpty();
            assertThat(ids(index.lexicalSearch("second", 50, Filter.ALL))).hasSize(10);
            // compaction rewrites the vector segments; lexical membership is unchanged
            index.compact();
            assertSameMembership(index);
        }
        try (JVectorIndex index = JVectorIndex.open(home, SCHEMA)) {
            assertSameMembership(index);
            assertThat(index.denseIds()).hasSize(48);
        }
    }

    @Test
    void luceneCommitAheadOfTheManifestIsRolledBack() throws Exception {
        TestVectors tv = new TestVectors(DIM, 4);
        try (JVectorIndex index = JVectorIndex.open(home, SCHEMA)) {
            index.add(docs("d", 0, 20, "v1"), vectors(tv, 20));
            index.commit();
        }
        // What a crash between the Lucene commit and the manifest swap leaves: a newer Lucene commit.
        try (FSDirectory dir = FSDirectory.open(home.resolve(LexicalIndex.DIR));
             IndexWriter w = new IndexWriter(dir, new IndexWriterConfig()
                     .setIndexDeletionPolicy(NoDeletionPolicy.INSTANCE)
                     .setOpenMode(IndexWriterConfig.OpenMode.APPEND))) {
            org.apache.lucene.document.Document ghost = new org.apache.lucene.document.Document();
            ghost.add(new StringField(LexicalIndex.ID, "ghost", Field.Store.YES));
            w.addDocument(ghost);
            w.deleteDocuments(new org.apache.lucene.index.Term(LexicalIndex.ID, "d3"));
            w.commit();
        }
        try (JVectorIndex index = JVectorIndex.open(home, SCHEMA)) {
            assertSameMembership(index);
            assertThat(index.lexicalIds()).contains("d3").doesNotContain("ghost");
            index.add(docs("e", 0, 5, "v2"), vectors(tv, 5));
            index.commit();
            assertSameMembership(index);
        }
        try (JVectorIndex index = JVectorIndex.open(home, SCHEMA)) {
            assertSameMembership(index);
            assertThat(index.denseIds()).hasSize(25);
        }
    }

    @Test
    void homeWithoutLexicalIndexIsBackfilled() throws Exception {
        TestVectors tv = new TestVectors(DIM, 5);
        try (JVectorIndex index = JVectorIndex.open(home, SCHEMA)) {
            index.add(docs("d", 0, 30, "v1"), vectors(tv, 30));
            index.commit();
            index.delete(List.of("d1"));
            index.commit();
        }
        // a home written before the lexical route existed
        Manifest.read(home).withLexical(null).write(home);
        try (var files = Files.walk(home.resolve(LexicalIndex.DIR))) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        try (JVectorIndex index = JVectorIndex.open(home, SCHEMA)) {
            assertSameMembership(index);
            assertThat(index.denseIds()).hasSize(29);
            assertThat(Manifest.read(home).lexical()).isNotNull();
        }
    }

    @Test
    void filtersHoldOnTheLexicalRoute() {
        TestVectors tv = new TestVectors(DIM, 6);
        List<Document> docs = docs("d", 0, 120, "v");
        try (JVectorIndex index = JVectorIndex.open(home, SCHEMA)) {
            index.add(docs.subList(0, 60), vectors(tv, 60));
            index.commit();
            index.add(docs.subList(60, 120), vectors(tv, 60)); // half committed, half buffered
            index.delete(List.of("d0", "d61"));
            List<Filter> filters = List.of(
                    Filter.eq("lang", "en"), Filter.eq("group", 3), Filter.eq("group", 3.0), Filter.eq("flag", true),
                    Filter.in("group", 1, 2), Filter.in("lang", "fr", "de"), Filter.gt("score", 20),
                    Filter.gte("score", 20), Filter.lt("score", 5), Filter.between("score", 10, 12.5),
                    Filter.not(Filter.eq("lang", "en")), Filter.ne("missing", "x"), Filter.eq("missing", "x"),
                    Filter.and(Filter.eq("lang", "fr"), Filter.gt("group", 2)),
                    Filter.or(Filter.eq("group", 0), Filter.eq("flag", true)),
                    Filter.not(Filter.or(Filter.lt("score", 10), Filter.eq("lang", "en"))),
                    Filter.eq("lang", 1), Filter.eq("group", "3"));
            for (Filter f : filters) {
                Set<String> expected = new HashSet<>();
                for (Document d : docs) {
                    if (!d.id().equals("d0") && !d.id().equals("d61") && f.matches(d.metadata())) {
                        expected.add(d.id());
                    }
                }
                List<ScoredDocument> hits = index.lexicalSearch("common", 500, f);
                assertThat(ids(hits)).as("filter %s", f).isEqualTo(expected);
                // a selective filter still gives k hits when k documents match
                if (expected.size() >= 3) {
                    assertThat(index.lexicalSearch("common", 3, f)).as("k hits for %s", f).hasSize(3);
                }
            }
        }
    }

    @Test
    void analyzerIsRecordedAndBm25OptionsApply() {
        JVectorIndexOptions english = JVectorIndexOptions.DEFAULT.withLexicalAnalyzer(LexicalAnalyzer.ENGLISH);
        TestVectors tv = new TestVectors(DIM, 7);
        try (JVectorIndex index = JVectorIndex.open(home, SCHEMA, english)) {
            index.add(List.of(Document.of("a", "The runner was running fast", Map.of()), Document.of("b", "a slow walk", Map.of())),
                    vectors(tv, 2));
            // stemming: "runs" and "running" share the stem "run"; "the" is a stop word
            assertThat(index.lexicalSearch("runs", 5, Filter.ALL)).extracting(h -> h.document().id())
                    .containsExactly("a");
            assertThat(index.lexicalSearch("the", 5, Filter.ALL)).isEmpty();
            index.commit();
        }
        try (JVectorIndex index = JVectorIndex.open(home, SCHEMA)) { // analyzer unset: the recorded one
            assertThat(index.lexicalAnalyzer()).isEqualTo(LexicalAnalyzer.ENGLISH);
            assertThat(index.lexicalSearch("runs", 5, Filter.ALL)).hasSize(1);
        }
        assertThatThrownBy(() -> JVectorIndex.open(home, SCHEMA,
                JVectorIndexOptions.DEFAULT.withLexicalAnalyzer(LexicalAnalyzer.CJK)))
                .isInstanceOf(IncompatibleIndexException.class).hasMessageContaining("ENGLISH");
        // a read-only reader: the recorded analyzer when unset or equal, refused like a writer when another
        for (JVectorIndexOptions o : List.of(JVectorIndexOptions.DEFAULT, english)) {
            try (JVectorIndex reader = JVectorIndex.openReadOnly(home, SCHEMA, o)) {
                assertThat(reader.lexicalAnalyzer()).isEqualTo(LexicalAnalyzer.ENGLISH);
                assertThat(reader.lexicalSearch("runs", 5, Filter.ALL)).extracting(h -> h.document().id())
                        .containsExactly("a");
            }
        }
        assertThatThrownBy(() -> JVectorIndex.openReadOnly(home, SCHEMA,
                JVectorIndexOptions.DEFAULT.withLexicalAnalyzer(LexicalAnalyzer.STANDARD)))
                .isInstanceOf(IncompatibleIndexException.class).hasMessageContaining("ENGLISH");
        // k1 = 0: term frequency does not matter, only idf (and so equal scores for tf 1 and tf 3)
        try (JVectorIndex index = JVectorIndex.open(home, SCHEMA, JVectorIndexOptions.DEFAULT.withBm25(0f, 0.75f))) {
            index.add(List.of(Document.of("c", "zebra", Map.of()), Document.of("d", "zebra zebra zebra", Map.of())), vectors(tv, 2));
            List<ScoredDocument> hits = index.lexicalSearch("zebra", 5, Filter.ALL);
            assertThat(hits).hasSize(2);
            assertThat(hits.get(0).score()).isEqualTo(hits.get(1).score());
        }
    }

    @Test
    void aNewHomesAnalyzerFollowsTheEncodersLanguage() {
        assertThat(LexicalAnalyzer.forLanguage("en")).isEqualTo(LexicalAnalyzer.ENGLISH);
        assertThat(LexicalAnalyzer.forLanguage("en-GB")).isEqualTo(LexicalAnalyzer.ENGLISH);
        assertThat(LexicalAnalyzer.forLanguage("zh")).isEqualTo(LexicalAnalyzer.forLanguage("zh_CN"))
                .isEqualTo(LexicalAnalyzer.CJK);
        assertThat(LexicalAnalyzer.forLanguage("fr")).isEqualTo(LexicalAnalyzer.STANDARD);
        assertThat(LexicalAnalyzer.forLanguage(null)).isEqualTo(LexicalAnalyzer.STANDARD);
        TestVectors tv = new TestVectors(DIM, 9);
        Path en = home.resolve("en");
        try (JVectorIndex index = JVectorIndex.at(en).open(SCHEMA, "en")) {
            assertThat(index.lexicalAnalyzer()).isEqualTo(LexicalAnalyzer.ENGLISH);
            index.add(List.of(Document.of("a", "The runner was running fast", Map.of())), vectors(tv, 1));
            assertThat(index.lexicalSearch("runs", 5, Filter.ALL)).hasSize(1); // stemmed
            index.commit();
        }
        // an existing home keeps its recorded analyzer whatever the language hint says
        try (JVectorIndex index = JVectorIndex.at(en).open(SCHEMA, "zh")) {
            assertThat(index.lexicalAnalyzer()).isEqualTo(LexicalAnalyzer.ENGLISH);
        }
        // an explicit analyzer beats the hint; no hint (or the one-argument open) keeps the standard analyzer
        try (JVectorIndex index = JVectorIndex.at(home.resolve("explicit"))
                .lexicalAnalyzer(LexicalAnalyzer.STANDARD).open(SCHEMA, "en")) {
            assertThat(index.lexicalAnalyzer()).isEqualTo(LexicalAnalyzer.STANDARD);
        }
        try (JVectorIndex index = JVectorIndex.at(home.resolve("unknown")).open(SCHEMA, null)) {
            assertThat(index.lexicalAnalyzer()).isEqualTo(LexicalAnalyzer.STANDARD);
        }
        try (JVectorIndex index = JVectorIndex.at(home.resolve("zh")).open(SCHEMA, "zh")) {
            assertThat(index.lexicalAnalyzer()).isEqualTo(LexicalAnalyzer.CJK);
        }
    }

    @Test
    void chineseAnalyzers() {
        TestVectors tv = new TestVectors(DIM, 8);
        for (LexicalAnalyzer a : List.of(LexicalAnalyzer.CHINESE, LexicalAnalyzer.CJK)) {
            Path h = home.resolve(a.name());
            try (JVectorIndex index = JVectorIndex.open(h, SCHEMA, JVectorIndexOptions.DEFAULT.withLexicalAnalyzer(a))) {
                index.add(List.of(Document.of("zh1", "北京是中华人民共和国的首都", Map.of()), Document.of("zh2", "上海是一座国际大都市", Map.of())),
                        vectors(tv, 2));
                assertThat(index.lexicalSearch("中国的首都在哪里", 5, Filter.ALL)).as("%s", a)
                        .extracting(x -> x.document().id()).first().isEqualTo("zh1");
            }
        }
    }
}
