package dev.neuralsearch.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A retrieval test collection in the BEIR layout: {@code corpus.jsonl} ({@code _id}, {@code title},
 * {@code text}), {@code queries.jsonl} ({@code _id}, {@code text}) and {@code qrels/<split>.tsv}
 * ({@code query-id}, {@code corpus-id}, {@code score}, with a header line).
 *
 * <p>Only the queries that appear in the split's qrels are kept (a BEIR {@code queries.jsonl} often holds
 * the queries of every split). Relevance grades are kept as given; a grade of 0 or less means "judged not
 * relevant" and counts as not relevant in every metric. Map iteration order is file order.
 *
 * @param name     the folder name, used in reports and cache keys
 * @param split    the qrels split that was loaded, e.g. {@code test}
 * @param corpus   document id to document, in file order
 * @param queries  query id to query text, for the queries judged in {@code split}, in file order
 * @param qrels    query id to (document id to relevance grade)
 */
public record BeirDataset(String name, String split, Map<String, CorpusDoc> corpus, Map<String, String> queries,
                          Map<String, Map<String, Integer>> qrels) {

    /** One corpus entry. The title may be empty. */
    public record CorpusDoc(String id, String title, String text) {
        public CorpusDoc {
            Objects.requireNonNull(id, "id");
            title = title == null ? "" : title;
            text = text == null ? "" : text;
        }

        /** The passage as a sentence-transformers model sees it in BEIR/MTEB: see {@link #passageText}. */
        public String passage() {
            return passageText(title, text);
        }
    }

    public BeirDataset {
        corpus = Collections.unmodifiableMap(corpus);
        queries = Collections.unmodifiableMap(queries);
        qrels = Collections.unmodifiableMap(qrels);
    }

    /**
     * Joins title and text the way BEIR's {@code SentenceBERT.encode_corpus} and MTEB's retrieval
     * evaluator ({@code corpus_to_str}) do: {@code (title + " " + text).strip()}. An empty title therefore
     * leaves just the stripped text. Python's {@code str.strip()} removes whitespace at both ends; so does
     * {@link String#strip()}.
     */
    public static String passageText(String title, String text) {
        String t = title == null ? "" : title;
        String b = text == null ? "" : text;
        return (t + " " + b).strip();
    }

    /** Documents judged relevant (grade &gt; 0) for a query. */
    public int relevantCount(String queryId) {
        Map<String, Integer> judged = qrels.getOrDefault(queryId, Map.of());
        int n = 0;
        for (int g : judged.values()) {
            if (g > 0) {
                n++;
            }
        }
        return n;
    }

    /**
     * Loads a BEIR folder. Throws {@link IllegalArgumentException} with file and line for malformed
     * content, and for qrels that name a query or document the files do not contain.
     */
    public static BeirDataset load(Path dir, String split) {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(split, "split");
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("BEIR dataset folder not found: " + dir);
        }
        Path qrelsFile = dir.resolve("qrels").resolve(split + ".tsv");
        Map<String, Map<String, Integer>> qrels = readQrels(qrelsFile);
        Map<String, CorpusDoc> corpus = readCorpus(dir.resolve("corpus.jsonl"));
        Map<String, String> allQueries = readQueries(dir.resolve("queries.jsonl"));

        Map<String, String> queries = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : allQueries.entrySet()) {
            if (qrels.containsKey(e.getKey())) {
                queries.put(e.getKey(), e.getValue());
            }
        }
        for (Map.Entry<String, Map<String, Integer>> e : qrels.entrySet()) {
            if (!allQueries.containsKey(e.getKey())) {
                throw new IllegalArgumentException(qrelsFile + ": query id '" + e.getKey()
                        + "' is not in queries.jsonl");
            }
            for (String docId : e.getValue().keySet()) {
                if (!corpus.containsKey(docId)) {
                    throw new IllegalArgumentException(qrelsFile + ": document id '" + docId + "' (query '"
                            + e.getKey() + "') is not in corpus.jsonl");
                }
            }
        }
        Path abs = dir.toAbsolutePath().normalize();
        String name = abs.getFileName() == null ? abs.toString() : abs.getFileName().toString();
        return new BeirDataset(name, split, corpus, queries, qrels);
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private static Map<String, CorpusDoc> readCorpus(Path file) {
        Map<String, CorpusDoc> corpus = new LinkedHashMap<>();
        forEachJsonLine(file, (line, node) -> {
            String id = requiredText(file, line, node, "_id");
            String text = requiredText(file, line, node, "text");
            JsonNode title = node.get("title");
            if (title != null && !title.isNull() && !title.isTextual()) {
                throw malformed(file, line, "\"title\" is not a string");
            }
            CorpusDoc doc = new CorpusDoc(id, title == null || title.isNull() ? "" : title.asText(), text);
            if (corpus.putIfAbsent(id, doc) != null) {
                throw malformed(file, line, "duplicate _id '" + id + "'");
            }
        });
        if (corpus.isEmpty()) {
            throw new IllegalArgumentException(file + ": no documents");
        }
        return corpus;
    }

    private static Map<String, String> readQueries(Path file) {
        Map<String, String> queries = new LinkedHashMap<>();
        forEachJsonLine(file, (line, node) -> {
            String id = requiredText(file, line, node, "_id");
            String text = requiredText(file, line, node, "text");
            if (queries.putIfAbsent(id, text) != null) {
                throw malformed(file, line, "duplicate _id '" + id + "'");
            }
        });
        return queries;
    }

    private static Map<String, Map<String, Integer>> readQrels(Path file) {
        Map<String, Map<String, Integer>> qrels = new LinkedHashMap<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String header = r.readLine();
            if (header == null) {
                throw new IllegalArgumentException(file + ": empty file (expected a header line "
                        + "'query-id<TAB>corpus-id<TAB>score')");
            }
            String[] h = header.strip().split("\t");
            if (h.length < 3 || isInteger(h[2].strip())) {
                throw malformed(file, 1, "expected a header line 'query-id<TAB>corpus-id<TAB>score', found '"
                        + header + "'");
            }
            String s;
            int line = 1;
            while ((s = r.readLine()) != null) {
                line++;
                if (s.isBlank()) {
                    continue;
                }
                String[] f = s.split("\t");
                if (f.length != 3) {
                    throw malformed(file, line, "expected 3 tab-separated fields (query-id, corpus-id, score), found "
                            + f.length);
                }
                String q = f[0].strip();
                String d = f[1].strip();
                if (q.isEmpty() || d.isEmpty()) {
                    throw malformed(file, line, "empty query-id or corpus-id");
                }
                int grade;
                try {
                    grade = Integer.parseInt(f[2].strip());
                } catch (NumberFormatException e) {
                    throw malformed(file, line, "score '" + f[2] + "' is not an integer");
                }
                Integer prev = qrels.computeIfAbsent(q, k -> new LinkedHashMap<>()).put(d, grade);
                if (prev != null && prev != grade) {
                    throw malformed(file, line, "conflicting judgments for (" + q + ", " + d + "): " + prev
                            + " and " + grade);
                }
            }
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("qrels file not found: " + file + " (is the split name right?)");
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + file, e);
        }
        if (qrels.isEmpty()) {
            throw new IllegalArgumentException(file + ": no judgments");
        }
        Map<String, Map<String, Integer>> frozen = new LinkedHashMap<>();
        qrels.forEach((q, m) -> frozen.put(q, Collections.unmodifiableMap(m)));
        return frozen;
    }

    private static boolean isInteger(String s) {
        try {
            Integer.parseInt(s);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private interface LineHandler {
        void accept(int line, JsonNode node);
    }

    private static void forEachJsonLine(Path file, LineHandler handler) {
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String s;
            int line = 0;
            while ((s = r.readLine()) != null) {
                line++;
                if (s.isBlank()) {
                    continue;
                }
                JsonNode node;
                try {
                    node = JSON.readTree(s);
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    throw malformed(file, line, "invalid JSON: " + e.getOriginalMessage());
                }
                if (node == null || !node.isObject()) {
                    throw malformed(file, line, "expected a JSON object");
                }
                handler.accept(line, node);
            }
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("file not found: " + file);
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + file, e);
        }
    }

    private static String requiredText(Path file, int line, JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            throw malformed(file, line, "missing \"" + field + "\"");
        }
        if (!v.isTextual() && !(field.equals("_id") && v.isIntegralNumber())) {
            throw malformed(file, line, "\"" + field + "\" is not a string");
        }
        String s = v.asText();
        if (field.equals("_id") && s.isBlank()) {
            throw malformed(file, line, "empty \"_id\"");
        }
        return s;
    }

    private static IllegalArgumentException malformed(Path file, int line, String what) {
        return new IllegalArgumentException(file + ":" + line + ": " + what);
    }
}
