package dev.neuralsearch.rerank;

import dev.neuralsearch.core.ScoredDocument;
import dev.neuralsearch.core.Similarity;
import dev.neuralsearch.core.VectorIndex;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * Re-scores approximate candidates (from compressed vectors, or from another route) with the exact
 * similarity of the full-precision vectors, and reorders them.
 *
 * <p>Scores follow {@link Similarity}: DOT_PRODUCT is the inner product, COSINE the cosine (0 when either
 * vector is all zeros), EUCLIDEAN {@code 1 / (1 + squared distance)}. Sums are accumulated in double.
 * Equal scores keep the candidates' input order.
 */
public final class ExactRescorer {

    private ExactRescorer() {
    }

    /**
     * @param query      the query vector
     * @param candidates the candidates to reorder (their scores are ignored)
     * @param vectors    the stored full-precision vector of a document id; it must know every candidate
     * @param similarity how vectors compare
     * @return the candidates with exact scores, best first
     * @throws IllegalArgumentException when a vector is missing or of another dimension than the query
     */
    public static List<ScoredDocument> rescore(float[] query, List<ScoredDocument> candidates,
                                               Function<String, float[]> vectors, Similarity similarity) {
        Objects.requireNonNull(query, "query vector is null");
        Objects.requireNonNull(candidates, "candidates is null");
        Objects.requireNonNull(vectors, "vectors is null");
        Objects.requireNonNull(similarity, "similarity is null");
        List<ScoredDocument> out = new ArrayList<>(candidates.size());
        for (ScoredDocument candidate : candidates) {
            String id = candidate.document().id();
            float[] v = vectors.apply(id);
            if (v == null) {
                throw new IllegalArgumentException("no stored vector for candidate '" + id + "'");
            }
            if (v.length != query.length) {
                throw new IllegalArgumentException("stored vector of '" + id + "' has dimension " + v.length
                        + ", the query has " + query.length);
            }
            out.add(new ScoredDocument(candidate.document(), similarity.score(query, v)));
        }
        out.sort(Comparator.comparingDouble(ScoredDocument::score).reversed()); // stable: ties keep input order
        return out;
    }

    /** As {@link #rescore(float[], List, Function, Similarity)}, with the vectors and similarity of an index. */
    public static List<ScoredDocument> rescore(float[] query, List<ScoredDocument> candidates, VectorIndex index) {
        Objects.requireNonNull(index, "index is null");
        return rescore(query, candidates, id -> index.vector(id).orElse(null), index.schema().similarity());
    }

    /** The exact similarity of two vectors of the same dimension ({@link Similarity#score}). */
    public static float similarity(float[] a, float[] b, Similarity similarity) {
        return similarity.score(a, b);
    }
}
