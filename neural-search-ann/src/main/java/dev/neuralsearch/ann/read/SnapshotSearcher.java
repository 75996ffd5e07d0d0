package dev.neuralsearch.ann.read;

import dev.neuralsearch.ann.JVectorIndexOptions;
import dev.neuralsearch.ann.commit.CommitPoint;
import dev.neuralsearch.ann.store.DocumentStore;
import dev.neuralsearch.ann.write.WriteBuffer;
import dev.neuralsearch.core.Document;
import dev.neuralsearch.core.Filter;
import dev.neuralsearch.core.IndexSchema;
import dev.neuralsearch.core.IndexStats;
import dev.neuralsearch.core.ScoredDocument;
import dev.neuralsearch.core.ScoredId;
import dev.neuralsearch.core.SearchOptions;
import dev.neuralsearch.core.Similarity;
import io.github.jbellis.jvector.vector.VectorSimilarityFunction;
import io.github.jbellis.jvector.vector.VectorizationProvider;
import io.github.jbellis.jvector.vector.types.VectorFloat;
import io.github.jbellis.jvector.vector.types.VectorTypeSupport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.stream.Stream;

/**
 * The reads of an index instance on its current snapshot: the vector search fan-out over the segments and the write
 * buffer, the merge of their candidates and the hydration of the hits (document store, else the segment doc file),
 * lookups by id, the ordered walk of live documents, and the stats. Callers run each inside the
 * {@link SnapshotManager#read gate}.
 */
public final class SnapshotSearcher {
    private static final VectorTypeSupport VTS = VectorizationProvider.getInstance().getVectorTypeSupport();

    private final Path home;
    private final IndexSchema schema;
    private final JVectorIndexOptions options;
    private final VectorSimilarityFunction vsf;
    private final SnapshotManager snapshots;
    private final DocumentStore store;
    private final CommitPoint commit;

    public SnapshotSearcher(Path home, IndexSchema schema, JVectorIndexOptions options, SnapshotManager snapshots,
                            DocumentStore store, CommitPoint commit) {
        this.home = home;
        this.schema = schema;
        this.options = options;
        this.vsf = toJVector(schema.similarity());
        this.snapshots = snapshots;
        this.store = store;
        this.commit = commit;
    }

    public static VectorSimilarityFunction toJVector(Similarity s) {
        return switch (s) {
            case COSINE -> VectorSimilarityFunction.COSINE;
            case DOT_PRODUCT -> VectorSimilarityFunction.DOT_PRODUCT;
            case EUCLIDEAN -> VectorSimilarityFunction.EUCLIDEAN;
        };
    }

    /** A checked copy of {@code v} as a JVector vector. */
    public static VectorFloat<?> checkVector(IndexSchema schema, float[] v, String what) {
        return VTS.createFloatVector(schema.checkVector(v, what).clone());
    }

    /** JVector maps cosine and dot product to (1 + x) / 2; report the natural value. */
    private float userScore(float s) {
        return schema.similarity() == Similarity.EUCLIDEAN ? s : 2f * s - 1f;
    }

    private VectorFloat<?> checkQuery(float[] query, int k) {
        if (k < 0) {
            throw new IllegalArgumentException("k must be >= 0, was " + k);
        }
        return checkVector(schema, query, "query vector");
    }

    public List<ScoredDocument> search(float[] query, int k, Filter filter, SearchOptions searchOptions) {
        return approximate(query, k, filter, searchOptions, this::hydrate);
    }

    /**
     * {@link #search} without reading the documents: the ids come from the segments' id tables (and the write
     * buffer), so a hit costs no document-store read and no JSON decoding.
     */
    public List<ScoredId> searchIds(float[] query, int k, Filter filter, SearchOptions searchOptions) {
        return approximate(query, k, filter, searchOptions, (s, hits) -> {
            List<ScoredId> out = new ArrayList<>(hits.size());
            for (Candidates.Candidate c : hits) {
                out.add(new ScoredId(c.id(), userScore(c.score())));
            }
            return out;
        });
    }

    /** The approximate top k of one snapshot, turned into results by {@code finish} while the snapshot is held. */
    private <R> List<R> approximate(float[] query, int k, Filter filter, SearchOptions searchOptions,
                                    BiFunction<Snapshot, List<Candidates.Candidate>, List<R>> finish) {
        VectorFloat<?> q = checkQuery(query, k);
        Filter f = filter == null ? Filter.ALL : filter;
        if (k == 0) {
            return List.of();
        }
        int rerankK = rerankK(k, searchOptions);
        int rescoreK = searchOptions == null || searchOptions.rescore() == 0f ? rerankK
                : (int) Math.min(rerankK, Math.max(k, (long) Math.ceil(k * (double) searchOptions.rescore())));
        Snapshot s = snapshots.acquire();
        try {
            return finish.apply(s, s.search(q, k, rerankK, rescoreK, f, vsf, options));
        } finally {
            s.release();
        }
    }

    /** Candidates the approximate pass gathers for {@code k} hits: k x the overquery, at most 100,000. */
    private int rerankK(int k, SearchOptions searchOptions) {
        float over = searchOptions == null || searchOptions.useDefault() ? options.overquery()
                : Math.max(1f, searchOptions.overquery());
        return (int) Math.min(Math.max(k, (long) Math.ceil(k * (double) over)), 100_000L);
    }

