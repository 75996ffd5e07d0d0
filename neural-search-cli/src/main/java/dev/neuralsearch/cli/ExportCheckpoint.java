package dev.neuralsearch.cli;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import java.time.Instant;

/**
 * Where an export of an index home into a Cassandra table got to, kept in the keyspace's
 * {@value #TABLE} table so that a killed export resumes: one row per (table, source home), holding the home's
 * commit generation and the position in {@code JVectorIndex.forEachLive} order up to which every document is
 * written. Written after each batch is acknowledged, at the index's consistency level.
 */
final class ExportCheckpoint {
    static final String TABLE = "neural_search_export";

    /** @param generation the commit of the home, @param position documents written, in forEachLive order */
    record Position(long generation, long position, boolean complete) {
    }

    private final CqlSession session;
    private final String table;
    private final String source;
    private final ConsistencyLevel consistency;
    private final PreparedStatement write;
    private final PreparedStatement read;

    ExportCheckpoint(CqlSession session, String keyspace, String table, String source, ConsistencyLevel consistency) {
        this.session = session;
        this.table = table;
        this.source = source;
        this.consistency = consistency;
        session.execute(ddl(keyspace));
        this.write = session.prepare("INSERT INTO " + keyspace + "." + TABLE + " (table_name, source, generation,"
                + " position, complete, updated) VALUES (?, ?, ?, ?, ?, ?)");
        this.read = session.prepare("SELECT generation, position, complete FROM " + keyspace + "." + TABLE
                + " WHERE table_name = ? AND source = ?");
    }

    static String ddl(String keyspace) {
        return "CREATE TABLE IF NOT EXISTS " + keyspace + "." + TABLE + " (table_name text, source text,"
                + " generation bigint, position bigint, complete boolean, updated timestamp,"
                + " PRIMARY KEY (table_name, source))";
    }

    /** The recorded position, or null when this home was never exported into this table. */
    Position load() {
        Row r = session.execute(read.bind(table, source).setConsistencyLevel(consistency)).one();
        return r == null ? null : new Position(r.getLong("generation"), r.getLong("position"),
                r.getBoolean("complete"));
    }

    void save(long generation, long position, boolean complete) {
        session.execute(write.bind(table, source, generation, position, complete, Instant.now())
                .setConsistencyLevel(consistency));
    }
}
