package dev.neuralsearch.core;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A predicate over document metadata. Numbers compare by value whatever their Java type
 * ({@code eq("year", 2021)} matches a stored {@code 2021L} or {@code 2021.0}). A field that is absent
 * matches no comparison (so {@code not(eq("lang", "en"))} matches documents without "lang").
 */
public sealed interface Filter {

    boolean matches(Map<String, Object> metadata);

    /** Matches every document. */
    Filter ALL = new All();

    static Filter all() {
        return ALL;
    }

    static Filter eq(String field, Object value) {
        return new Eq(field, Document.normaliseValue("filter", field, value));
    }

    static Filter ne(String field, Object value) {
        return not(eq(field, value));
    }

    static Filter in(String field, Object... values) {
        return in(field, Arrays.asList(values));
    }

    static Filter in(String field, java.util.Collection<?> values) {
        Set<Object> set = new LinkedHashSet<>();
        for (Object v : values) {
            set.add(Document.normaliseValue("filter", field, v));
        }
        return new In(field, Set.copyOf(set));
    }

    static Filter gt(String field, double value) {
        return new Range(field, value, false, Double.POSITIVE_INFINITY, true);
    }

    static Filter gte(String field, double value) {
        return new Range(field, value, true, Double.POSITIVE_INFINITY, true);
    }

    static Filter lt(String field, double value) {
        return new Range(field, Double.NEGATIVE_INFINITY, true, value, false);
    }

    static Filter lte(String field, double value) {
        return new Range(field, Double.NEGATIVE_INFINITY, true, value, true);
    }

    /** Inclusive on both ends. */
    static Filter between(String field, double min, double max) {
        return new Range(field, min, true, max, true);
    }

    /** String comparisons are lexicographic ({@link String#compareTo}); they match string values only. */
    static Filter gt(String field, String value) {
        return new TextRange(field, Objects.requireNonNull(value, "value"), false, null, false);
    }

    static Filter gte(String field, String value) {
        return new TextRange(field, Objects.requireNonNull(value, "value"), true, null, false);
    }

    static Filter lt(String field, String value) {
        return new TextRange(field, null, false, Objects.requireNonNull(value, "value"), false);
    }

    static Filter lte(String field, String value) {
        return new TextRange(field, null, false, Objects.requireNonNull(value, "value"), true);
    }

    /** A string value that contains {@code substring} (case-sensitive). */
    static Filter contains(String field, String substring) {
        return new Contains(field, substring);
    }

    static Filter and(Filter... filters) {
        return new And(List.of(filters));
    }

    static Filter or(Filter... filters) {
        return new Or(List.of(filters));
    }

    static Filter not(Filter filter) {
        return new Not(filter);
    }

    /** True for {@link #ALL}: callers may skip filtering altogether. */
    default boolean matchesAll() {
        return this instanceof All;
    }

    record All() implements Filter {
        @Override
        public boolean matches(Map<String, Object> metadata) {
            return true;
        }
    }

    record Eq(String field, Object value) implements Filter {
        public Eq {
            requireField(field);
            Objects.requireNonNull(value, "value");
        }

        @Override
        public boolean matches(Map<String, Object> metadata) {
            return valueEquals(metadata.get(field), value);
        }
    }

    record In(String field, Set<Object> values) implements Filter {
        public In {
            requireField(field);
            if (values.isEmpty()) {
                throw new IllegalArgumentException("filter in(" + field + "): no values");
            }
        }

        @Override
        public boolean matches(Map<String, Object> metadata) {
            Object actual = metadata.get(field);
            if (actual == null) {
                return false;
            }
            for (Object v : values) {
                if (valueEquals(actual, v)) {
                    return true;
                }
            }
            return false;
        }
    }

    record Range(String field, double min, boolean minInclusive, double max, boolean maxInclusive) implements Filter {
        public Range {
            requireField(field);
            if (Double.isNaN(min) || Double.isNaN(max)) {
                throw new IllegalArgumentException("filter range on " + field + ": NaN bound");
            }
            if (min > max) {
                throw new IllegalArgumentException("filter range on " + field + ": min " + min + " > max " + max);
            }
        }

        @Override
        public boolean matches(Map<String, Object> metadata) {
            if (!(metadata.get(field) instanceof Number n)) {
                return false;
            }
            double d = n.doubleValue();
            boolean aboveMin = minInclusive ? d >= min : d > min;
            boolean belowMax = maxInclusive ? d <= max : d < max;
            return aboveMin && belowMax;
        }
    }

    /**
     * A lexicographic range over string values; a null bound is open. Non-string values never match.
     */
    record TextRange(String field, String min, boolean minInclusive, String max, boolean maxInclusive)
            implements Filter {
        public TextRange {
            requireField(field);
            if (min == null && max == null) {
                throw new IllegalArgumentException("filter text range on " + field + ": no bound");
            }
            if (min != null && max != null && min.compareTo(max) > 0) {
                throw new IllegalArgumentException("filter text range on " + field + ": min '" + min
                        + "' > max '" + max + "'");
            }
        }

        @Override
        public boolean matches(Map<String, Object> metadata) {
            if (!(metadata.get(field) instanceof String s)) {
                return false;
            }
            if (min != null) {
                int c = s.compareTo(min);
                if (c < 0 || (c == 0 && !minInclusive)) {
                    return false;
                }
            }
            if (max != null) {
                int c = s.compareTo(max);
                if (c > 0 || (c == 0 && !maxInclusive)) {
                    return false;
                }
            }
            return true;
        }
    }

    /** A string value containing a substring (case-sensitive). Non-string values never match. */
    record Contains(String field, String substring) implements Filter {
        public Contains {
            requireField(field);
            Objects.requireNonNull(substring, "substring");
        }

        @Override
        public boolean matches(Map<String, Object> metadata) {
            return metadata.get(field) instanceof String s && s.contains(substring);
        }
    }

    record And(List<Filter> filters) implements Filter {
        public And {
            filters = List.copyOf(filters);
        }

        @Override
        public boolean matches(Map<String, Object> metadata) {
            for (Filter f : filters) {
                if (!f.matches(metadata)) {
                    return false;
                }
            }
            return true;
        }
    }

    record Or(List<Filter> filters) implements Filter {
        public Or {
            filters = List.copyOf(filters);
        }

        @Override
        public boolean matches(Map<String, Object> metadata) {
            for (Filter f : filters) {
                if (f.matches(metadata)) {
                    return true;
                }
            }
            return false;
        }
    }

    record Not(Filter filter) implements Filter {
        public Not {
            Objects.requireNonNull(filter, "filter");
        }

        @Override
        public boolean matches(Map<String, Object> metadata) {
            return !filter.matches(metadata);
        }
    }

    private static void requireField(String field) {
        if (field == null || field.isEmpty()) {
            throw new IllegalArgumentException("filter field is null or empty");
        }
    }

    private static boolean valueEquals(Object actual, Object expected) {
        if (actual == null) {
            return false;
        }
        if (actual instanceof Long a && expected instanceof Long e) {
            return a.longValue() == e.longValue(); // exact: doubles cannot tell large longs apart
        }
        if (actual instanceof Number a && expected instanceof Number e) {
            return a.doubleValue() == e.doubleValue();
        }
        return actual.equals(expected);
    }
}