    public List<ScoredDocument> exactSearch(float[] query, int k, Filter filter) {
        VectorFloat<?> q = checkQuery(query, k);
        Filter f = filter == null ? Filter.ALL : filter;
        if (k == 0) {
            return List.of();
        }
        Snapshot s = snapshots.acquire();
        try {
            return hydrate(s, s.exactSearch(q, k, f, vsf));
        } finally {
            s.release();
        }
    }

    private List<ScoredDocument> hydrate(Snapshot s, List<Candidates.Candidate> hits) {
        List<ScoredDocument> out = new ArrayList<>(hits.size());
        for (Candidates.Candidate c : hits) {
            Document d = c.doc();
            if (d == null) {
                d = store.get(DocumentStore.key(c.segment(), c.ordinal()));
                if (d == null) {
                    d = s.segment(c.segment()).readDocument(c.ordinal());
                }
            }
            out.add(new ScoredDocument(d, userScore(c.score())));
        }
        return out;
    }

    /** Ids the vector route holds (uncommitted changes included); the caller holds the write lock. */
    public Set<String> denseIds() {
        Snapshot s = snapshots.acquire();
        try {
            Set<String> out = new HashSet<>();
            for (WriteBuffer.Entry e : s.buffer.live()) {
                out.add(e.doc().id());
            }
            for (Segment seg : s.segments) {
                for (int i = 0; i < seg.count; i++) {
                    if (!seg.deleted.get(i)) {
                        out.add(seg.ids.get(i));
                    }
                }
            }
            return out;
        } finally {
            s.release();
        }
    }

    /** See {@code JVectorIndex#forEachLive}. */
    public long forEachLive(long skip, BiConsumer<Document, float[]> action) {
        Snapshot s = snapshots.acquire();
        try {
            long position = 0;
            long visited = 0;
            for (Segment seg : s.segments) {
                if (position + seg.liveCount() <= skip) {
                    position += seg.liveCount(); // a whole segment before the resume point: not read at all
                    continue;
                }
                for (int ord = 0; ord < seg.count; ord++) {
                    if (seg.deleted.get(ord) || position++ < skip) {
                        continue;
                    }
                    Document d = store.get(DocumentStore.key(seg.id, ord));
                    action.accept(d != null ? d : seg.readDocument(ord), seg.vector(ord));
                    visited++;
                }
            }
            return visited;
        } finally {
            s.release();
        }
    }

    public Optional<Document> get(String id) {
        return resolve(id, (s, seg, ord, e) -> e != null ? e.doc()
                : Optional.ofNullable(store.get(DocumentStore.key(seg.id, ord))).orElseGet(() -> seg.readDocument(ord)));
    }

    public Optional<float[]> vector(String id) {
        return resolve(id, (s, seg, ord, e) -> {
            if (e != null) {
                float[] f = new float[e.vector().length()];
                for (int i = 0; i < f.length; i++) {
                    f[i] = e.vector().get(i);
                }
                return f;
            }
            return seg.vector(ord);
        });
    }

    private interface Resolver<T> {
        T apply(Snapshot s, Segment seg, int ord, WriteBuffer.Entry bufferEntry);
    }

    /**
     * Finds the live copy of an id. A lookup in one snapshot can miss a document that is being replaced (the old copy
     * tombstoned in place, the new one in a buffer that only a newer snapshot holds), so a miss is retried while a
     * replacement or a new snapshot happened meanwhile; a hit is always a live copy.
     */
    private <T> Optional<T> resolve(String id, Resolver<T> fn) {
        if (id == null) {
            return Optional.empty();
        }
        for (int attempt = 0; attempt < 10_000; attempt++) {
            long seen = snapshots.replacements();
            Snapshot s = snapshots.acquire();
            try {
                long loc = s.locate(id);
                if (loc >= 0) {
                    int segId = DocumentStore.segmentOf(loc);
                    int ord = (int) loc;
                    return Optional.of(segId == Candidates.BUFFER ? fn.apply(s, null, ord, s.buffer.get(ord))
                            : fn.apply(s, s.segment(segId), ord, null));
                }
                if (seen == snapshots.replacements() && s == snapshots.current()) {
                    return Optional.empty();
                }
            } finally {
                s.release();
            }
            Thread.yield();
        }
        return Optional.empty();
    }

    /**
     * Counts of one snapshot, without locks: while an update is being applied, its document may be counted twice
     * for an instant (the new copy is appended before the old one is tombstoned).
     */
    public IndexStats stats() {
        Snapshot s = snapshots.acquire();
        try {
            long tomb = 0;
            long flushed = 0;
            int committedSegments = 0;
            Set<Integer> committed = commit.ids();
            for (Segment seg : s.segments) {
                tomb += seg.deleted.cardinality();
                if (!committed.contains(seg.id)) {
                    flushed += seg.liveCount();
                } else {
                    committedSegments++;
                }
            }
            long bytes = 0;
            try (Stream<Path> files = Files.walk(home)) {
                bytes = files.filter(Files::isRegularFile).mapToLong(p -> {
                    try {
                        return Files.size(p);
                    } catch (IOException e) {
                        return 0L;
                    }
                }).sum();
            } catch (IOException | UncheckedIOException ignored) {
                // files may vanish during compaction
            }
            return new IndexStats(s.liveCount(), committedSegments, tomb, bytes, s.buffer.liveCount() + flushed);
        } finally {
            s.release();
        }
    }

    /** Heap bytes held by copies of segment vectors in the current snapshot. */
    public long heapVectorBytesInUse() {
        Snapshot s = snapshots.acquire();
        try {
            return Snapshot.heapVectorBytes(s.segments, Set.of());
        } finally {
            s.release();
        }
    }
}
