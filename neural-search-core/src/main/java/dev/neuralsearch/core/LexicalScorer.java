package dev.neuralsearch.core;

import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * BM25 for {@link InMemoryVectorIndex}: terms are lower-cased runs of letters and digits (no stemming, no stop
 * words); {@code idf = ln(1 + (N - df + 0.5) / (df + 0.5))} times
 * {@code tf / (tf + k1 (1 - b + b dl / avgdl))}, as in Lucene's {@code BM25Similarity}, with {@code k1} 1.2 and
 * {@code b} 0.75 (Lucene stores lengths lossily, so its scores differ slightly). Statistics are computed per query over the
 * documents given, which is exact and linear in their number.
 */
final class LexicalScorer {
    private static final Pattern NON_WORD = Pattern.compile("[^\\p{L}\\p{N}]+");
    private static final double K1 = 1.2;
    private static final double B = 0.75;

    /** A document's term frequencies and length (in terms). */
    record Terms(Map<String, Integer> frequencies, int length) {
    }

    static Terms terms(String text) {
        Map<String, Integer> tf = new HashMap<>();
        int length = 0;
        for (String t : tokens(text)) {
            tf.merge(t, 1, Integer::sum);
            length++;
        }
        return new Terms(Map.copyOf(tf), length);
    }

    private static List<String> tokens(String text) {
        return NON_WORD.splitAsStream(text.toLowerCase(Locale.ROOT)).filter(s -> !s.isEmpty()).toList();
    }

    /** The query's distinct terms with their idf over {@code documents}, and the documents' average length. */
    Query prepare(String query, Collection<Terms> documents) {
        Set<String> distinct = new LinkedHashSet<>(tokens(query));
        Map<String, Double> idf = new HashMap<>();
        long totalLength = 0;
        for (Terms d : documents) {
            totalLength += d.length();
        }
        int n = documents.size();
        for (String term : distinct) {
            int df = 0;
            for (Terms d : documents) {
                if (d.frequencies().containsKey(term)) {
                    df++;
                }
            }
            if (df > 0) {
                idf.put(term, Math.log(1 + (n - df + 0.5) / (df + 0.5)));
            }
        }
        return new Query(idf, n == 0 ? 1 : Math.max(1e-9, totalLength / (double) n));
    }

    record Query(Map<String, Double> idf, double averageLength) {
        /** 0 when the document shares no term with the query. */
        float score(Terms d) {
            double s = 0;
            for (Map.Entry<String, Double> e : idf.entrySet()) {
                Integer tf = d.frequencies().get(e.getKey());
                if (tf != null) {
                    double norm = K1 * (1 - B + B * d.length() / averageLength);
                    s += e.getValue() * tf / (tf + norm);
                }
            }
            return (float) s;
        }
    }
}
