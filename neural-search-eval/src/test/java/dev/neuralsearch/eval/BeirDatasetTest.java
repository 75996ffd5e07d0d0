package dev.neuralsearch.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.neuralsearch.testing.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BeirDatasetTest {
    @TempDir
    Path dir;

    private void write(String corpus, String queries, String qrels) throws IOException {
        Files.writeString(dir.resolve("corpus.jsonl"), corpus);
        Files.writeString(dir.resolve("queries.jsonl"), queries);
        Files.createDirectories(dir.resolve("qrels"));
        Files.writeString(dir.resolve("qrels/test.tsv"), qrels);
    }

    private static final String CORPUS = """
            {"_id": "d1", "title": "Title one", "text": "Body one."}
            {"_id": "d2", "title": "", "text": "  Body two.  "}
            {"_id": "d3", "text": "No title field."}
            """;
    private static final String QUERIES = """
            {"_id": "q1", "text": "first"}
            {"_id": "q2", "text": "second (train only)"}
            {"_id": "q3", "text": "third"}
            """;

    @Test
    void keepsOnlyQueriesOfTheSplitAndGradedRelevance() throws IOException {
        write(CORPUS, QUERIES, "query-id\tcorpus-id\tscore\nq1\td1\t2\nq1\td2\t0\nq3\td3\t1\n");
        BeirDataset ds = BeirDataset.load(dir, "test");
        assertThat(ds.corpus()).hasSize(3);
        assertThat(ds.queries()).containsOnlyKeys("q1", "q3");
        assertThat(ds.qrels().get("q1")).isEqualTo(Map.of("d1", 2, "d2", 0));
        assertThat(ds.relevantCount("q1")).isEqualTo(1);
        assertThat(ds.split()).isEqualTo("test");
    }

    @Test
    void passageTextJoinsTitleAndTextLikeBeirAndMteb() throws IOException {
        write(CORPUS, QUERIES, "query-id\tcorpus-id\tscore\nq1\td1\t1\n");
        BeirDataset ds = BeirDataset.load(dir, "test");
        assertThat(ds.corpus().get("d1").passage()).isEqualTo("Title one Body one.");
        // (" " + "  Body two.  ").strip(): an empty title leaves no leading space.
        assertThat(ds.corpus().get("d2").passage()).isEqualTo("Body two.");
        assertThat(ds.corpus().get("d3").passage()).isEqualTo("No title field.");
        assertThat(BeirDataset.passageText(" T ", "x ")).isEqualTo("T  x");
    }

    @Test
    void malformedJsonNamesFileAndLine() throws IOException {
        write("{\"_id\": \"d1\", \"text\": \"ok\"}\n{\"_id\": \"d2\", \"text\": \n", QUERIES,
                "query-id\tcorpus-id\tscore\nq1\td1\t1\n");
        assertThatThrownBy(() -> BeirDataset.load(dir, "test"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("corpus.jsonl:2")
                .hasMessageContaining("invalid JSON");
    }

    @Test
    void missingFieldsAreReported() throws IOException {
        write("{\"_id\": \"d1\"}\n", QUERIES, "query-id\tcorpus-id\tscore\nq1\td1\t1\n");
        assertThatThrownBy(() -> BeirDataset.load(dir, "test"))
                .hasMessageContaining("corpus.jsonl:1").hasMessageContaining("missing \"text\"");
    }

    @Test
    void badQrelsAreReported() throws IOException {
        write(CORPUS, QUERIES, "query-id\tcorpus-id\tscore\nq1\td1\tyes\n");
        assertThatThrownBy(() -> BeirDataset.load(dir, "test"))
                .hasMessageContaining("test.tsv:2").hasMessageContaining("not an integer");

        write(CORPUS, QUERIES, "query-id\tcorpus-id\tscore\nq1\td1\n");
        assertThatThrownBy(() -> BeirDataset.load(dir, "test"))
                .hasMessageContaining("test.tsv:2").hasMessageContaining("3 tab-separated fields");

        write(CORPUS, QUERIES, "q1\td1\t1\n");
        assertThatThrownBy(() -> BeirDataset.load(dir, "test")).hasMessageContaining("header");

        write(CORPUS, QUERIES, "query-id\tcorpus-id\tscore\nq1\tmissing\t1\n");
        assertThatThrownBy(() -> BeirDataset.load(dir, "test"))
                .hasMessageContaining("document id 'missing'");

        write(CORPUS, QUERIES, "query-id\tcorpus-id\tscore\nq9\td1\t1\n");
        assertThatThrownBy(() -> BeirDataset.load(dir, "test")).hasMessageContaining("query id 'q9'");

        assertThatThrownBy(() -> BeirDataset.load(dir, "dev"))
                .hasMessageContaining("qrels file not found");
    }

    @Test
    void duplicateIdsAreRefused() throws IOException {
        write(CORPUS + "{\"_id\": \"d1\", \"text\": \"again\"}\n", QUERIES, "query-id\tcorpus-id\tscore\nq1\td1\t1\n");
        assertThatThrownBy(() -> BeirDataset.load(dir, "test")).hasMessageContaining("duplicate _id 'd1'");
    }

    @Test
    void loadsSciFactTest() {
        BeirDataset ds = BeirDataset.load(SharedData.scifact(), "test");
        // Official BEIR SciFact test statistics: 5183 docs, 300 queries, 339 judgments.
        assertThat(ds.corpus()).hasSize(5183);
        assertThat(ds.queries()).hasSize(300);
        assertThat(ds.qrels().values().stream().mapToInt(Map::size).sum()).isEqualTo(339);
        assertThat(ds.name()).isEqualTo("scifact");
        BeirDataset train = BeirDataset.load(SharedData.scifact(), "train");
        assertThat(train.queries()).hasSize(809);
    }
}
