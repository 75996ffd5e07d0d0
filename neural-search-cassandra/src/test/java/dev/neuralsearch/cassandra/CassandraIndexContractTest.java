package dev.neuralsearch.cassandra;

import dev.neuralsearch.core.Filter;
import dev.neuralsearch.core.IndexSchema;
import dev.neuralsearch.core.VectorIndex;
import dev.neuralsearch.core.VectorIndexContract;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The {@link VectorIndexContract} on a real Cassandra node, each index in a table of its own. Differences, stated
 * through the suite's hooks: filters with OR, NOT, substring or text ranges are refused (SAI cannot push them down,
 * {@link #supportsFilter}); and the index is not "persistent" in the suite's sense, because Cassandra has no
 * uncommitted state: every acknowledged write is durable, so a reopen sees everything, not "exactly the last commit"
 * (durability across a crash is {@link CassandraDurabilityTest}'s).
 */
@Tag("cassandra")
@ExtendWith(CassandraNodeExtension.class)
class CassandraIndexContractTest extends VectorIndexContract {
    private static final AtomicInteger TABLES = new AtomicInteger();
    private CassandraNode node;

    @BeforeEach
    void node(CassandraNode node) {
        this.node = node;
    }

    @Override
    protected VectorIndex newIndex(IndexSchema schema) {
        return CassandraIndex.at(node.contactPoint(), "contract").table("t" + TABLES.incrementAndGet())
                .filterable("cat", String.class).filterable("year", Number.class).filterable("price", Number.class)
                .filterable("flag", Boolean.class).filterable("title", String.class).open(schema);
    }

    @Override
    protected double minRecall() {
        return 0.9;
    }

    @Override
    protected boolean supportsFilter(Filter filter) {
        return CassandraIndex.canPushDown(filter);
    }

    @Override
    protected int recallDocuments() {
        return 1_000;
    }
}
