package dev.neuralsearch.cassandra;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import dev.neuralsearch.core.IndexFactory;
import dev.neuralsearch.core.IndexSchema;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Builds a {@link CassandraIndex}: {@code CassandraIndex.at("127.0.0.1:9042", "search").table("docs")
 * .consistency(DefaultConsistencyLevel.QUORUM).filterable("year", Number.class)}. As an {@link IndexFactory} it plugs
 * into {@code NeuralSearch.builder().index(...)} where {@code JVectorIndex.at(home)} did; the builder passes the
 * encoder's schema, which the keyspace's catalog checks.
 */
public final class CassandraIndexFactory implements IndexFactory {
    private final String contactPoint;
    private final String keyspace;
    private String table = "documents";
    private String localDatacenter = "datacenter1";
    private ConsistencyLevel consistency = DefaultConsistencyLevel.LOCAL_QUORUM;
    private int replicationFactor = 1;
    private Duration requestTimeout = Duration.ofSeconds(30);
    private final Map<String, FieldType> filterable = new LinkedHashMap<>();
    private CqlSession session;

    CassandraIndexFactory(String contactPoint, String keyspace) {
        this.contactPoint = Objects.requireNonNull(contactPoint, "contactPoint");
        this.keyspace = Objects.requireNonNull(keyspace, "keyspace");
    }

    /** The table of this index in the keyspace (default {@code documents}); several indexes may share a keyspace. */
    public CassandraIndexFactory table(String name) {
        this.table = name;
        return this;
    }

    /** Read and write consistency of every statement (default {@code LOCAL_QUORUM}). */
    public CassandraIndexFactory consistency(ConsistencyLevel level) {
        this.consistency = Objects.requireNonNull(level, "consistency");
        return this;
    }

    /** The data centre the driver routes to (default {@code datacenter1}, a fresh node's). */
    public CassandraIndexFactory localDatacenter(String dc) {
        this.localDatacenter = Objects.requireNonNull(dc, "localDatacenter");
        return this;
    }

    /** Replication factor of the keyspace when this creates it (SimpleStrategy; default 1). */
    public CassandraIndexFactory replicationFactor(int rf) {
        this.replicationFactor = rf;
        return this;
    }

    /** Driver request timeout (default 30 s: schema changes and COUNT(*) are slow on a small node). */
    public CassandraIndexFactory requestTimeout(Duration timeout) {
        this.requestTimeout = Objects.requireNonNull(timeout, "requestTimeout");
        return this;
    }

    /**
     * Marks a metadata field filterable: it gets a typed column and an SAI index. {@code type}: {@code Number.class}
     * (any number), {@code String.class} or {@code Boolean.class}. Fixed when the table is created.
     */
    public CassandraIndexFactory filterable(String field, Class<?> type) {
        filterable.put(field, FieldType.of(type));
        return this;
    }

    /** Uses the application's session instead of opening one; the index then does not close it. */
    public CassandraIndexFactory session(CqlSession session) {
        this.session = session;
        return this;
    }

    /** The layout {@link #open} would create, for {@code schema} (nothing is contacted). */
    public CassandraSchema layout(IndexSchema schema) {
        return new CassandraSchema(keyspace, table, schema, filterable, replicationFactor);
    }

    @Override
    public CassandraIndex open(IndexSchema schema) {
        CassandraSchema layout = layout(schema);
        boolean own = session == null;
        CqlSession s = own ? connect() : session;
        try {
            return new CassandraIndex(s, own, layout, consistency);
        } catch (RuntimeException e) {
            if (own) {
                s.close();
            }
            throw e;
        }
    }

    /** Opens a driver session to the contact point (no keyspace: statements name it). */
    public CqlSession connect() {
        return CqlSession.builder()
                .addContactPoint(address(contactPoint))
                .withLocalDatacenter(localDatacenter)
                .withConfigLoader(DriverConfigLoader.programmaticBuilder()
                        .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, requestTimeout)
                        .withDuration(DefaultDriverOption.CONNECTION_INIT_QUERY_TIMEOUT, Duration.ofSeconds(10))
                        .withDuration(DefaultDriverOption.METADATA_SCHEMA_REQUEST_TIMEOUT, requestTimeout)
                        .withDuration(DefaultDriverOption.CONTROL_CONNECTION_AGREEMENT_TIMEOUT, requestTimeout)
                        .build())
                .build();
    }

    /** "host:port", or "host" for port 9042. */
    static InetSocketAddress address(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        if (colon < 0) {
            return new InetSocketAddress(hostPort, 9042);
        }
        try {
            return new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("contact point '" + hostPort + "': expected host:port", e);
        }
    }
}
