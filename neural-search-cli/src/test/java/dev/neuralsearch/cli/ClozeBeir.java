package dev.neuralsearch.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small BEIR folder that is always present: the English documents of the bundled demo corpus, each third one
 * with its first sentence taken out and made its query (judged relevant: the rest of that document). The queries
 * alternate between the train and the test split. The first sentence is gone from the passage, so a query has to
 * be matched by topic, and the routes (BM25, MiniLM, bge) disagree often enough that fusion weights matter.
 */
final class ClozeBeir {
    private ClozeBeir() {
    }

    /**
     * Writes the folder ({@code corpus.jsonl}, {@code queries.jsonl}, {@code qrels/train.tsv}, {@code qrels/test.tsv})
     * and a documents file for {@code nsearch index} ({@code docs.jsonl}, the same passages); queries are cut to
     * {@code maxQueryChars} characters (the tiny test cross-encoder reads 60 tokens).
     */
    static Path write(Path dir, int maxQueryChars) {
        ObjectMapper json = new ObjectMapper();
        try {
            Files.createDirectories(dir.resolve("qrels"));
            List<String> corpus = new ArrayList<>();
            List<String> docs = new ArrayList<>();
            List<String> queries = new ArrayList<>();
            Map<String, List<String>> qrels = new LinkedHashMap<>();
            qrels.put("train", new ArrayList<>(List.of("query-id\tcorpus-id\tscore")));
            qrels.put("test", new ArrayList<>(List.of("query-id\tcorpus-id\tscore")));
            int english = 0;
            try (BufferedReader in = new BufferedReader(new InputStreamReader(
                    ClozeBeir.class.getResourceAsStream(DemoCommand.CORPUS), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    if (line.isBlank()) {
                        continue;
                    }
                    JsonNode d = json.readTree(line);
                    String id = d.get("id").asText();
                    if (!id.startsWith("en-")) {
                        continue;
                    }
                    String text = d.get("text").asText();
                    int cut = text.indexOf(". ");
                    if (english++ % 3 == 0 && cut > 0) {
                        String q = text.substring(0, cut);
                        text = text.substring(cut + 2);
                        String qid = "q-" + id;
                        queries.add(json.writeValueAsString(Map.of("_id", qid,
                                "text", q.substring(0, Math.min(q.length(), maxQueryChars)))));
                        qrels.get(queries.size() % 2 == 1 ? "train" : "test").add(qid + "\t" + id + "\t1");
                    }
                    corpus.add(json.writeValueAsString(Map.of("_id", id, "title", "", "text", text)));
                    docs.add(json.writeValueAsString(Map.of("id", id, "text", text)));
                }
            }
            Files.write(dir.resolve("corpus.jsonl"), corpus);
            Files.write(dir.resolve("docs.jsonl"), docs);
            Files.write(dir.resolve("queries.jsonl"), queries);
            for (Map.Entry<String, List<String>> e : qrels.entrySet()) {
                Files.write(dir.resolve("qrels").resolve(e.getKey() + ".tsv"), e.getValue());
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
