package dev.neuralsearch.cassandra;

import dev.neuralsearch.core.Filter;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A {@link Filter} as SAI predicates: a conjunction of {@code column = ?}, {@code column IN (...)} and numeric range
 * comparisons on the typed columns of filterable fields. Cassandra 5.0 CQL has no OR or NOT in a WHERE clause and
 * SAI has no substring or text-range match, so {@code Or}, {@code Not}, {@code Contains} and {@code TextRange} are
 * refused with {@link IllegalArgumentException} rather than evaluated after the fact (a post-filter would return
 * fewer than k hits from an ANN query).
 *
 * @param where  the predicates, joined by AND; empty for {@link Filter#ALL}
 * @param values the bound values, in order
 */
record CqlFilter(String where, List<Object> values) {

    static CqlFilter of(Filter filter, Map<String, FieldType> fields) {
        List<String> preds = new ArrayList<>();
        List<Object> values = new ArrayList<>();
        add(filter == null ? Filter.ALL : filter, fields, preds, values);
        return new CqlFilter(String.join(" AND ", preds), List.copyOf(values));
    }

    boolean isEmpty() {
        return where.isEmpty();
    }

    private static void add(Filter f, Map<String, FieldType> fields, List<String> preds, List<Object> values) {
        if (f instanceof Filter.All) {
            return;
        }
        if (f instanceof Filter.And and) {
            for (Filter c : and.filters()) {
                add(c, fields, preds, values);
            }
        } else if (f instanceof Filter.Eq eq) {
            FieldType t = type(fields, eq.field(), f);
            preds.add(CassandraSchema.column(eq.field()) + " = ?");
            values.add(bind(t, eq.field(), eq.value(), f));
        } else if (f instanceof Filter.In in) {
            FieldType t = type(fields, in.field(), f);
            List<String> marks = new ArrayList<>();
            for (Object v : in.values()) {
                marks.add("?");
                values.add(bind(t, in.field(), v, f));
            }
            preds.add(CassandraSchema.column(in.field()) + " IN (" + String.join(", ", marks) + ")");
        } else if (f instanceof Filter.Range r) {
            if (type(fields, r.field(), f) != FieldType.NUMBER) {
                throw refused(f, "field '" + r.field() + "' is not numeric");
            }
            String c = CassandraSchema.column(r.field());
            if (r.min() != Double.NEGATIVE_INFINITY) {
                preds.add(c + (r.minInclusive() ? " >= ?" : " > ?"));
                values.add(r.min());
            }
            if (r.max() != Double.POSITIVE_INFINITY) {
                preds.add(c + (r.maxInclusive() ? " <= ?" : " < ?"));
                values.add(r.max());
            }
            if (r.min() == Double.NEGATIVE_INFINITY && r.max() == Double.POSITIVE_INFINITY) {
                preds.add(c + " >= ?"); // any number: the field must be present, as in Filter.Range
                values.add(-Double.MAX_VALUE);
            }
        } else {
            throw refused(f, "Cassandra 5.0 SAI cannot push it down (OR, NOT, substring and text ranges have no SAI"
                    + " predicate); supported: eq, in, numeric ranges and and(...) of them");
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
