package dev.neuralsearch.cassandra;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.data.CqlVector;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.neuralsearch.core.Document;
import dev.neuralsearch.core.Filter;
import dev.neuralsearch.core.IndexSchema;
import dev.neuralsearch.core.IndexStats;
import dev.neuralsearch.core.ScoredDocument;
import dev.neuralsearch.core.SearchOptions;
import dev.neuralsearch.core.VectorIndex;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * A {@link VectorIndex} over an Apache Cassandra 5 table: SAI (Storage-Attached Index) approximate nearest-neighbour
 * search on a {@code vector<float, dim>} column, metadata filters pushed down as SAI predicates ({@link CqlFilter}),
 * and exact rescoring of the returned candidates from their stored vectors. Opened by {@link #at}; see
 * docs/cassandra.md.
 *
 * <ul>
 *   <li>{@link #add} writes each document as one row at the chosen consistency level; a write acknowledged at that
 *       level is as durable as Cassandra makes it (commit log + replication), so {@link #commit()} has nothing left to
 *       do. Validation happens before the first write; a write that fails midway may leave part of a call applied
 *       (rows are independent partitions, there is no multi-partition atomicity).</li>
 *   <li>{@link #search} asks SAI for {@code k * overquery} candidates (at most {@value #MAX_ANN_LIMIT}), reads their
 *       vectors with them, and orders them by the exact score. Cassandra 5.0 runs such top-k queries at consistency
 *       ONE/LOCAL_ONE (or NODE_LOCAL) only, so a search may miss a write that reached a quorum but not the replica it asked.</li>
 *   <li>{@link #exactSearch} is a full scan of the matching rows (paged), scored in Java: exact, and O(documents).</li>
 *   <li>No lexical route: {@link #supportsLexical()} is false (Cassandra 5.0 has no BM25 ranking).</li>
 * </ul>
 */
public final class CassandraIndex implements VectorIndex {

    /**
     * Candidates SAI is asked for when the search options leave it to the index: k times this (as JVectorIndex's
     * default). A larger LIMIT also widens SAI's own graph search; at 2, full SciFact lost 0.010 nDCG@10 against
     * exact search (benchmarks/RESULTS.md, "Cassandra (issue 24)").
     */
    public static final float DEFAULT_OVERQUERY = 10f;
    /** Cassandra 5.0 refuses an ANN query whose LIMIT exceeds this (guardrail on ANN result size). */
    public static final int MAX_ANN_LIMIT = 1000;
    private static final int WRITES_IN_FLIGHT = 64;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final CqlSession session;
    private final boolean ownsSession;
    private final CassandraSchema layout;
    private final ConsistencyLevel consistency;
    private final PreparedStatement insert;
    private final PreparedStatement selectOne;
    private final PreparedStatement deleteOne;
    private final Map<String, PreparedStatement> prepared = new ConcurrentHashMap<>();
    private volatile boolean closed;

    CassandraIndex(CqlSession session, boolean ownsSession, CassandraSchema requested, ConsistencyLevel consistency) {
        this.session = session;
        this.ownsSession = ownsSession;
        this.consistency = consistency;
        this.layout = requested.create(session);
        StringBuilder cols = new StringBuilder("id, text, metadata, embedding");
        StringBuilder marks = new StringBuilder("?, ?, ?, ?");
        for (String f : layout.fields().keySet()) {
            cols.append(", ").append(CassandraSchema.column(f));
            marks.append(", ?");
        }
        this.insert = session.prepare("INSERT INTO " + layout.qualified() + " (" + cols + ") VALUES (" + marks + ")");
        this.selectOne = session.prepare("SELECT id, text, metadata, embedding FROM " + layout.qualified()
                + " WHERE id = ?");
        this.deleteOne = session.prepare("DELETE FROM " + layout.qualified() + " WHERE id = ?");
    }

    /** Starts a builder for the index at {@code contactPoint} ("host:port") in {@code keyspace}. */
    public static CassandraIndexFactory at(String contactPoint, String keyspace) {
        return new CassandraIndexFactory(contactPoint, keyspace);
    }

    /**
     * Whether {@link #search} can take {@code filter}: eq, in, numeric ranges and and(...) of them, on filterable
     * fields. Or, not, contains and text ranges are refused with {@link IllegalArgumentException}.
     */
    public static boolean canPushDown(Filter filter) {
        return CqlFilter.pushable(filter);
    }

    @Override
    public IndexSchema schema() {
        return layout.schema();
    }

    /** The table, its filterable fields and its keyspace as opened (the recorded fields if none were declared). */
    public CassandraSchema layout() {
        return layout;
    }

    /** The driver session this index uses (for the application's own statements, e.g. an export checkpoint). */
    public CqlSession session() {
        return session;
    }

    public ConsistencyLevel consistency() {
        return consistency;
    }

    @Override
    public void add(List<Document> documents, List<float[]> vectors) {
        checkOpen();
        Document.checkBatch(documents, vectors);
        List<BoundStatement> writes = new ArrayList<>(documents.size());
        for (int i = 0; i < documents.size(); i++) {
            Document d = documents.get(i);
            List<Object> values = new ArrayList<>();
            values.add(d.id());
            values.add(d.text());
            values.add(json(d.metadata()));
            values.add(cqlVector(checkVector(vectors.get(i), "vector of document " + d.id())));
            layout.fields().forEach((f, t) -> values.add(d.metadata().containsKey(f) ? t.column(d.metadata().get(f))
                    : null));
            writes.add(insert.bind(values.toArray()).setConsistencyLevel(consistency));
        }
        runAll(writes);
    }

    /** Runs statements with a bounded number in flight; throws the first failure after all have finished. */
    private void runAll(List<BoundStatement> statements) {
        Semaphore permits = new Semaphore(WRITES_IN_FLIGHT);
        List<CompletionStage<AsyncResultSet>> stages = new ArrayList<>(statements.size());
        for (BoundStatement s : statements) {
            permits.acquireUninterruptibly();
            stages.add(session.executeAsync(s).whenComplete((r, e) -> permits.release()));
        }
        RuntimeException first = null;
        for (CompletionStage<AsyncResultSet> st : stages) {
            try {
                st.toCompletableFuture().join();
            } catch (java.util.concurrent.CompletionException e) {
                RuntimeException cause = e.getCause() instanceof RuntimeException r ? r : e; // the driver's own
                first = first == null ? cause : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }

    @Override
    public int delete(Collection<String> ids) {
        checkOpen();
        Set<String> unique = new LinkedHashSet<>();
        for (String id : ids) {
            if (id == null) {
                throw new IllegalArgumentException("null id in delete");
            }
            unique.add(id);
        }
        int existed = 0;
        List<BoundStatement> deletes = new ArrayList<>();
        for (String id : unique) {
            if (session.execute(selectOne.bind(id).setConsistencyLevel(consistency)).one() != null) {
                existed++;
                deletes.add(deleteOne.bind(id).setConsistencyLevel(consistency));
            }
        }
        runAll(deletes);
        return existed;
    }

    /** Nothing to do: every acknowledged write is already in the commit log of its replicas (see class doc). */
    @Override
    public void commit() {
        checkOpen();
    }

    /** The checks both searches make, in one order; returns the filter as SAI queries (one per {@code in} value). */
    private List<CqlFilter> checkSearch(float[] query, int k, Filter filter) {
        checkOpen();
        checkVector(query, "query vector");
        List<CqlFilter> queries = CqlFilter.of(filter, layout.fields());
        if (k < 0) {
            throw new IllegalArgumentException("k must be >= 0, was " + k);
        }
        return queries;
    }

    @Override
    public List<ScoredDocument> search(float[] query, int k, Filter filter, SearchOptions options) {
        List<CqlFilter> queries = checkSearch(query, k, filter);
        if (k == 0) {
            return List.of();
        }
        if (k > MAX_ANN_LIMIT) {
            throw new IllegalArgumentException("k " + k + " exceeds Cassandra's ANN limit of " + MAX_ANN_LIMIT);
        }
        float over = options == null || options.useDefault() ? DEFAULT_OVERQUERY : Math.max(1f, options.overquery());
        int limit = (int) Math.min(MAX_ANN_LIMIT, Math.max(k, (long) Math.ceil(k * (double) over)));
        TopK top = new TopK(k);
        for (CqlFilter where : queries) {
            String cql = "SELECT id, text, metadata, embedding FROM " + layout.qualified()
                    + (where.isEmpty() ? "" : " WHERE " + where.where()) + " ORDER BY embedding ANN OF ? LIMIT ?";
            List<Object> values = new ArrayList<>(where.values());
            values.add(cqlVector(query));
            values.add(limit);
            for (Row row : session.execute(prepare(cql).bind(values.toArray()).setConsistencyLevel(annConsistency()))) {
                top.offer(row, query);
            }
        }
        return top.sorted();
    }

    @Override
    public List<ScoredDocument> exactSearch(float[] query, int k, Filter filter) {
        List<CqlFilter> queries = checkSearch(query, k, filter);
        if (k == 0) {
            return List.of();
        }
        TopK top = new TopK(k);
        for (CqlFilter where : queries) {
            // a scan: ALLOW FILTERING only tells Cassandra that reading every candidate row is intended
            String cql = "SELECT id, text, metadata, embedding FROM " + layout.qualified()
                    + (where.isEmpty() ? "" : " WHERE " + where.where() + " ALLOW FILTERING");
            for (Row row : session.execute(prepare(cql).bind(where.values().toArray())
                    .setConsistencyLevel(consistency).setPageSize(1000))) {
                top.offer(row, query);
            }
        }
        return top.sorted();
    }

    /**
     * Cassandra 5.0 runs top-k (ANN) queries at ONE, LOCAL_ONE or NODE_LOCAL only and downgrades any other level to
     * LOCAL_ONE with a warning; this asks for that level outright. Writes, get, vector, exactSearch and stats keep the
     * chosen level.
     */
    private ConsistencyLevel annConsistency() {
        return consistency == DefaultConsistencyLevel.ONE ? consistency : DefaultConsistencyLevel.LOCAL_ONE;
    }

    /** Keeps the k best rows by exact score; ties by id so the order is stable. */
    private final class TopK {
        private final int k;
        private final PriorityQueue<ScoredDocument> heap;
        private final Comparator<ScoredDocument> order = Comparator.comparingDouble(ScoredDocument::score)
                .thenComparing(sd -> sd.document().id(), Comparator.reverseOrder());

        TopK(int k) {
            this.k = k;
            this.heap = new PriorityQueue<>(k + 1, order);
        }

        void offer(Row row, float[] query) {
            float score = layout.schema().similarity().score(query, vector(row));
            heap.add(new ScoredDocument(document(row), score));
            if (heap.size() > k) {
                heap.poll();
            }
        }

        List<ScoredDocument> sorted() {
            List<ScoredDocument> out = new ArrayList<>(heap);
            out.sort(order.reversed());
            return out;
        }
    }

    @Override
    public Optional<Document> get(String id) {
        return row(id).map(CassandraIndex::document);
    }

    @Override
    public Optional<float[]> vector(String id) {
        return row(id).map(CassandraIndex::vector);
    }

    private Optional<Row> row(String id) {
        checkOpen();
        if (id == null) {
            return Optional.empty();
        }
        return Optional.ofNullable(session.execute(selectOne.bind(id).setConsistencyLevel(consistency)).one());
    }

    /**
     * {@code documents} is a {@code COUNT(*)}, a scan of the table (slow on a large one); segments, tombstones and
     * bytes are Cassandra's business (nodetool tablestats) and reported as 0.
     */
    @Override
    public IndexStats stats() {
        checkOpen();
        Row r = session.execute(SimpleStatement.newInstance("SELECT COUNT(*) FROM " + layout.qualified())
                .setConsistencyLevel(consistency).setTimeout(java.time.Duration.ofMinutes(5))).one();
        return new IndexStats(r == null ? 0 : r.getLong(0), 0, 0, 0, 0);
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            if (ownsSession) {
                session.close();
            }
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("CassandraIndex on " + layout.qualified() + " is closed");
        }
    }

    private PreparedStatement prepare(String cql) {
        return prepared.computeIfAbsent(cql, session::prepare);
    }

    private float[] checkVector(float[] v, String what) {
        return layout.schema().checkVector(v, what); // the same checks and messages as every index
    }

    static CqlVector<Float> cqlVector(float[] v) {
        List<Float> list = new ArrayList<>(v.length);
        for (float f : v) {
            list.add(f);
        }
        return CqlVector.newInstance(list);
    }

    static float[] vector(Row row) {
        CqlVector<Float> v = row.getVector("embedding", Float.class);
        float[] out = new float[v.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = v.get(i);
        }
        return out;
    }

    static Document document(Row row) {
        try {
            Map<String, Object> meta = JSON.readValue(row.getString("metadata"), new TypeReference<>() { });
            return new Document(row.getString("id"), row.getString("text"), meta);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("row " + row.getString("id") + ": metadata is not a JSON object", e);
        }
    }

    private static String json(Map<String, Object> metadata) {
        try {
            return JSON.writeValueAsString(metadata);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("metadata cannot be written as JSON: " + e.getMessage(), e);
        }
    }
}
