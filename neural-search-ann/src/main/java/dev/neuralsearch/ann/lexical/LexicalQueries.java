package dev.neuralsearch.ann.lexical;

import dev.neuralsearch.core.Document;
import dev.neuralsearch.core.Filter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.document.DoublePoint;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.MatchNoDocsQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermQuery;

/**
 * How documents and filters map onto the Lucene index of the lexical route: the Lucene document of a document (id,
 * analysed text, metadata as indexed fields), the BM25 query of a text, and the translation of a {@link Filter} into
 * a Lucene query, exact where the indexed fields can answer it and widened (then checked hit by hit) where not.
 */
final class LexicalQueries {
    /** Lucene refuses terms above 32766 bytes; longer metadata strings are not indexed (and so never match). */
    private static final int MAX_TERM_BYTES = 32_766;

    private LexicalQueries() {
    }

    /** The BM25 query for {@code text}, restricted to {@code filter} (a Lucene filter; null for none). */
    static Query buildQuery(Analyzer analyzer, String text, Query filter) {
        Map<String, Integer> terms = new LinkedHashMap<>();
        try (TokenStream ts = analyzer.tokenStream(LexicalIndex.TEXT, text)) {
            CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
            ts.reset();
            while (ts.incrementToken()) {
                terms.merge(term.toString(), 1, Integer::sum);
            }
            ts.end();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (terms.isEmpty()) {
            return null;
        }
        BooleanQuery.Builder any = new BooleanQuery.Builder();
        int n = 0;
        for (Map.Entry<String, Integer> t : terms.entrySet()) {
            if (n++ == IndexSearcher.getMaxClauseCount() - 1) {
                break; // very long queries: the first terms decide
            }
            Query tq = new TermQuery(new Term(LexicalIndex.TEXT, t.getKey()));
            // a term repeated in the query counts as often as it occurs (as Lucene's query parser does)
            any.add(t.getValue() == 1 ? tq : new BoostQuery(tq, t.getValue()), BooleanClause.Occur.SHOULD);
        }
        Query textQuery = any.build();
        if (filter == null || filter instanceof MatchAllDocsQuery) {
            return textQuery;
        }
        return new BooleanQuery.Builder()
                .add(textQuery, BooleanClause.Occur.MUST)
                .add(filter, BooleanClause.Occur.FILTER)
                .build();
    }

    private static String stringField(String key) {
        return "s." + key;
    }

    private static String boolField(String key) {
        return "b." + key;
    }

    private static String numberField(String key) {
        return "n." + key;
    }

    static org.apache.lucene.document.Document toLucene(Document d) {
        org.apache.lucene.document.Document doc = new org.apache.lucene.document.Document();
        doc.add(new StringField(LexicalIndex.ID, d.id(), Field.Store.YES));
        doc.add(new TextField(LexicalIndex.TEXT, d.text() == null ? "" : d.text(), Field.Store.NO));
        for (Map.Entry<String, Object> e : d.metadata().entrySet()) {
            Object v = e.getValue();
            if (v instanceof String s) {
                if (s.getBytes(StandardCharsets.UTF_8).length <= MAX_TERM_BYTES) {
                    doc.add(new StringField(stringField(e.getKey()), s, Field.Store.NO));
                }
            } else if (v instanceof Boolean b) {
                doc.add(new StringField(boolField(e.getKey()), b.toString(), Field.Store.NO));
            } else if (v instanceof Number num) {
                doc.add(new DoublePoint(numberField(e.getKey()), num.doubleValue()));
            }
        }
        return doc;
    }

    /**
     * A Lucene query matching at least the documents {@link Filter#matches} accepts (exactly those when
     * {@link #exact}); see {@link LexicalIndex#search}.
     */
    static Query superset(Filter f) {
        return translate(f, true);
    }

    /** A Lucene query matching only documents {@link Filter#matches} accepts (for the operand of a negation). */
    static Query subset(Filter f) {
        return translate(f, false);
    }

    /** Whether the indexed fields answer {@code f} exactly, so that {@link #superset} is no wider than it. */
    static boolean exact(Filter f) {
        if (f instanceof Filter.All || f instanceof Filter.Range) {
            return true;
        } else if (f instanceof Filter.Eq eq) {
            return exactValue(eq.value());
        } else if (f instanceof Filter.In in) {
            return in.values().stream().allMatch(LexicalQueries::exactValue);
        } else if (f instanceof Filter.And and) {
            return and.filters().stream().allMatch(LexicalQueries::exact);
        } else if (f instanceof Filter.Or or) {
            return or.filters().stream().allMatch(LexicalQueries::exact);
        } else if (f instanceof Filter.Not not) {
            return exact(not.filter());
        }
        return false; // Contains, TextRange
    }

    /**
     * The translation of {@code f}: widened to a superset when {@code wide}, narrowed to a subset otherwise (a
     * negation swaps them). Conditions the indexed fields cannot answer become "all" or "none".
     */
    private static Query translate(Filter f, boolean wide) {
        if (f instanceof Filter.All) {
            return new MatchAllDocsQuery();
        } else if (f instanceof Filter.Eq eq) {
            return valueQuery(eq.field(), eq.value(), wide);
        } else if (f instanceof Filter.In in) {
            BooleanQuery.Builder b = new BooleanQuery.Builder();
            for (Object v : in.values()) {
                b.add(valueQuery(in.field(), v, wide), BooleanClause.Occur.SHOULD);
            }
            return b.build();
        } else if (f instanceof Filter.Range r) {
            // Java's comparisons take -0.0 == 0.0; the point encoding orders -0.0 below 0.0
            double lo = r.minInclusive() ? (r.min() == 0 ? -0.0 : r.min()) : Math.nextUp(r.min());
            double hi = r.maxInclusive() ? (r.max() == 0 ? 0.0 : r.max()) : Math.nextDown(r.max());
            if (Double.compare(lo, hi) > 0) {
                return new MatchNoDocsQuery();
            }
            return DoublePoint.newRangeQuery(numberField(r.field()), lo, hi);
        } else if (f instanceof Filter.And and) {
            BooleanQuery.Builder b = new BooleanQuery.Builder();
            b.add(new MatchAllDocsQuery(), BooleanClause.Occur.FILTER);
            for (Filter c : and.filters()) {
                b.add(translate(c, wide), BooleanClause.Occur.FILTER);
            }
            return b.build();
        } else if (f instanceof Filter.Or or) {
            if (or.filters().isEmpty()) {
                return new MatchNoDocsQuery();
            }
            BooleanQuery.Builder b = new BooleanQuery.Builder();
            for (Filter c : or.filters()) {
                b.add(translate(c, wide), BooleanClause.Occur.SHOULD);
            }
            return b.build();
        } else if (f instanceof Filter.Not not) {
            return new BooleanQuery.Builder()
                    .add(new MatchAllDocsQuery(), BooleanClause.Occur.FILTER)
                    .add(translate(not.filter(), !wide), BooleanClause.Occur.MUST_NOT)
                    .build();
        } else if (f instanceof Filter.Contains || f instanceof Filter.TextRange) {
            // not answered by the index (a substring needs a scan of every term, and term order is UTF-8 byte
            // order, not String.compareTo's): left to the check of each hit
            return wide ? new MatchAllDocsQuery() : new MatchNoDocsQuery();
        }
        throw new IllegalArgumentException("unsupported filter " + f);
    }

    /** Whether a value's indexed form tells exactly the values {@link Filter} takes as equal to it. */
    private static boolean exactValue(Object v) {
        if (v instanceof String s) {
            return s.getBytes(StandardCharsets.UTF_8).length <= MAX_TERM_BYTES; // longer ones are not indexed
        } else if (v instanceof Long l) {
            // longs compare exactly with longs; a double point cannot tell apart longs beyond 2^53
            return Math.abs(l) < (1L << 53);
        }
        return true;
    }

    private static Query valueQuery(String field, Object v, boolean wide) {
        if (!exactValue(v)) {
            if (v instanceof Long l && wide) {
                return DoublePoint.newExactQuery(numberField(field), l.doubleValue()); // the longs that round alike
            }
            return wide ? new MatchAllDocsQuery() : new MatchNoDocsQuery();
        }
        if (v instanceof String s) {
            return new TermQuery(new Term(stringField(field), s));
        } else if (v instanceof Boolean b) {
            return new TermQuery(new Term(boolField(field), b.toString()));
        } else if (v instanceof Number n) {
            double d = n.doubleValue();
            return d == 0 ? DoublePoint.newRangeQuery(numberField(field), -0.0, 0.0) // both zeros, as == does
                    : DoublePoint.newExactQuery(numberField(field), d);
        }
        throw new IllegalArgumentException("unsupported filter value " + v);
    }
}
