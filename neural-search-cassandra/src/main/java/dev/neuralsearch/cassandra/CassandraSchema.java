package dev.neuralsearch.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.ResultSet;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import dev.neuralsearch.core.IndexSchema;
import dev.neuralsearch.core.Similarity;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The CQL layout of one index: its table, its SAI indexes and its row in the keyspace's catalog table, which records
 * the model id, dimension, similarity and filterable fields so that opening the table for another model is refused
 * as a home is.
 *
 * <p>Table: {@code id text PRIMARY KEY, text text, metadata text} (all metadata as a JSON object),
 * {@code embedding vector<float, dim>}, and one typed column {@code "m_<field>"} per filterable field (a copy of the
 * metadata value that SAI can index).
 */
public record CassandraSchema(String keyspace, String table, IndexSchema schema, Map<String, FieldType> fields,
                              int replicationFactor) {

    /** The catalog table, one row per index table of the keyspace. */
    public static final String CATALOG = "neural_search_catalog";
    static final int FORMAT = 1;
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,47}");
    private static final Pattern FIELD = Pattern.compile("[A-Za-z0-9_]{1,40}");

    public CassandraSchema {
        checkName("keyspace", keyspace);
        checkName("table", table);
        if (table.equals(CATALOG)) {
            throw new IllegalArgumentException("table name " + CATALOG + " is reserved for the catalog");
        }
        fields = java.util.Collections.unmodifiableMap(new TreeMap<>(fields));
        for (String f : fields.keySet()) {
            if (!FIELD.matcher(f).matches()) {
                throw new IllegalArgumentException("filterable field '" + f + "': use letters, digits and _ only"
                        + " (at most 40), so it can name a column");
            }
        }
        if (replicationFactor < 1) {
            throw new IllegalArgumentException("replication factor must be >= 1, was " + replicationFactor);
        }
    }

    private static void checkName(String what, String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(what + " name '" + name + "': use lower-case letters, digits and _,"
                    + " starting with a letter");
        }
    }

    /** The quoted column of a filterable field. */
    static String column(String field) {
        return "\"m_" + field + "\"";
    }

    String qualified() {
        return keyspace + "." + table;
    }

    /** The statements {@link #create} runs, in order; all are idempotent ({@code IF NOT EXISTS}). */
    public List<String> ddl() {
        List<String> out = new ArrayList<>();
        out.add("CREATE KEYSPACE IF NOT EXISTS " + keyspace + " WITH replication = {'class': 'SimpleStrategy', "
                + "'replication_factor': " + replicationFactor + "}");
        out.add("CREATE TABLE IF NOT EXISTS " + keyspace + "." + CATALOG + " (table_name text PRIMARY KEY, "
                + "model_id text, dimension int, similarity text, filterable map<text, text>, format int)");
        StringBuilder t = new StringBuilder("CREATE TABLE IF NOT EXISTS " + qualified()
                + " (id text PRIMARY KEY, text text, metadata text, embedding vector<float, " + schema.dimension() + ">");
        fields.forEach((f, type) -> t.append(", ").append(column(f)).append(' ').append(type.cql()));
        out.add(t.append(")").toString());
        out.add("CREATE CUSTOM INDEX IF NOT EXISTS " + table + "_embedding_idx ON " + qualified()
                + " (embedding) USING 'StorageAttachedIndex' WITH OPTIONS = {'similarity_function': '"
                + Scoring.saiFunction(schema.similarity()) + "'}");
        fields.keySet().forEach(f -> out.add("CREATE CUSTOM INDEX IF NOT EXISTS " + table + "_m_" + f.toLowerCase()
                + "_idx ON " + qualified() + " (" + column(f) + ") USING 'StorageAttachedIndex'"));
        return out;
    }

    /** The catalog row this schema writes (as CQL, for {@code --dry-run}). */
    public String catalogInsert() {
        return "INSERT INTO " + keyspace + "." + CATALOG + " (table_name, model_id, dimension, similarity, filterable,"
                + " format) VALUES ('" + table + "', '" + schema.modelId().replace("'", "''") + "', "
                + schema.dimension() + ", '" + schema.similarity() + "', " + typeNames() + ", " + FORMAT
                + ") IF NOT EXISTS";
    }

    private Map<String, String> typeNamesMap() {
        Map<String, String> m = new LinkedHashMap<>();
        fields.forEach((f, t) -> m.put(f, t.name()));
        return m;
    }

    private String typeNames() {
        StringBuilder b = new StringBuilder("{");
        typeNamesMap().forEach((f, t) -> b.append(b.length() > 1 ? ", " : "").append('\'').append(f).append("': '")
                .append(t).append('\''));
        return b.append('}').toString();
    }

    /**
     * Creates what is missing and checks the catalog: the first opener records its schema (a lightweight transaction,
     * so two servers opening at once agree), later ones must match it. Returns the effective schema: an opener that
     * declared no filterable fields gets the recorded ones.
     */
    CassandraSchema create(CqlSession session) {
        List<String> ddl = ddl();
        session.execute(ddl.get(0));
        session.execute(ddl.get(1));
        ResultSet rs = session.execute(SimpleStatement.newInstance("INSERT INTO " + keyspace + "." + CATALOG
                + " (table_name, model_id, dimension, similarity, filterable, format) VALUES (?, ?, ?, ?, ?, ?)"
                + " IF NOT EXISTS", table, schema.modelId(), schema.dimension(), schema.similarity().name(),
                typeNamesMap(), FORMAT));
        CassandraSchema effective = this;
        if (!rs.wasApplied()) {
            effective = check(rs.one());
        }
        for (String s : effective.ddl().subList(2, effective.ddl().size())) {
            session.execute(s);
        }
        return effective;
    }

    private CassandraSchema check(Row have) {
        String model = have.getString("model_id");
        int dim = have.getInt("dimension");
        Similarity sim = Similarity.valueOf(have.getString("similarity"));
        if (!model.equals(schema.modelId()) || dim != schema.dimension() || sim != schema.similarity()) {
            throw new IncompatibleIndexException("cassandra table " + qualified() + " was built for model '" + model
                    + "' (dimension " + dim + ", " + sim + "); it cannot be opened for model '" + schema.modelId()
                    + "' (dimension " + schema.dimension() + ", " + schema.similarity()
                    + "). Use another table or re-index.");
        }
        Map<String, FieldType> recorded = new TreeMap<>();
        have.getMap("filterable", String.class, String.class).forEach((f, t) -> recorded.put(f, FieldType.valueOf(t)));
        if (!fields.isEmpty() && !fields.equals(recorded)) {
            throw new IncompatibleIndexException("cassandra table " + qualified() + " was created with filterable"
                    + " fields " + recorded + "; it cannot be opened with " + fields + " (declare the same fields, or"
                    + " none to use the recorded ones; a new field needs a new table, its rows have no column for it)");
        }
        return new CassandraSchema(keyspace, table, schema, recorded, replicationFactor);
    }
}
