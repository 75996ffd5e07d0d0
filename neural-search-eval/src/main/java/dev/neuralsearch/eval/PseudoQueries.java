package dev.neuralsearch.eval;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Training queries made from the corpus itself (issue 22 item 4), so that a reranker trains on thousands of queries
 * instead of a dataset's few hundred judged ones:
 * <ul>
 *   <li>{@link Kind#TITLE}: a document's title is the query; its source passage is the text without the title.</li>
 *   <li>{@link Kind#CLOZE}: the inverse cloze task (Lee et al. 2019): the text's first sentence is the query; its
 *       source passage is the title plus the text without that sentence.</li>
 * </ul>
 * Documents are visited in a seeded shuffle, alternating the two kinds, until {@code count} queries are made;
 * a document without a title (for {@code TITLE}), or whose text is too short, is skipped. A query whose text
 * equals a held-out (test) query's text, compared stripped and lower-cased, is dropped, as
 * {@code CrossEncoderData} does for its TSV rows.
 */
public final class PseudoQueries {
    /** Every pseudo-query id starts with this; judged query ids of a BEIR set never do. */
    public static final String ID_PREFIX = "pq-";
    /** A query shorter than this (characters) says too little. */
    static final int MIN_QUERY_CHARS = 20;
    /** The source passage left after removing the query must keep at least this many characters. */
    static final int MIN_REST_CHARS = 100;
    /** A sentence ends at . ! or ? followed by white space and an upper-case letter or digit. */
    private static final Pattern SENTENCE_END = Pattern.compile("[.!?]\\s+(?=[\\p{Lu}\\d])");

    /** The two kinds. */
    public enum Kind { TITLE, CLOZE }

    /**
     * One pseudo-query.
     *
     * @param id            {@code pq-title-<doc>} or {@code pq-cloze-<doc>}
     * @param text          the query
     * @param kind          how it was made
     * @param source        the document it was made from
     * @param sourcePassage that document's passage without the query text (what a model trained on it sees)
     */
    public record Query(String id, String text, Kind kind, String source, String sourcePassage) {
    }

    private PseudoQueries() {
    }

    /** Whether a query id is a pseudo-query's. */
    public static boolean isPseudo(String queryId) {
        return queryId.startsWith(ID_PREFIX);
    }

    /**
     * Up to {@code count} pseudo-queries from {@code corpus}'s documents.
     *
     * @param excludedTexts query texts that must not appear (e.g. the test queries), any case and spacing at the ends
     */
    public static List<Query> generate(BeirDataset corpus, int count, long seed, Set<String> excludedTexts) {
        if (count < 0) {
            throw new IllegalArgumentException("count must be >= 0, was " + count);
        }
        Set<String> excluded = new java.util.HashSet<>();
        excludedTexts.forEach(t -> excluded.add(key(t)));
        List<BeirDataset.CorpusDoc> docs = new ArrayList<>(corpus.corpus().values());
        Collections.shuffle(docs, new Random(seed));
        List<Query> out = new ArrayList<>(Math.min(count, 2 * docs.size()));
        int i = 0;
        for (BeirDataset.CorpusDoc d : docs) {
            if (out.size() >= count) {
                break;
            }
            Kind kind = i % 2 == 0 ? Kind.TITLE : Kind.CLOZE;
            Query q = kind == Kind.TITLE ? title(d) : cloze(d);
            if (q == null) {
                q = kind == Kind.TITLE ? cloze(d) : title(d); // the other kind, if this document allows it
            }
            if (q != null && !excluded.contains(key(q.text()))) {
                out.add(q);
                i++;
            }
        }
        return out;
    }

    static Query title(BeirDataset.CorpusDoc d) {
        String title = d.title().strip();
        String text = d.text().strip();
        if (title.length() < MIN_QUERY_CHARS || text.length() < MIN_REST_CHARS) {
            return null;
        }
        return new Query(ID_PREFIX + "title-" + d.id(), title, Kind.TITLE, d.id(), text);
    }

    static Query cloze(BeirDataset.CorpusDoc d) {
        String text = d.text().strip();
        Matcher m = SENTENCE_END.matcher(text);
        if (!m.find()) {
            return null;
        }
        String first = text.substring(0, m.start() + 1).strip();
        String rest = text.substring(m.end()).strip();
        if (first.length() < MIN_QUERY_CHARS || rest.length() < MIN_REST_CHARS) {
            return null;
        }
        return new Query(ID_PREFIX + "cloze-" + d.id(), first, Kind.CLOZE, d.id(),
                BeirDataset.passageText(d.title(), rest));
    }

    private static String key(String text) {
        return text.strip().toLowerCase(Locale.ROOT);
    }
}
