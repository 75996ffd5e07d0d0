package dev.neuralsearch.cli;

import dev.neuralsearch.core.Filter;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line's filter syntax: clauses joined by commas, all of which must hold.
 *
 * <pre>
 *   field=value        equal            lang=en, year=2021
 *   field!=value       not equal        (also matches documents without the field)
 *   field&gt;n  field&gt;=n  field&lt;n  field&lt;=n   numeric comparisons
 *   field in (a|b|c)   any of the values
 * </pre>
 * Values: an unquoted integer or decimal is a number (it matches 2021 and 2021.0 alike), {@code true} and
 * {@code false} are booleans, anything else is a string. Quote a value ({@code "..."} or {@code '...'}) to make
 * it a string and to use commas, pipes or parentheses in it. Field names are letters, digits, {@code _ . - :}.
 *
 * <p>A hand-written scanner, no regular expression: each character is looked at a bounded number of times, so
 * parsing costs time linear in the input (a server parses filters from untrusted request bodies). At most
 * {@link #MAX_CLAUSES} clauses and {@link #MAX_IN_VALUES} values per {@code in} list.
 */
public final class FilterParser {

    /** Most clauses in one expression. */
    public static final int MAX_CLAUSES = 64;
    /** Most values in one {@code in} list. */
    public static final int MAX_IN_VALUES = 1024;

    private FilterParser() {
    }

    /** Parses an expression; a null or blank one is {@link Filter#ALL}. Throws {@link IllegalArgumentException}. */
    public static Filter parse(String expression) {
        if (expression == null || expression.isBlank()) {
            return Filter.ALL;
        }
        List<String> parts = split(expression, ',', expression, MAX_CLAUSES, "clauses");
        List<Filter> clauses = new ArrayList<>(parts.size());
        for (String clause : parts) {
            clauses.add(clause(clause, expression));
        }
        return clauses.size() == 1 ? clauses.get(0) : Filter.and(clauses.toArray(Filter[]::new));
    }

    private static boolean isFieldChar(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                || c == '_' || c == '.' || c == ':' || c == '-';
    }

    private static int skipSpace(String s, int i) {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        return i;
    }

    private static Filter clause(String clause, String expression) {
        if (clause.isBlank()) {
            throw error(expression, "empty clause (two commas in a row, or a comma at an end)");
        }
        int i = skipSpace(clause, 0);
        int fieldStart = i;
        while (i < clause.length() && isFieldChar(clause.charAt(i))) {
            i++;
        }
        String field = clause.substring(fieldStart, i);
        int afterField = i;
        i = skipSpace(clause, i);
        if (!field.isEmpty() && i > afterField && isInList(clause, i)) {
            return inList(field, clause, skipSpace(clause, i + 2), expression);
        }
        String op = operator(clause, i);
        if (field.isEmpty() || op == null) {
            throw error(expression, "cannot read clause '" + cut(clause)
                    + "'; expected field=value, field!=value, field>=n, field>n, field<=n, field<n or field in (a|b)");
        }
        String raw = clause.substring(i + op.length());
        String rest = raw.strip();
        if (!rest.isEmpty() && "=<>!".indexOf(rest.charAt(0)) >= 0) {
            throw error(expression, "'" + cut(clause) + "': unknown operator; use =, !=, >, >=, < or <=");
        }
        Object value = value(raw, expression, clause);
        switch (op) {
            case "=":
                return Filter.eq(field, value);
            case "!=":
                return Filter.ne(field, value);
            default:
                if (!(value instanceof Number n)) {
                    throw error(expression, "'" + cut(clause) + "': " + op + " needs a number, got '"
                            + cut(rest) + "'");
                }
                double d = n.doubleValue();
                return switch (op) {
                    case ">" -> Filter.gt(field, d);
                    case ">=" -> Filter.gte(field, d);
                    case "<" -> Filter.lt(field, d);
                    default -> Filter.lte(field, d);
                };
        }
    }

    /** "in" (any case) at {@code i}, followed by a space or "(". */
    private static boolean isInList(String s, int i) {
        if (i + 2 > s.length() || !s.regionMatches(true, i, "in", 0, 2)) {
            return false;
        }
        return i + 2 == s.length() || s.charAt(i + 2) == '(' || Character.isWhitespace(s.charAt(i + 2));
    }

    /** {@code (a|b|c)} from {@code open} to the end of the clause. */
    private static Filter inList(String field, String clause, int open, String expression) {
        String rest = clause.substring(open).stripTrailing();
        if (rest.isEmpty() || rest.charAt(0) != '(' || rest.charAt(rest.length() - 1) != ')' || rest.length() < 2) {
            throw error(expression, "cannot read clause '" + cut(clause)
                    + "'; expected field in (a|b|c)");
        }
        List<Object> values = new ArrayList<>();
        String inside = rest.substring(1, rest.length() - 1);
        for (String v : split(inside, '|', expression, MAX_IN_VALUES, "values in a list")) {
            values.add(value(v, expression, clause));
        }
        return Filter.in(field, values);
    }

    /** The comparison operator at {@code i}, longest first, or null. */
    private static String operator(String s, int i) {
        if (i >= s.length()) {
            return null;
        }
        char c = s.charAt(i);
        boolean eqNext = i + 1 < s.length() && s.charAt(i + 1) == '=';
        return switch (c) {
            case '=' -> "=";
            case '!' -> eqNext ? "!=" : null;
            case '>' -> eqNext ? ">=" : ">";
            case '<' -> eqNext ? "<=" : "<";
            default -> null;
        };
    }

    private static Object value(String raw, String expression, String clause) {
        String v = raw.strip();
        if (v.isEmpty()) {
            throw error(expression, "'" + cut(clause) + "': missing value");
        }
        char first = v.charAt(0);
        if (first == '"' || first == '\'') {
            if (v.length() < 2 || v.charAt(v.length() - 1) != first) {
                throw error(expression, "unclosed quote in '" + cut(clause) + "'");
            }
            return v.substring(1, v.length() - 1);
        }
        if (v.indexOf('(') >= 0 || v.indexOf(')') >= 0 || v.indexOf('|') >= 0) {
            throw error(expression, "'" + cut(clause) + "': unexpected ( ) or | in a value; quote it, or use"
                    + " field in (a|b) for several values");
        }
        if (isInteger(v)) {
            return Long.parseLong(v);
        }
        if (isDecimal(v)) {
            return Double.parseDouble(v);
        }
        if (v.equals("true") || v.equals("false")) {
            return Boolean.parseBoolean(v);
        }
        return v;
    }

    /** An optional sign and 1 to 18 digits (always fits a long). */
    private static boolean isInteger(String v) {
        int i = v.charAt(0) == '+' || v.charAt(0) == '-' ? 1 : 0;
        int digits = v.length() - i;
        if (digits < 1 || digits > 18) {
            return false;
        }
        for (; i < v.length(); i++) {
            if (v.charAt(i) < '0' || v.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    /** {@code [+-]? (d+ .? d* | . d+) ([eE] [+-]? d+)?}, scanned once. */
    private static boolean isDecimal(String v) {
        int i = v.charAt(0) == '+' || v.charAt(0) == '-' ? 1 : 0;
        int before = digits(v, i);
        i += before;
        int after = 0;
        if (i < v.length() && v.charAt(i) == '.') {
            after = digits(v, i + 1);
            i += 1 + after;
        }
        if (before == 0 && after == 0) {
            return false;
        }
        if (i < v.length() && (v.charAt(i) == 'e' || v.charAt(i) == 'E')) {
            i++;
            if (i < v.length() && (v.charAt(i) == '+' || v.charAt(i) == '-')) {
                i++;
            }
            int exponent = digits(v, i);
            if (exponent == 0) {
                return false;
            }
            i += exponent;
        }
        return i == v.length();
    }

    private static int digits(String s, int from) {
        int i = from;
        while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
            i++;
        }
        return i - from;
    }

    /** Splits on {@code separator} outside quotes and parentheses, into at most {@code max} parts. */
    private static List<String> split(String s, char separator, String expression, int max, String what) {
        List<String> parts = new ArrayList<>();
        char quote = 0;
        int depth = 0;
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
            } else if (c == '(') {
                depth++;
            } else if (c == ')') {
                if (--depth < 0) {
                    throw error(expression, "unbalanced ')'");
                }
            } else if (c == separator && depth == 0) {
                if (parts.size() + 1 >= max) {
                    throw error(expression, "more than " + max + " " + what);
                }
                parts.add(s.substring(start, i));
                start = i + 1;
            }
        }
        if (quote != 0) {
            throw error(expression, "unclosed quote");
        }
        if (depth != 0) {
            throw error(expression, "unbalanced '('");
        }
        parts.add(s.substring(start));
        return parts;
    }

    private static IllegalArgumentException error(String expression, String message) {
        return new IllegalArgumentException("bad filter \"" + cut(expression) + "\": " + message);
    }

    /** Stripped, and cut to its first 200 characters: messages quote the input, which may be 64 KiB. */
    private static String cut(String s) {
        String t = s.strip();
        return t.length() <= 200 ? t : t.substring(0, 200) + "... (" + t.length() + " characters)";
    }
}
