package dev.neuralsearch.langchain4j;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.rag.content.Content;
import dev.langchain4j.rag.content.ContentMetadata;
import dev.langchain4j.rag.content.retriever.ContentRetriever;
import dev.langchain4j.rag.query.Query;
import dev.neuralsearch.core.Document;
import dev.neuralsearch.core.Filter;
import dev.neuralsearch.core.Hit;
import dev.neuralsearch.core.NeuralSearch;
import dev.neuralsearch.core.Reranker;
import dev.neuralsearch.core.Similarity;
import dev.neuralsearch.core.TextEncoder;
import dev.neuralsearch.core.VectorIndex;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * A LangChain4j {@link ContentRetriever} running neural-search's recall-then-rerank pipeline
 * ({@link NeuralSearch}): the query is encoded as a query (prefix or instruction applied), candidates are
 * recalled from the index with the filter applied inside the graph search, the optional cross-encoder
 * reranks them, and the best {@code maxResults} come back.
 *
 * <p>Each {@link Content} carries {@link ContentMetadata#EMBEDDING_ID}, {@link ContentMetadata#SCORE} (the
 * recall relevance score in [0, 1], on the same scale as {@link NeuralSearchEmbeddingStore}) and, when
 * reranked, {@link ContentMetadata#RERANKED_SCORE} (the reranker's raw score). {@code minScore} is compared with
 * the recall relevance score. Entries stored without a text segment are excluded inside the search.
 *
 * <p>Does not close the engine or components it was given.
 */
public final class NeuralSearchContentRetriever implements ContentRetriever {

    public static final int DEFAULT_MAX_RESULTS = 3;

    /** Entries stored without a text segment have nothing to give a language model: excluded in the search. */
    private static final Filter WITH_SEGMENT = Filter.ne(MetadataCodec.NO_SEGMENT_KEY, Boolean.TRUE);

    private final NeuralSearch search;
    private final boolean ownsSearch;
    private final int maxResults;
    private final double minScore;
    private final Integer recall;
    private final Integer rerank;
    private final Function<Query, dev.langchain4j.store.embedding.filter.Filter> filter;
    private final Similarity similarity;

    private NeuralSearchContentRetriever(Builder b, NeuralSearch search, boolean ownsSearch) {
        this.search = search;
        this.ownsSearch = ownsSearch;
        this.maxResults = b.maxResults;
        this.minScore = b.minScore;
        this.recall = b.recall;
        this.rerank = b.rerank;
        this.filter = b.filter;
        this.similarity = search.schema().similarity();
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public List<Content> retrieve(Query query) {
        if (query == null || query.text() == null || query.text().isBlank()) {
            return List.of();
        }
        Filter f = WITH_SEGMENT;
        if (filter != null) {
            dev.langchain4j.store.embedding.filter.Filter userFilter = filter.apply(query);
            if (userFilter != null) {
                f = Filter.and(FilterTranslator.translate(userFilter), WITH_SEGMENT);
            }
        }
        dev.neuralsearch.core.Query q = search.query(query.text()).limit(maxResults).filter(f);
        if (recall != null) {
            q.recall(Math.max(recall, maxResults));
        }
        if (rerank != null) {
            q.rerank(rerank);
        }
        List<Content> out = new ArrayList<>();
        for (Hit hit : q.execute()) {
            double score = NeuralSearchEmbeddingStore.relevanceScore(similarity, hit.recallScore());
            if (score < minScore) {
                continue;
            }
            TextSegment segment = MetadataCodec.toSegment(new Document(hit.id(), hit.text(), hit.metadata()));
            if (segment == null) {
                continue;
            }
            Map<ContentMetadata, Object> meta = new EnumMap<>(ContentMetadata.class);
            meta.put(ContentMetadata.EMBEDDING_ID, hit.id());
            meta.put(ContentMetadata.SCORE, score);
            if (hit.reranked()) {
                meta.put(ContentMetadata.RERANKED_SCORE, (double) hit.rerankScore());
            }
            out.add(Content.from(segment, meta));
        }
        return out;
    }

    /** The engine queries run on. */
    public NeuralSearch search() {
        return search;
    }

    /** Closes the engine if this retriever built it (its components, given by the caller, stay open). */
    public void close() {
        if (ownsSearch) {
            search.close();
        }
    }

    @Override
    public String toString() {
        return "NeuralSearchContentRetriever[" + search.modelId() + ", maxResults=" + maxResults + ", minScore="
                + minScore + (search.hasReranker() ? ", reranked" : "") + "]";
    }

    public static final class Builder {
        private NeuralSearch search;
        private TextEncoder encoder;
        private VectorIndex index;
        private Reranker reranker;
        private int maxResults = DEFAULT_MAX_RESULTS;
        private double minScore = 0;
        private Integer recall;
        private Integer rerank;
        private Function<Query, dev.langchain4j.store.embedding.filter.Filter> filter;

        private Builder() {
        }

        /** An engine to query (encoder, index and optional reranker inside); it stays the caller's. */
        public Builder search(NeuralSearch search) {
            this.search = search;
            return this;
        }

        /** The encoder queries are encoded with; the one the index was filled with. */
        public Builder encoder(TextEncoder encoder) {
            this.encoder = encoder;
            return this;
        }

        public Builder index(VectorIndex index) {
            this.index = index;
            return this;
        }

        /** Searches the index of a store (for example the one an {@code EmbeddingStoreIngestor} filled). */
        public Builder store(NeuralSearchEmbeddingStore store) {
            this.index = store.index();
            return this;
        }

        /** An optional second stage (e.g. {@code CrossEncoderReranker}). */
        public Builder reranker(Reranker reranker) {
            this.reranker = reranker;
            return this;
        }

        /** Contents returned (default 3). */
        public Builder maxResults(int maxResults) {
            if (maxResults < 1) {
                throw new IllegalArgumentException("maxResults must be >= 1, was " + maxResults);
            }
            this.maxResults = maxResults;
            return this;
        }

        /** Minimum recall relevance score in [0, 1] (default 0). */
        public Builder minScore(double minScore) {
            if (!(minScore >= 0 && minScore <= 1)) {
                throw new IllegalArgumentException("minScore must be in [0, 1], was " + minScore);
            }
            this.minScore = minScore;
            return this;
        }

        /** Candidates recalled from the index (default: the engine's, see docs/api.md). */
        public Builder recall(int depth) {
            this.recall = depth;
            return this;
        }

        /** Candidates the reranker scores (default: the engine's; 0 turns reranking off). */
        public Builder rerank(int depth) {
            this.rerank = depth;
            return this;
        }

        /** A fixed LangChain4j metadata filter. */
        public Builder filter(dev.langchain4j.store.embedding.filter.Filter filter) {
            this.filter = filter == null ? null : q -> filter;
            return this;
        }

        /** A filter chosen per query (e.g. from the user in {@code query.metadata()}). */
        public Builder dynamicFilter(Function<Query, dev.langchain4j.store.embedding.filter.Filter> filter) {
            this.filter = filter;
            return this;
        }

        public NeuralSearchContentRetriever build() {
            if (search != null) {
                if (encoder != null || index != null || reranker != null) {
                    throw new IllegalStateException("give either search(...) or encoder/index/reranker, not both");
                }
                return new NeuralSearchContentRetriever(this, search, false);
            }
            Objects.requireNonNull(encoder, "encoder(...) or search(...) is required");
            Objects.requireNonNull(index, "index(...), store(...) or search(...) is required");
            NeuralSearch engine = NeuralSearch.builder().encoder(encoder).index(index).reranker(reranker)
                    .closeComponents(false).build();
            return new NeuralSearchContentRetriever(this, engine, true);
        }
    }
}
