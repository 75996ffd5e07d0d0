package dev.neuralsearch.train.crossencoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.neuralsearch.eval.BeirDataset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Test queries never train; malformed pair files are refused with file and line. */
class CrossEncoderDataTest {
    @TempDir
    Path tmp;

    private Path beir(String trainQrels, String testQrels) throws Exception {
        Path d = tmp.resolve("beir");
        Files.createDirectories(d.resolve("qrels"));
        Files.writeString(d.resolve("corpus.jsonl"), """
                {"_id": "d1", "title": "Seasons", "text": "Axial tilt causes the seasons."}
                {"_id": "d2", "title": "", "text": "Yeast makes bread rise."}
                {"_id": "d3", "title": "Stars", "text": "Neutron stars are collapsed cores."}
                """);
        Files.writeString(d.resolve("queries.jsonl"), """
                {"_id": "q1", "text": "what causes seasons"}
                {"_id": "q2", "text": "why does bread rise"}
                {"_id": "q3", "text": "what is a neutron star"}
                """);
        Files.writeString(d.resolve("qrels/train.tsv"), "query-id\tcorpus-id\tscore\n" + trainQrels);
        Files.writeString(d.resolve("qrels/test.tsv"), "query-id\tcorpus-id\tscore\n" + testQrels);
        return d;
    }

    @Test
    void testQueriesInTheTrainingSplitAreRefused() throws Exception {
        Path d = beir("q1\td1\t1\nq3\td3\t1\n", "q3\td3\t1\n");
        BeirDataset train = BeirDataset.load(d, "train");
        Set<String> testIds = CrossEncoderData.testQueryIds(d);
        assertThat(testIds).containsExactly("q3");
        assertThatThrownBy(() -> CrossEncoderData.fromBeir(train, testIds, Set.of(), Map.of("q1", List.of("d2"), "q3", List.of("d1"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("test queries").hasMessageContaining("q3");
    }

    @Test
    void examplesFromADisjointTrainingSplit() throws Exception {
        Path d = beir("q1\td1\t1\nq2\td2\t1\n", "q3\td3\t1\n");
        BeirDataset train = BeirDataset.load(d, "train");
        List<CrossEncoderExample> ex = CrossEncoderData.fromBeir(train, CrossEncoderData.testQueryIds(d),
                CrossEncoderData.testQueryTexts(d), Map.of("q1", List.of("d2", "d3"), "q2", List.of("d3")));
        assertThat(ex).hasSize(2);
        assertThat(ex.get(0).positive()).isEqualTo("Seasons Axial tilt causes the seasons.");
        assertThat(ex.get(0).negatives()).containsExactly("Yeast makes bread rise.", "Stars Neutron stars are collapsed cores.");
    }

    @Test
    void aTrainingQueryWithTheTextOfATestQueryIsLeftOut() throws Exception {
        Path d = beir("q1\td1\t1\nq2\td2\t1\n", "q3\td3\t1\n");
        // q2 becomes a twin of the test query q3: same text, another id
        Files.writeString(d.resolve("queries.jsonl"), Files.readString(d.resolve("queries.jsonl"))
                .replace("why does bread rise", "what is a neutron star"));
        BeirDataset train = BeirDataset.load(d, "train");
        List<CrossEncoderExample> ex = CrossEncoderData.fromBeir(train, CrossEncoderData.testQueryIds(d),
                CrossEncoderData.testQueryTexts(d), Map.of("q1", List.of("d2", "d3"), "q2", List.of("d3")));
        assertThat(ex).extracting(CrossEncoderExample::queryId).containsExactly("q1");
    }

    @Test
    void pairFilesAreCheckedRowByRow() throws Exception {
        Path d = beir("q1\td1\t1\n", "q3\td3\t1\n");
        Set<String> testTexts = CrossEncoderData.testQueryTexts(d);
        Path ok = tmp.resolve("ok.tsv");
        Files.writeString(ok, "why does bread rise\tYeast makes bread rise.\tAxial tilt.\tNeutron stars.\n\n");
        assertThat(CrossEncoderData.fromTsv(ok, testTexts)).singleElement()
                .satisfies(e -> assertThat(e.negatives()).hasSize(2));
        Path test = tmp.resolve("test.tsv");
        Files.writeString(test, "why does bread rise\tYeast.\tTilt.\nwhat is a neutron star\tCollapsed cores.\tYeast.\n");
        assertThatThrownBy(() -> CrossEncoderData.fromTsv(test, testTexts)).hasMessageContaining(":2:")
                .hasMessageContaining("test query");
        Path shortRow = tmp.resolve("short.tsv");
        Files.writeString(shortRow, "why does bread rise\tYeast.\n");
        assertThatThrownBy(() -> CrossEncoderData.fromTsv(shortRow, Set.of())).hasMessageContaining(":1:");
        Path empty = tmp.resolve("empty.tsv");
        Files.writeString(empty, "\n");
        assertThatThrownBy(() -> CrossEncoderData.fromTsv(empty, Set.of())).hasMessageContaining("no training rows");
    }
}
