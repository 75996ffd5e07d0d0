package dev.neuralsearch.langchain4j;

import dev.langchain4j.store.embedding.filter.comparison.ContainsString;
import dev.langchain4j.store.embedding.filter.comparison.IsEqualTo;
import dev.langchain4j.store.embedding.filter.comparison.IsGreaterThan;
import dev.langchain4j.store.embedding.filter.comparison.IsGreaterThanOrEqualTo;
import dev.langchain4j.store.embedding.filter.comparison.IsIn;
import dev.langchain4j.store.embedding.filter.comparison.IsLessThan;
import dev.langchain4j.store.embedding.filter.comparison.IsLessThanOrEqualTo;
import dev.langchain4j.store.embedding.filter.comparison.IsNotEqualTo;
import dev.langchain4j.store.embedding.filter.comparison.IsNotIn;
import dev.langchain4j.store.embedding.filter.logical.And;
import dev.langchain4j.store.embedding.filter.logical.Not;
import dev.langchain4j.store.embedding.filter.logical.Or;
import dev.neuralsearch.core.Filter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

/**
 * Translates a LangChain4j metadata filter into a {@link Filter} that the index applies inside its graph search.
 *
 * <p>Semantics follow LangChain4j's own in-memory store: a missing key fails every comparison, except
 * {@code IsNotEqualTo} and {@code IsNotIn}, which a missing key satisfies. Numbers compare by value whatever
 * their type; strings compare lexicographically; UUIDs compare as their canonical strings.
 */
public final class FilterTranslator {
    private FilterTranslator() {
    }

    /** Null means "no filter" ({@link Filter#ALL}). */
    public static Filter translate(dev.langchain4j.store.embedding.filter.Filter filter) {
        if (filter == null) {
            return Filter.ALL;
        }
        return tr(filter);
    }

    private static Filter tr(dev.langchain4j.store.embedding.filter.Filter f) {
        if (f instanceof IsEqualTo x) {
            return Filter.eq(key(x.key()), value(x.comparisonValue()));
        }
        if (f instanceof IsNotEqualTo x) {
            return Filter.ne(key(x.key()), value(x.comparisonValue()));
        }
        if (f instanceof IsGreaterThan x) {
            Object v = value(x.comparisonValue());
            return v instanceof String s ? Filter.gt(key(x.key()), s) : Filter.gt(key(x.key()), number(v, x));
        }
        if (f instanceof IsGreaterThanOrEqualTo x) {
            Object v = value(x.comparisonValue());
            return v instanceof String s ? Filter.gte(key(x.key()), s) : Filter.gte(key(x.key()), number(v, x));
        }
        if (f instanceof IsLessThan x) {
            Object v = value(x.comparisonValue());
            return v instanceof String s ? Filter.lt(key(x.key()), s) : Filter.lt(key(x.key()), number(v, x));
        }
        if (f instanceof IsLessThanOrEqualTo x) {
            Object v = value(x.comparisonValue());
            return v instanceof String s ? Filter.lte(key(x.key()), s) : Filter.lte(key(x.key()), number(v, x));
        }
        if (f instanceof IsIn x) {
            return Filter.in(key(x.key()), values(x.comparisonValues()));
        }
        if (f instanceof IsNotIn x) {
            return Filter.not(Filter.in(key(x.key()), values(x.comparisonValues())));
        }
        if (f instanceof ContainsString x) {
            return Filter.contains(key(x.key()), x.comparisonValue());
        }
        if (f instanceof And x) {
            return Filter.and(tr(x.left()), tr(x.right()));
        }
        if (f instanceof Or x) {
            return Filter.or(tr(x.left()), tr(x.right()));
        }
        if (f instanceof Not x) {
            return Filter.not(tr(x.expression()));
        }
        throw new UnsupportedOperationException("neural-search cannot translate the LangChain4j filter "
                + f.getClass().getName() + " (" + f + ")");
    }

    private static String key(String key) {
        if (key.startsWith(MetadataCodec.RESERVED_PREFIX)) {
            throw new IllegalArgumentException("metadata key '" + key + "' is reserved");
        }
        return key;
    }

    private static Object value(Object v) {
        return v instanceof UUID u ? u.toString() : v;
    }

    private static List<Object> values(Collection<?> vs) {
        List<Object> out = new ArrayList<>(vs.size());
        for (Object v : vs) {
            out.add(value(v));
        }
        return out;
    }

    private static double number(Object v, Object filter) {
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        throw new UnsupportedOperationException("cannot compare with a value of type "
                + (v == null ? "null" : v.getClass().getName()) + " in " + filter);
    }
}
