package dev.neuralsearch.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link PseudoQueries} and the {@link TeacherFile} they travel in. */
class PseudoQueriesTest {
    private static final String REST = "The rest of the abstract describes the methods, the cohort of patients and"
            + " the main result in enough words that a reranker has something to read after the query text is gone.";

    @TempDir
    Path tmp;

    private static BeirDataset corpus() {
        Map<String, BeirDataset.CorpusDoc> c = new LinkedHashMap<>();
        c.put("a", new BeirDataset.CorpusDoc("a", "Vitamin D deficiency and bone fractures in adults",
                "We studied vitamin D levels in 2,000 adults. " + REST));
        c.put("b", new BeirDataset.CorpusDoc("b", "", "Statins lower cholesterol in most patients studied here. "
                + REST)); // no title: cloze only
        c.put("c", new BeirDataset.CorpusDoc("c", "Short", "Too short."));  // neither
        c.put("d", new BeirDataset.CorpusDoc("d", "Aspirin and the risk of colorectal cancer",
                "Aspirin use was followed for ten years in this cohort. " + REST));
        return new BeirDataset("tiny", "train", c, Map.of(), Map.of());
    }

    @Test
    void titlesAndFirstSentencesWithTheQueryTakenOutOfTheSource() {
        List<PseudoQueries.Query> qs = PseudoQueries.generate(corpus(), 10, 1, Set.of());
        assertThat(qs).extracting(PseudoQueries.Query::source).doesNotContain("c").contains("a", "b", "d");
        assertThat(qs).hasSize(3); // one per usable document
        for (PseudoQueries.Query q : qs) {
            assertThat(PseudoQueries.isPseudo(q.id())).isTrue();
            assertThat(q.sourcePassage()).doesNotContain(q.text()).endsWith(REST);
            if (q.kind() == PseudoQueries.Kind.CLOZE) {
                assertThat(q.text()).endsWith(".");
                assertThat(q.id()).isEqualTo("pq-cloze-" + q.source());
            } else {
                assertThat(q.id()).isEqualTo("pq-title-" + q.source());
            }
        }
        PseudoQueries.Query b = qs.stream().filter(q -> q.source().equals("b")).findFirst().orElseThrow();
        assertThat(b.kind()).isEqualTo(PseudoQueries.Kind.CLOZE);
        assertThat(b.text()).isEqualTo("Statins lower cholesterol in most patients studied here.");
        // seeded and bounded
        assertThat(PseudoQueries.generate(corpus(), 10, 1, Set.of())).isEqualTo(qs);
        assertThat(PseudoQueries.generate(corpus(), 2, 1, Set.of())).hasSize(2);
        assertThatThrownBy(() -> PseudoQueries.generate(corpus(), -1, 1, Set.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aTestQueryTextIsNeverAPseudoQuery() {
        List<PseudoQueries.Query> all = PseudoQueries.generate(corpus(), 10, 1, Set.of());
        String banned = all.get(0).text();
        List<PseudoQueries.Query> kept = PseudoQueries.generate(corpus(), 10, 1, Set.of("  " + banned.toUpperCase()
                + " "));
        assertThat(kept).extracting(PseudoQueries.Query::text).doesNotContain(banned);
    }

    @Test
    void teacherFileRoundTripAndRefusesABadLine() throws Exception {
        List<TeacherFile.Entry> es = List.of(
                new TeacherFile.Entry("1", "q one", "train", null, null,
                        List.of(new TeacherFile.Candidate("a", 0.5), new TeacherFile.Candidate("b", -0.25))),
                new TeacherFile.Entry("pq-title-a", "t", "title", "a", "text of a",
                        List.of(new TeacherFile.Candidate("a", 2.0))));
        Path f = tmp.resolve("sub/teacher.jsonl");
        TeacherFile.write(f, es);
        assertThat(TeacherFile.read(f)).isEqualTo(es);
        Files.writeString(f, Files.readString(f) + "{\"id\":\"x\",\"query\":\"q\",\"docs\":[[\"a\"]]}\n");
        assertThatThrownBy(() -> TeacherFile.read(f)).hasMessageContaining("line 3");
    }

    @Test
    void onSciFactThousandsOfQueriesAndNoTestText() {
        Path dir = Path.of("../../shared/data/scifact");
        if (!Files.isDirectory(dir)) {
            dir = Path.of("/work/shared/data/scifact");
        }
        assumeTrue(Files.isRegularFile(dir.resolve("qrels/test.tsv")), "SciFact not present");
        BeirDataset train = BeirDataset.load(dir, "train");
        Set<String> test = Set.copyOf(BeirDataset.load(dir, "test").queries().values());
        List<PseudoQueries.Query> qs = PseudoQueries.generate(train, 3000, 42, test);
        assertThat(qs).hasSize(3000);
        assertThat(qs.stream().map(PseudoQueries.Query::id).distinct().count()).isEqualTo(3000);
        assertThat(qs.stream().filter(q -> q.kind() == PseudoQueries.Kind.CLOZE).count()).isBetween(1200L, 1800L);
        Set<String> lower = new java.util.HashSet<>();
        test.forEach(t -> lower.add(t.strip().toLowerCase(java.util.Locale.ROOT)));
        assertThat(qs).noneMatch(q -> lower.contains(q.text().strip().toLowerCase(java.util.Locale.ROOT)));
    }
}
