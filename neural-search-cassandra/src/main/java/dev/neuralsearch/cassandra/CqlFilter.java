package dev.neuralsearch.cassandra;

import dev.neuralsearch.core.Filter;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A {@link Filter} as SAI predicates: a conjunction of {@code column = ?} and numeric range comparisons on the typed
 * columns of filterable fields ({@code in(...)} becomes one such conjunction per value, see {@link #of}). Cassandra 5.0 CQL has no OR or NOT in a WHERE clause and
 * SAI has no substring or text-range match, so {@code Or}, {@code Not}, {@code Contains} and {@code TextRange} are
 * refused with {@link IllegalArgumentException} rather than evaluated after the fact (a post-filter would return
 * fewer than k hits from an ANN query).
 *
 * @param where  the predicates, joined by AND; empty for {@link Filter#ALL}
 * @param values the bound values, in order
 */
record CqlFilter(String where, List<Object> values) {

    /** Most CQL queries one filter expands to (the product of its in(...) sizes). */
    static final int MAX_DISJUNCTS = 64;

    /**
     * The filter as disjoint conjunctions, one query each: SAI in Cassandra 5.0 has no IN, so {@code in(f, a, b)}
     * becomes the queries {@code f = a} and {@code f = b} (their rows are disjoint, so the top-k of the union is the
     * top-k of the per-query top-k lists). One element for a filter without in(...).
     */
    static List<CqlFilter> of(Filter filter, Map<String, FieldType> fields) {
        List<List<String>> preds = new ArrayList<>(List.of(new ArrayList<>()));
        List<List<Object>> values = new ArrayList<>(List.of(new ArrayList<>()));
        add(filter == null ? Filter.ALL : filter, fields, preds, values);
        List<CqlFilter> out = new ArrayList<>();
        for (int i = 0; i < preds.size(); i++) {
            out.add(new CqlFilter(String.join(" AND ", preds.get(i)), List.copyOf(values.get(i))));
        }
        return out;
    }

    /** Whether the filter's shape has SAI predicates (fields aside): eq, in, numeric ranges and and(...) of them. */
    static boolean pushable(Filter f) {
        if (f == null || f instanceof Filter.All || f instanceof Filter.Eq || f instanceof Filter.In
                || f instanceof Filter.Range) {
            return true;
        }
        return f instanceof Filter.And and && and.filters().stream().allMatch(CqlFilter::pushable);
    }

    boolean isEmpty() {
        return where.isEmpty();
    }

    private static void add(Filter f, Map<String, FieldType> fields, List<List<String>> preds,
                            List<List<Object>> values) {
        if (f instanceof Filter.All) {
            return;
        }
        if (f instanceof Filter.And and) {
            for (Filter c : and.filters()) {
                add(c, fields, preds, values);
            }
        } else if (f instanceof Filter.Eq eq) {
            FieldType t = type(fields, eq.field(), f);
            all(preds, CassandraSchema.column(eq.field()) + " = ?");
            all(values, bind(t, eq.field(), eq.value(), f));
        } else if (f instanceof Filter.In in) {
            FieldType t = type(fields, in.field(), f);
            java.util.Set<Object> distinct = new java.util.LinkedHashSet<>();
            for (Object v : in.values()) {
                distinct.add(bind(t, in.field(), v, f)); // 2005L and 2005.0 are one column value
            }
            if ((long) preds.size() * distinct.size() > MAX_DISJUNCTS) {
                throw refused(f, "it expands to more than " + MAX_DISJUNCTS + " queries (SAI in Cassandra 5.0 has no"
                        + " IN: each value is a query of its own)");
            }
            List<List<String>> p2 = new ArrayList<>();
            List<List<Object>> v2 = new ArrayList<>();
            for (int i = 0; i < preds.size(); i++) {
                for (Object v : distinct) {
                    List<String> p = new ArrayList<>(preds.get(i));
                    p.add(CassandraSchema.column(in.field()) + " = ?");
                    List<Object> vs = new ArrayList<>(values.get(i));
                    vs.add(v);
                    p2.add(p);
                    v2.add(vs);
                }
            }
            preds.clear();
            preds.addAll(p2);
            values.clear();
            values.addAll(v2);
        } else if (f instanceof Filter.Range r) {
            if (type(fields, r.field(), f) != FieldType.NUMBER) {
                throw refused(f, "field '" + r.field() + "' is not numeric");
            }
            String c = CassandraSchema.column(r.field());
            if (r.min() != Double.NEGATIVE_INFINITY) {
                all(preds, c + (r.minInclusive() ? " >= ?" : " > ?"));
                all(values, r.min());
            }
            if (r.max() != Double.POSITIVE_INFINITY) {
                all(preds, c + (r.maxInclusive() ? " <= ?" : " < ?"));
                all(values, r.max());
            }
            if (r.min() == Double.NEGATIVE_INFINITY && r.max() == Double.POSITIVE_INFINITY) {
                all(preds, c + " >= ?"); // any number: the field must be present, as in Filter.Range
                all(values, -Double.MAX_VALUE);
            }
        } else {
            throw refused(f, "Cassandra 5.0 SAI cannot push it down (OR, NOT, substring and text ranges have no SAI"
                    + " predicate); supported: eq, in, numeric ranges and and(...) of them");
        }
    }

    private static <T> void all(List<List<T>> alternatives, T item) {
        for (List<T> a : alternatives) {
            a.add(item);
        }
    }

    private static FieldType type(Map<String, FieldType> fields, String field, Filter f) {
        FieldType t = fields.get(field);
        if (t == null) {
            throw refused(f, "field '" + field + "' is not filterable; declare it with"
                    + " CassandraIndex.at(...).filterable(\"" + field + "\", <type>) when the table is created");
        }
        return t;
    }

    private static Object bind(FieldType t, String field, Object value, Filter f) {
        Object v = t.column(value);
        if (v == null) {
            throw refused(f, "field '" + field + "' holds " + t + " values, not " + value.getClass().getSimpleName());
        }
        return v;
    }

    private static IllegalArgumentException refused(Filter f, String why) {
        return new IllegalArgumentException("filter " + f + " is not supported by CassandraIndex: " + why);
    }
}
