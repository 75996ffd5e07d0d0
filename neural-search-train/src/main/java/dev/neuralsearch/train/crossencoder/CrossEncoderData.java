package dev.neuralsearch.train.crossencoder;

import dev.neuralsearch.eval.BeirDataset;
import dev.neuralsearch.train.TrainFiles;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Training examples for a cross-encoder, from a BEIR folder (positives from {@code qrels/train.tsv}, negatives mined
 * by a bi-encoder, see {@link NegativeMiner}) or from a TSV file of {@code query \t positive \t negative [\t negative...]}
 * rows. Test queries never train: a BEIR training split that shares a query id with {@code qrels/test.tsv}, or a TSV
 * row whose query is the text of a test query, is refused.
 */
public final class CrossEncoderData {
    private static final Logger LOG = LoggerFactory.getLogger(CrossEncoderData.class);
    private CrossEncoderData() {
    }

    /** The query ids judged in {@code qrels/test.tsv} of a BEIR folder (empty when there is no such file). */
    public static Set<String> testQueryIds(Path beirDir) {
        Path test = beirDir.resolve("qrels").resolve("test.tsv");
        Set<String> ids = new LinkedHashSet<>();
        if (!Files.isRegularFile(test)) {
            return ids;
        }
        try (BufferedReader r = Files.newBufferedReader(test, StandardCharsets.UTF_8)) {
            String line;
            boolean first = true;
            while ((line = r.readLine()) != null) {
                String[] f = line.split("\t");
                if (first && f.length >= 1 && f[0].equalsIgnoreCase("query-id")) {
                    first = false;
                    continue;
                }
                first = false;
                if (!line.isBlank()) {
                    ids.add(f[0].trim());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + test + ": " + e.getMessage(), e);
        }
        return ids;
    }

    /**
     * Refuses a training split that contains test queries.
     *
     * @throws IllegalArgumentException naming the first few shared query ids
     */
    public static void refuseTestQueries(BeirDataset train, Set<String> testIds) {
        List<String> shared = new ArrayList<>();
        for (String q : train.queries().keySet()) {
            if (testIds.contains(q)) {
                shared.add(q);
            }
        }
        if (!shared.isEmpty()) {
            throw new IllegalArgumentException("the training split '" + train.split() + "' of " + train.name()
                    + " contains " + shared.size() + " test queries (ids in qrels/test.tsv), e.g. "
                    + shared.subList(0, Math.min(5, shared.size())) + ": refusing to train on test queries");
        }
    }

    /**
     * One example per (training query, relevant passage), with the query's mined negatives. A training query whose
     * text is the text of a test query under another id is left out (logged): it is the same question (SciFact's
     * train split has two, each with its test twin's relevant document).
     *
     * @param testTexts test query texts ({@link #testQueryTexts}), stripped
     * @param negatives ranked negative document ids per query id (from {@link NegativeMiner}); queries without any
     *                  are skipped
     */
    public static List<CrossEncoderExample> fromBeir(BeirDataset train, Set<String> testIds, Set<String> testTexts,
                                                     Map<String, List<String>> negatives) {
        refuseTestQueries(train, testIds);
        List<CrossEncoderExample> out = new ArrayList<>();
        List<String> leftOut = new ArrayList<>();
        for (Map.Entry<String, String> q : train.queries().entrySet()) {
            if (testTexts.contains(q.getValue().strip())) {
                leftOut.add(q.getKey());
                continue;
            }
            List<String> negIds = negatives.getOrDefault(q.getKey(), List.of());
            if (negIds.isEmpty()) {
                continue;
            }
            List<String> negTexts = new ArrayList<>(negIds.size());
            for (String d : negIds) {
                negTexts.add(train.corpus().get(d).passage());
            }
            for (Map.Entry<String, Integer> j : train.qrels().getOrDefault(q.getKey(), Map.of()).entrySet()) {
                if (j.getValue() > 0) {
                    out.add(new CrossEncoderExample(q.getKey(), q.getValue(), train.corpus().get(j.getKey()).passage(),
                            negTexts));
                }
            }
        }
        if (!leftOut.isEmpty()) {
            LOG.warn("{} training quer{} left out because {} text is the text of a test query under another id: {}",
                    leftOut.size(), leftOut.size() == 1 ? "y" : "ies", leftOut.size() == 1 ? "its" : "their", leftOut);
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(train.name() + " split " + train.split()
                    + ": no (query, positive, negatives) examples could be formed");
        }
        return out;
    }

    /**
     * Reads {@code query \t positive \t negative [\t negative ...]} rows (UTF-8; blank lines skipped).
     *
     * @param testQueries query texts that must not appear (e.g. a BEIR folder's test queries); may be empty
     * @throws IllegalArgumentException on an empty file, a malformed row (file and line named), or a test query
     */
    public static List<CrossEncoderExample> fromTsv(Path file, Set<String> testQueries) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("training file not found: " + file);
        }
        List<CrossEncoderExample> out = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int n = 0;
            while ((line = r.readLine()) != null) {
                n++;
                if (line.isBlank()) {
                    continue;
                }
                String[] f = line.split("\t", -1);
                if (f.length < 3) {
                    throw new IllegalArgumentException(file + ":" + n + ": expected query, positive and at least one "
                            + "negative separated by tabs, found " + f.length + " field(s)");
                }
                for (int i = 0; i < f.length; i++) {
                    if (f[i].isBlank()) {
                        throw new IllegalArgumentException(file + ":" + n + ": field " + (i + 1) + " is empty");
                    }
                }
                if (testQueries.contains(f[0].strip())) {
                    throw new IllegalArgumentException(file + ":" + n + ": the query is a test query ('" + f[0].strip()
                            + "'): refusing to train on test queries");
                }
                List<String> negs = new ArrayList<>(List.of(f).subList(2, f.length));
                out.add(new CrossEncoderExample(f[0].strip(), f[0], f[1], negs)); // id = the query text: rows of one query stay together in the validation split
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(file + ": no training rows");
        }
        return out;
    }

    /**
     * Writes examples as {@code query \t positive \t negative...} rows (tabs and line breaks inside texts become
     * spaces), readable by {@link #fromTsv}.
     */
    public static void writeTsv(List<CrossEncoderExample> examples, Path file) {
        StringBuilder sb = new StringBuilder();
        for (CrossEncoderExample e : examples) {
            sb.append(clean(e.query())).append('\t').append(clean(e.positive()));
            for (String n : e.negatives()) {
                sb.append('\t').append(clean(n));
            }
            sb.append('\n');
        }
        try {
            TrainFiles.writeAtomically(file, sb.toString().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private static String clean(String s) {
        return s.replace('\t', ' ').replace('\n', ' ').replace('\r', ' ');
    }

    /** The test query texts of a BEIR folder (empty without {@code qrels/test.tsv}). */
    public static Set<String> testQueryTexts(Path beirDir) {
        if (!Files.isRegularFile(beirDir.resolve("qrels").resolve("test.tsv"))) {
            return Set.of();
        }
        Map<String, String> q = new LinkedHashMap<>(BeirDataset.load(beirDir, "test").queries());
        Set<String> out = new LinkedHashSet<>();
        q.values().forEach(t -> out.add(t.strip()));
        return out;
    }
}
