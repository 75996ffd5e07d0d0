package dev.neuralsearch.train.bi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neuralsearch.encoder.BiEncoder;
import dev.neuralsearch.encoder.Presets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Mining with the starting model through ONNX Runtime, on a small real corpus written to disk. */
class HardNegativeMinerTest {
    @TempDir
    Path tmp;

    @Test
    void negativesComeFromRanksElevenToFiftyAndAreNeverPositives() throws IOException {
        Path dir = tmp.resolve("mini");
        Files.createDirectories(dir.resolve("qrels"));
        StringBuilder corpus = new StringBuilder();
        List<String> passages = new ArrayList<>();
        String[] topics = {"volcano", "ocean", "galaxy", "protein", "bicycle", "violin", "glacier", "election"};
        for (int i = 0; i < 80; i++) {
            String t = "Note " + i + " about the " + topics[i % topics.length] + " and item " + (i * 7 % 13);
            passages.add(t);
            corpus.append("{\"_id\": \"d").append(i).append("\", \"title\": \"\", \"text\": \"").append(t).append("\"}\n");
        }
        Files.writeString(dir.resolve("corpus.jsonl"), corpus);
        Files.writeString(dir.resolve("queries.jsonl"),
                "{\"_id\": \"q1\", \"text\": \"facts about a volcano\"}\n{\"_id\": \"q2\", \"text\": \"ocean notes\"}\n");
        Files.writeString(dir.resolve("qrels/train.tsv"), "query-id\tcorpus-id\tscore\nq1\td0\t1\nq2\td1\t1\nq2\td9\t1\n");
        List<TrainingPair> pairs = TrainingData.fromBeir(dir, "train");

        Path cache = tmp.resolve("cache");
        List<TrainingPair> mined = new HardNegativeMiner(Presets.ALL_MINILM_L6_V2, "all-minilm-l6-v2", 3, 1)
                .cacheDir(cache).progressBar(false).mine(pairs, dir);
        assertThat(mined).hasSize(3);
        try (BiEncoder enc = BiEncoder.load(Presets.ALL_MINILM_L6_V2)) {
            List<float[]> docs = enc.encodePassages(passages);
            for (TrainingPair p : mined) {
                assertThat(p.negatives()).hasSize(3).doesNotHaveDuplicates();
                List<String> positives = pairs.stream().filter(x -> x.queryId().equals(p.queryId()))
                        .map(TrainingPair::positive).toList();
                // the ranking without the positives, ranks 11..50
                int[] order = HardNegativeMiner.topK(enc.encodeQuery(p.query()), docs, 80);
                List<String> ranked = new ArrayList<>();
                for (int d : order) {
                    if (!positives.contains(passages.get(d))) {
                        ranked.add(passages.get(d));
                    }
                }
                assertThat(ranked.subList(10, 50)).containsAll(p.negatives());
                assertThat(p.negatives()).doesNotContainAnyElementsOf(positives);
            }
        }
        // the corpus vectors went to the evaluator's cache; a second run reads them and mines the same
        try (Stream<Path> s = Files.list(cache)) {
            assertThat(s.map(f -> f.getFileName().toString()).toList())
                    .anyMatch(n -> n.startsWith("mini-all-minilm-l6-v2-") && n.endsWith(".f32"));
        }
        List<TrainingPair> again = new HardNegativeMiner(Presets.ALL_MINILM_L6_V2, "all-minilm-l6-v2", 3, 1)
                .cacheDir(cache).progressBar(false).mine(pairs, dir);
        assertThat(again).isEqualTo(mined);
    }
}
