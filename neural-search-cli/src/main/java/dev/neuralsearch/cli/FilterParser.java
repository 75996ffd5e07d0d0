package dev.neuralsearch.cli;

import dev.neuralsearch.core.Filter;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
 */
public final class FilterParser {

    private static final String FIELD = "([A-Za-z0-9_.:\\-]+)";
    private static final Pattern IN = Pattern.compile("^\\s*" + FIELD + "\\s+(?i:in)\\s*\\((.*)\\)\\s*$", Pattern.DOTALL);
    private static final Pattern COMPARISON = Pattern.compile("^\\s*" + FIELD + "\\s*(!=|>=|<=|=|>|<)\\s*(.*?)\\s*$",
            Pattern.DOTALL);
    private static final Pattern INTEGER = Pattern.compile("[+-]?\\d{1,18}");
    private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");

    private FilterParser() {
    }

    /** Parses an expression; a null or blank one is {@link Filter#ALL}. Throws {@link IllegalArgumentException}. */
    public static Filter parse(String expression) {
        if (expression == null || expression.isBlank()) {
            return Filter.ALL;
        }
        List<Filter> clauses = new ArrayList<>();
        for (String clause : split(expression, ',', expression)) {
            clauses.add(clause(clause, expression));
        }
        return clauses.size() == 1 ? clauses.get(0) : Filter.and(clauses.toArray(Filter[]::new));
    }

    private static Filter clause(String clause, String expression) {
        if (clause.isBlank()) {
            throw error(expression, "empty clause (two commas in a row, or a comma at an end)");
        }
        Matcher in = IN.matcher(clause);
        if (in.matches()) {
            List<Object> values = new ArrayList<>();
            for (String v : split(in.group(2), '|', expression)) {
                values.add(value(v, expression, clause));
            }
            return Filter.in(in.group(1), values);
        }
        Matcher m = COMPARISON.matcher(clause);
        if (!m.matches()) {
            throw error(expression, "cannot read clause '" + clause.strip()
                    + "'; expected field=value, field!=value, field>=n, field>n, field<=n, field<n or field in (a|b)");
        }
        String field = m.group(1);
        String op = m.group(2);
        Object value = value(m.group(3), expression, clause);
        switch (op) {
            case "=":
                return Filter.eq(field, value);
            case "!=":
                return Filter.ne(field, value);
            default:
                if (!(value instanceof Number n)) {
                    throw error(expression, "'" + clause.strip() + "': " + op + " needs a number, got '"
                            + m.group(3).strip() + "'");
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

    private static Object value(String raw, String expression, String clause) {
        String v = raw.strip();
        if (v.isEmpty()) {
            throw error(expression, "'" + clause.strip() + "': missing value");
        }
        char first = v.charAt(0);
        if (first == '"' || first == '\'') {
            if (v.length() < 2 || v.charAt(v.length() - 1) != first) {
                throw error(expression, "unclosed quote in '" + clause.strip() + "'");
            }
            return v.substring(1, v.length() - 1);
        }
        if (v.indexOf('(') >= 0 || v.indexOf(')') >= 0 || v.indexOf('|') >= 0) {
            throw error(expression, "'" + clause.strip() + "': unexpected ( ) or | in a value; quote it, or use"
                    + " field in (a|b) for several values");
        }
        if (INTEGER.matcher(v).matches()) {
            return Long.parseLong(v);
        }
        if (DECIMAL.matcher(v).matches()) {
            return Double.parseDouble(v);
        }
        if (v.equals("true") || v.equals("false")) {
            return Boolean.parseBoolean(v);
        }
        return v;
    }

    /** Splits on {@code separator} outside quotes and parentheses. */
    private static List<String> split(String s, char separator, String expression) {
        List<String> parts = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        char quote = 0;
        int depth = 0;
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
                parts.add(current.toString());
                current.setLength(0);
                continue;
            }
            current.append(c);
        }
        if (quote != 0) {
            throw error(expression, "unclosed quote");
        }
        if (depth != 0) {
            throw error(expression, "unbalanced '('");
        }
        parts.add(current.toString());
        return parts;
    }

    private static IllegalArgumentException error(String expression, String message) {
        return new IllegalArgumentException("bad filter \"" + expression + "\": " + message);
    }
}
