package dev.neuralsearch.cassandra;

/** The CQL type of a filterable metadata field's own column. */
public enum FieldType {
    /** Every number (long or double metadata) is kept as a CQL {@code double}: integers above 2^53 lose precision. */
    NUMBER("double"),
    TEXT("text"),
    BOOLEAN("boolean");

    private final String cql;

    FieldType(String cql) {
        this.cql = cql;
    }

    public String cql() {
        return cql;
    }

    /** {@code Number.class} (or any numeric class), {@code String.class}, {@code Boolean.class}. */
    public static FieldType of(Class<?> type) {
        if (type == String.class) {
            return TEXT;
        }
        if (type == Boolean.class || type == boolean.class) {
            return BOOLEAN;
        }
        if (Number.class.isAssignableFrom(type) || type == int.class || type == long.class || type == double.class
                || type == float.class) {
            return NUMBER;
        }
        throw new IllegalArgumentException("filterable fields are String, Number or Boolean, not " + type.getName());
    }

    /** The column value of a metadata value of this field, or null when it has another kind (not indexed then). */
    Object column(Object value) {
        return switch (this) {
            case NUMBER -> value instanceof Number n ? n.doubleValue() : null;
            case TEXT -> value instanceof String s ? s : null;
            case BOOLEAN -> value instanceof Boolean b ? b : null;
        };
    }
}
