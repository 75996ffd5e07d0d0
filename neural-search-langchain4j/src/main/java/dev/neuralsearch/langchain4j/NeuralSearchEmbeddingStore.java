package dev.neuralsearch.langchain4j;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.store.embedding.EmbeddingMatch;
import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import dev.langchain4j.store.embedding.EmbeddingSearchResult;
import dev.langchain4j.store.embedding.EmbeddingStore;
import dev.neuralsearch.ann.JVectorIndex;
import dev.neuralsearch.ann.JVectorIndexOptions;
import dev.neuralsearch.core.Document;
import dev.neuralsearch.core.Filter;
import dev.neuralsearch.core.IndexSchema;
import dev.neuralsearch.core.ScoredDocument;
import dev.neuralsearch.core.Similarity;
import dev.neuralsearch.core.TextEncoder;
import dev.neuralsearch.core.VectorIndex;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * A LangChain4j {@link EmbeddingStore} of {@link TextSegment}s backed by a neural-search {@link VectorIndex}
 * (by default a {@link JVectorIndex} in an index home on disk).
 *
 * <ul>
 *   <li>Scores are LangChain4j relevance scores in [0, 1]: for {@link Similarity#COSINE} and
 *       {@link Similarity#DOT_PRODUCT} (unit vectors) {@code (cosine + 1) / 2}; for {@link Similarity#EUCLIDEAN}
 *       the index's {@code 1 / (1 + squared distance)}. {@code minScore} is compared with that score.</li>
 *   <li>Filters are translated by {@link FilterTranslator} and applied inside the graph search, so
 *       {@code maxResults} matches come back whenever that many documents match.</li>
 *   <li>Metadata keeps its LangChain4j types (see {@link MetadataCodec}); embeddings added without a segment
 *       come back with {@code embedded() == null}.</li>
 *   <li>Adding an id that exists replaces it. With {@link Builder#autoCommit(boolean) autoCommit} (the default)
 *       every add and remove is committed (durable) before the call returns; without it, call
 *       {@link #commit()}.</li>
 * </ul>
 *
 * <p>Thread-safe: searches run concurrently with each other and with one writer at a time.
 */
public final class NeuralSearchEmbeddingStore implements EmbeddingStore<TextSegment>, AutoCloseable {

    private final VectorIndex index;
    private final boolean ownsIndex;
    private final boolean autoCommit;
    private final boolean returnEmbeddings;
    private final Similarity similarity;
    private final Object writeLock = new Object();

    private NeuralSearchEmbeddingStore(VectorIndex index, boolean ownsIndex, boolean autoCommit,
                                       boolean returnEmbeddings) {
        this.index = index;
        this.ownsIndex = ownsIndex;
        this.autoCommit = autoCommit;
        this.returnEmbeddings = returnEmbeddings;
        this.similarity = index.schema().similarity();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A store over an index the caller opened and keeps ownership of (closing the store leaves it open). */
    public static NeuralSearchEmbeddingStore wrap(VectorIndex index) {
        return builder().index(index).build();
    }

    /** The underlying index. */
    public VectorIndex index() {
        return index;
    }

    // ------------------------------------------------------------------------------------------------ adding

    @Override
    public String add(Embedding embedding) {
        String id = generateIds(1).get(0);
        addAll(List.of(id), List.of(embedding), null);
        return id;
    }

    @Override
    public void add(String id, Embedding embedding) {
        addAll(List.of(Document.validateId(id)), List.of(embedding), null);
    }

    @Override
    public String add(Embedding embedding, TextSegment textSegment) {
        String id = generateIds(1).get(0);
        addAll(List.of(id), List.of(embedding), textSegment == null ? null : List.of(textSegment));
        return id;
    }

    @Override
    public List<String> addAll(List<Embedding> embeddings) {
        List<String> ids = generateIds(embeddings == null ? 0 : embeddings.size());
        addAll(ids, embeddings, null);
        return ids;
    }

    /**
     * Adds (or replaces) embeddings under the given ids; {@code embedded} may be null (bare embeddings) or must
     * have one segment (or null) per embedding.
     */
    @Override
    public void addAll(List<String> ids, List<Embedding> embeddings, List<TextSegment> embedded) {
        int nIds = ids == null ? 0 : ids.size();
        int nEmb = embeddings == null ? 0 : embeddings.size();
        if (nIds != nEmb) {
            throw new IllegalArgumentException("ids size (" + nIds + ") is not equal to embeddings size (" + nEmb + ")");
        }
        if (embedded != null && embedded.size() != nEmb) {
            throw new IllegalArgumentException("embeddings size (" + nEmb + ") is not equal to embedded size ("
                    + embedded.size() + ")");
        }
        if (nEmb == 0) {
            return;
        }
        List<Document> docs = new ArrayList<>(nEmb);
        List<float[]> vectors = new ArrayList<>(nEmb);
        for (int i = 0; i < nEmb; i++) {
            Embedding e = embeddings.get(i);
            if (e == null) {
                throw new IllegalArgumentException("embedding at position " + i + " is null");
            }
            docs.add(MetadataCodec.toDocument(ids.get(i), embedded == null ? null : embedded.get(i)));
            vectors.add(e.vector());
        }
        synchronized (writeLock) {
            index.add(docs, vectors);
            if (autoCommit) {
                index.commit();
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ removing

    @Override
    public void removeAll(Collection<String> ids) {
        if (ids == null || ids.isEmpty()) {
            return;
        }
        for (String id : ids) {
            if (id == null || id.isBlank()) {
                throw new IllegalArgumentException("id cannot be null or blank");
            }
        }
        synchronized (writeLock) {
            index.delete(ids);
            if (autoCommit) {
                index.commit();
            }
        }
    }

    @Override
    public void removeAll(dev.langchain4j.store.embedding.filter.Filter filter) {
        if (filter == null) {
            throw new IllegalArgumentException("filter cannot be null");
        }
        removeMatching(FilterTranslator.translate(filter));
    }

    @Override
    public void removeAll() {
        removeMatching(Filter.ALL);
    }

    /** Deletes every document matching {@code filter}, found by brute force over the stored vectors. */
    private void removeMatching(Filter filter) {
        synchronized (writeLock) {
            float[] probe = new float[index.schema().dimension()];
            probe[0] = 1f;
            while (true) {
                long n = index.stats().documents();
                if (n == 0) {
                    break;
                }
                List<ScoredDocument> found = index.exactSearch(probe, (int) Math.min(n, 100_000), filter);
                if (found.isEmpty()) {
                    break;
                }
                List<String> ids = new ArrayList<>(found.size());
                for (ScoredDocument d : found) {
                    ids.add(d.document().id());
                }
                if (index.delete(ids) == 0) {
                    break;
                }
            }
            if (autoCommit) {
                index.commit();
            }
        }
    }

    /** Makes every add and remove so far durable (needed only with {@code autoCommit(false)}). */
    public void commit() {
        synchronized (writeLock) {
            index.commit();
        }
    }

    // ------------------------------------------------------------------------------------------------ searching

    @Override
    public EmbeddingSearchResult<TextSegment> search(EmbeddingSearchRequest request) {
        Objects.requireNonNull(request, "request");
        Filter filter = FilterTranslator.translate(request.filter());
        int k = request.maxResults();
        List<ScoredDocument> hits = index.search(request.queryEmbedding().vector(), k, filter);
        List<EmbeddingMatch<TextSegment>> matches = new ArrayList<>(hits.size());
        for (ScoredDocument hit : hits) {
            double score = relevanceScore(hit.score());
            if (score < request.minScore()) {
                continue;
            }
            Document doc = hit.document();
            Embedding embedding = null;
            if (returnEmbeddings) {
                float[] v = index.vector(doc.id()).orElse(null);
                if (v == null) {
                    continue; // deleted between the search and now
                }
                embedding = Embedding.from(v);
            }
            matches.add(new EmbeddingMatch<>(score, doc.id(), embedding, MetadataCodec.toSegment(doc)));
        }
        return new EmbeddingSearchResult<>(Collections.unmodifiableList(matches));
    }

    /** Our similarity score as a LangChain4j relevance score in [0, 1]. */
    double relevanceScore(float score) {
        return relevanceScore(similarity, score);
    }

    static double relevanceScore(Similarity similarity, double score) {
        double r = similarity == Similarity.EUCLIDEAN ? score : (score + 1) / 2;
        return Math.max(0, Math.min(1, r));
    }

    /** Closes the index if this store opened it (built from a home path); an index passed in stays open. */
    @Override
    public void close() {
        if (ownsIndex) {
            index.close(); // uncommitted changes (autoCommit off) are discarded, as VectorIndex documents
        }
    }

    @Override
    public String toString() {
        return "NeuralSearchEmbeddingStore[" + index.schema() + "]";
    }

    // ------------------------------------------------------------------------------------------------ builder

    public static final class Builder {
        private Path home;
        private VectorIndex index;
        private Integer dimension;
        private Similarity similarity = Similarity.COSINE;
        private String modelId;
        private JVectorIndexOptions options = JVectorIndexOptions.DEFAULT;
        private boolean autoCommit = true;
        private boolean returnEmbeddings = true;

        private Builder() {
        }

        /** The index home directory (created when missing). Needs {@link #dimension} and {@link #modelId}. */
        public Builder home(Path home) {
            this.home = home;
            return this;
        }

        /** An open index to use instead of a home; the caller keeps ownership. */
        public Builder index(VectorIndex index) {
            this.index = index;
            return this;
        }

        public Builder dimension(int dimension) {
            this.dimension = dimension;
            return this;
        }

        /** Default {@link Similarity#COSINE}. */
        public Builder similarity(Similarity similarity) {
            this.similarity = similarity;
            return this;
        }

        /** Recorded in the index home; an existing home made for another model id is refused. */
        public Builder modelId(String modelId) {
            this.modelId = modelId;
            return this;
        }

        /** Takes model id, dimension and similarity from an encoder. */
        public Builder schemaOf(TextEncoder encoder) {
            this.modelId = encoder.modelId();
            this.dimension = encoder.dimension();
            this.similarity = encoder.similarity();
            return this;
        }

        public Builder indexOptions(JVectorIndexOptions options) {
            this.options = Objects.requireNonNull(options, "options");
            return this;
        }

        /** Commit after every add and remove (default true). */
        public Builder autoCommit(boolean autoCommit) {
            this.autoCommit = autoCommit;
            return this;
        }

        /** Fill {@link EmbeddingMatch#embedding()} with the stored vector (default true; one lookup per match). */
        public Builder returnEmbeddings(boolean returnEmbeddings) {
            this.returnEmbeddings = returnEmbeddings;
            return this;
        }

        public NeuralSearchEmbeddingStore build() {
            if (index != null) {
                if (home != null) {
                    throw new IllegalStateException("give either home(...) or index(...), not both");
                }
                return new NeuralSearchEmbeddingStore(index, false, autoCommit, returnEmbeddings);
            }
            if (home == null) {
                throw new IllegalStateException("home(...) or index(...) is required");
            }
            if (dimension == null) {
                throw new IllegalStateException("dimension(...) is required with home(...)");
            }
            String model = modelId == null ? "langchain4j-" + dimension : modelId;
            JVectorIndex opened = JVectorIndex.open(home, new IndexSchema(model, dimension, similarity), options);
            return new NeuralSearchEmbeddingStore(opened, true, autoCommit, returnEmbeddings);
        }
    }
}
