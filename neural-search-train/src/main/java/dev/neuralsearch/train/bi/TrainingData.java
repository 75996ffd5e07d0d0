package dev.neuralsearch.train.bi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.neuralsearch.eval.BeirDataset;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads training pairs and unlabelled texts, refusing what would make training meaningless or dishonest.
 *
 * <ul>
 *   <li>{@link #fromBeir(Path, String)}: every (query, document) of {@code qrels/<split>.tsv} with score &gt; 0, the
 *       passage joined as the evaluator joins it ({@link BeirDataset#passageText}). Refused when any of those
 *       query ids also appears in the folder's {@code qrels/test.tsv} or {@code qrels/dev.tsv} (training on
 *       evaluation queries), or when the split gives no pair.</li>
 *   <li>{@link #fromTsv(Path)}: {@code query<TAB>positive[<TAB>negative...]} per line (UTF-8, blank lines skipped).
 *       Refused: an empty file, a line with fewer than two fields or an empty field (with its line number).</li>
 *   <li>{@link #texts(Path)}: unlabelled texts for SimCSE: a BEIR {@code corpus.jsonl} (title + text per line) or
 *       a plain text file (one text per non-blank line).</li>
 * </ul>
 */
public final class TrainingData {
    /** qrels splits that hold evaluation queries: a training query id found in one of them is refused. */
    public static final List<String> EVALUATION_SPLITS = List.of("test", "dev");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Logger LOG = LoggerFactory.getLogger(TrainingData.class);

    private TrainingData() {
    }

    /** The labelled pairs of a BEIR folder's split (score &gt; 0), after the leakage check. */
    public static List<TrainingPair> fromBeir(Path dir, String split) {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(split, "split");
        if (EVALUATION_SPLITS.contains(split)) {
            throw new TrainingDataException("refusing to train on the '" + split + "' split of " + dir
                    + ": it holds evaluation queries (train on 'train')");
        }
        BeirDataset ds;
        try {
            ds = BeirDataset.load(dir, split);
        } catch (UncheckedIOException e) {
            throw new TrainingDataException("cannot read BEIR folder " + dir + " split '" + split + "': "
                    + e.getMessage(), e);
        }
        checkNoEvaluationQueries(dir, split, ds.qrels().keySet());
        Set<String> evaluationTexts = evaluationQueryTexts(dir, split);
        List<String> leftOut = new ArrayList<>();
        List<TrainingPair> pairs = new ArrayList<>();
        for (Map.Entry<String, Map<String, Integer>> e : ds.qrels().entrySet()) {
            String query = ds.queries().get(e.getKey());
            if (query != null && evaluationTexts.contains(query.strip())) {
                leftOut.add(e.getKey());
                continue;
            }
            for (Map.Entry<String, Integer> d : e.getValue().entrySet()) {
                if (d.getValue() > 0) {
                    BeirDataset.CorpusDoc doc = ds.corpus().get(d.getKey());
                    pairs.add(new TrainingPair(e.getKey(), query, doc.id(), doc.passage(), List.of()));
                }
            }
        }
        if (!leftOut.isEmpty()) {
            LOG.warn("{} training quer{} of qrels/{}.tsv left out because {} text is the text of an evaluation "
                    + "(test/dev) query under another id: {}", leftOut.size(), leftOut.size() == 1 ? "y" : "ies",
                    split, leftOut.size() == 1 ? "its" : "their", leftOut);
        }
        if (pairs.isEmpty()) {
            throw new TrainingDataException(dir.resolve("qrels").resolve(split + ".tsv")
                    + ": no (query, document) pair with a score > 0");
        }
        return pairs;
    }

    /**
     * The texts (stripped) of a BEIR folder's evaluation queries (those of {@code qrels/test.tsv} and
     * {@code qrels/dev.tsv}, other than {@code split}). A training query with the same text under another id is
     * the same question: SciFact's train split has two ({@code 871}, {@code 1291}), each with the same relevant
     * document as its test twin.
     */
    public static Set<String> evaluationQueryTexts(Path dir, String split) {
        Set<String> ids = new LinkedHashSet<>();
        for (String eval : EVALUATION_SPLITS) {
            Path qrels = dir.resolve("qrels").resolve(eval + ".tsv");
            if (!eval.equals(split) && Files.isRegularFile(qrels)) {
                ids.addAll(qrelsQueryIds(qrels));
            }
        }
        Set<String> texts = new LinkedHashSet<>();
        if (ids.isEmpty()) {
            return texts;
        }
        Path queries = dir.resolve("queries.jsonl");
        try (BufferedReader r = Files.newBufferedReader(queries, StandardCharsets.UTF_8)) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode node = JSON.readTree(line);
                if (ids.contains(node.path("_id").asText()) && node.path("text").isTextual()) {
                    texts.add(node.path("text").asText().strip());
                }
            }
        } catch (IOException e) {
            throw new TrainingDataException("cannot read " + queries + ": " + e.getMessage(), e);
        }
        return texts;
    }

    /** Refuses training query ids that are evaluation queries of the same folder. */
    static void checkNoEvaluationQueries(Path dir, String split, Set<String> trainingIds) {
        for (String eval : EVALUATION_SPLITS) {
            if (eval.equals(split)) {
                continue;
            }
            Path qrels = dir.resolve("qrels").resolve(eval + ".tsv");
            if (!Files.isRegularFile(qrels)) {
                continue;
            }
            Set<String> evalIds = qrelsQueryIds(qrels);
            Set<String> both = new TreeSet<>(trainingIds);
            both.retainAll(evalIds);
            if (!both.isEmpty()) {
                List<String> some = new ArrayList<>(both).subList(0, Math.min(5, both.size()));
                throw new TrainingDataException(both.size() + " training quer" + (both.size() == 1 ? "y" : "ies")
                        + " of qrels/" + split + ".tsv also appear in " + qrels + " (e.g. " + some
                        + "): training on evaluation queries would make the evaluation meaningless");
            }
        }
    }

    private static Set<String> qrelsQueryIds(Path qrels) {
        Set<String> ids = new LinkedHashSet<>();
        try (BufferedReader r = Files.newBufferedReader(qrels, StandardCharsets.UTF_8)) {
            String line = r.readLine(); // header
            while ((line = r.readLine()) != null) {
                if (!line.isBlank()) {
                    ids.add(line.split("\t", 2)[0].strip());
                }
            }
        } catch (IOException e) {
            throw new TrainingDataException("cannot read " + qrels + ": " + e.getMessage(), e);
        }
        return ids;
    }

    /** Pairs from a TSV file: {@code query<TAB>positive[<TAB>negative...]}. */
    public static List<TrainingPair> fromTsv(Path file) {
        Objects.requireNonNull(file, "file");
        if (!Files.isRegularFile(file)) {
            throw new TrainingDataException("pair file not found: " + file);
        }
        List<TrainingPair> pairs = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int n = 0;
            while ((line = r.readLine()) != null) {
                n++;
                if (n == 1 && line.startsWith("\uFEFF")) {
                    line = line.substring(1);
                }
                if (line.isBlank()) {
                    continue;
                }
                String[] f = line.split("\t", -1);
                if (f.length < 2) {
                    throw new TrainingDataException(file + " line " + n
                            + ": expected query<TAB>positive[<TAB>negative...], found no tab");
                }
                for (int i = 0; i < f.length; i++) {
                    if (f[i].isBlank()) {
                        throw new TrainingDataException(file + " line " + n + ": field " + (i + 1) + " ("
                                + (i == 0 ? "query" : i == 1 ? "positive" : "negative") + ") is empty");
                    }
                }
                String q = f[0].strip();
                pairs.add(new TrainingPair(q, q, null, f[1].strip(),
                        Arrays.stream(f, 2, f.length).map(String::strip).toList()));
            }
        } catch (java.nio.charset.MalformedInputException e) {
            throw new TrainingDataException(file + ": not UTF-8 text", e);
        } catch (IOException e) {
            throw new TrainingDataException("cannot read " + file + ": " + e.getMessage(), e);
        }
        if (pairs.isEmpty()) {
            throw new TrainingDataException(file + ": no pairs (empty file); expected query<TAB>positive lines");
        }
        return pairs;
    }

    /**
     * Unlabelled texts: a {@code .jsonl} file is read as a BEIR corpus (title and text joined as the evaluator
     * does), anything else as one text per non-blank line.
     */
    public static List<String> texts(Path file) {
        Objects.requireNonNull(file, "file");
        if (!Files.isRegularFile(file)) {
            throw new TrainingDataException("text file not found: " + file);
        }
        List<String> out = new ArrayList<>();
        boolean jsonl = file.getFileName().toString().endsWith(".jsonl");
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int n = 0;
            while ((line = r.readLine()) != null) {
                n++;
                if (line.isBlank()) {
                    continue;
                }
                if (jsonl) {
                    JsonNode node;
                    try {
                        node = JSON.readTree(line);
                    } catch (IOException e) {
                        throw new TrainingDataException(file + " line " + n + ": not JSON: " + e.getMessage(), e);
                    }
                    if (node == null || !node.path("text").isTextual()) {
                        throw new TrainingDataException(file + " line " + n + ": no \"text\" string");
                    }
                    String t = BeirDataset.passageText(node.path("title").asText(""), node.path("text").asText());
                    if (!t.isBlank()) {
                        out.add(t);
                    }
                } else {
                    out.add(line.strip());
                }
            }
        } catch (IOException e) {
            throw new TrainingDataException("cannot read " + file + ": " + e.getMessage(), e);
        }
        if (out.isEmpty()) {
            throw new TrainingDataException(file + ": no texts");
        }
        return out;
    }

    /** Corpus id -> passage text of a BEIR folder (for mining negatives). */
    public static Map<String, String> corpus(Path dir) {
        Map<String, String> out = new LinkedHashMap<>();
        Path file = dir.resolve("corpus.jsonl");
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = r.readLine()) != null) {
                if (!line.isBlank()) {
                    JsonNode node = JSON.readTree(line);
                    out.put(node.path("_id").asText(), BeirDataset.passageText(node.path("title").asText(""),
                            node.path("text").asText()));
                }
            }
        } catch (IOException e) {
            throw new TrainingDataException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return out;
    }
}
