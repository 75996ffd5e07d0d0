package dev.neuralsearch.core;

import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * A store of documents with one vector each, searchable by vector similarity and metadata filters.
 *
 * <p>Contract for every implementation:
 * <ul>
 *   <li>{@link #add} is an upsert: a document whose id is already present replaces it. Added documents are
 *       visible to search at once and durable after {@link #commit()}. A crash loses at most what was not
 *       committed.</li>
 *   <li>Searches may run on many threads at once, concurrently with one writer thread (add, delete,
 *       commit).</li>
 *   <li>Filters are applied during the search, so a selective filter still returns {@code k} hits when
 *       {@code k} documents match.</li>
 *   <li>Bad input (wrong dimension, NaN components, duplicate ids within one call, invalid ids) raises
 *       {@link IllegalArgumentException} and leaves the index unchanged.</li>
 * </ul>
 */
public interface VectorIndex extends AutoCloseable {

    IndexSchema schema();

    /** Adds or replaces documents; {@code vectors.get(i)} belongs to {@code documents.get(i)}. */
    void add(List<Document> documents, List<float[]> vectors);

    /** Deletes documents by id; returns how many of them existed. */
    int delete(Collection<String> ids);

    /** Makes everything added and deleted so far durable. */
    void commit();

    /** Approximate top-k by vector similarity among documents matching {@code filter}, best first. */
    List<ScoredDocument> search(float[] query, int k, Filter filter, SearchOptions options);

    default List<ScoredDocument> search(float[] query, int k, Filter filter) {
        return search(query, k, filter, SearchOptions.DEFAULT);
    }

    /**
     * {@link #search} without the documents: the same hits, best first, as ids and scores. For callers that keep
     * their documents elsewhere, or that fuse several routes and then fetch ({@link #get}) only the hits they keep.
     * An index that stores documents apart from the vectors skips reading them here (JVectorIndex: no document-store
     * read per hit); the default runs {@link #search} and drops the documents.
     */
    default List<ScoredId> searchIds(float[] query, int k, Filter filter, SearchOptions options) {
        List<ScoredDocument> hits = search(query, k, filter, options);
        List<ScoredId> out = new java.util.ArrayList<>(hits.size());
        for (ScoredDocument h : hits) {
            out.add(new ScoredId(h.document().id(), h.score()));
        }
        return out;
    }

    /** Exact (brute-force) top-k over the stored full-precision vectors; the reference for ANN recall. */
    List<ScoredDocument> exactSearch(float[] query, int k, Filter filter);

    /** Whether {@link #lexicalSearch} is available (a lexical route is kept beside the vectors). */
    default boolean supportsLexical() {
        return false;
    }

    /**
     * Top-k by a lexical (term-matching, e.g. BM25) score of {@code query} against the documents' text, among
     * documents matching {@code filter}, best first. Sees the same documents as {@link #search} (uncommitted ones
     * included). Implementations without a lexical route throw {@link UnsupportedOperationException}.
     */
    default List<ScoredDocument> lexicalSearch(String query, int k, Filter filter) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " has no lexical route");
    }

    Optional<Document> get(String id);

    /** The stored vector of a document, if present. */
    Optional<float[]> vector(String id);

    IndexStats stats();

    @Override
    void close();
}
