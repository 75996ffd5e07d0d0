package dev.neuralsearch.ann;

/**
 * Options of the lexical (BM25) route kept beside the vectors.
 *
 * @param analyzer the analyzer, or {@code null} for "as recorded in the index home" ({@link LexicalAnalyzer#STANDARD}
 *                 for a new home). A non-null analyzer that differs from the recorded one is refused when opening.
 * @param k1 BM25 term-frequency saturation, default 1.2 (Lucene's)
 * @param b BM25 length normalisation, default 0.75 (Lucene's)
 */
public record LexicalOptions(LexicalAnalyzer analyzer, float k1, float b) {

    /** Recorded analyzer (standard for a new home), k1 1.2, b 0.75. */
    public static final LexicalOptions DEFAULT = new LexicalOptions(null, 1.2f, 0.75f);

    public LexicalOptions {
        if (!(k1 >= 0) || !Float.isFinite(k1)) {
            throw new IllegalArgumentException("BM25 k1 must be finite and >= 0, was " + k1);
        }
        if (!(b >= 0 && b <= 1)) {
            throw new IllegalArgumentException("BM25 b must be in [0, 1], was " + b);
        }
    }

    public LexicalOptions withAnalyzer(LexicalAnalyzer a) {
        return new LexicalOptions(a, k1, b);
    }

    public LexicalOptions withBm25(float k1, float b) {
        return new LexicalOptions(analyzer, k1, b);
    }
}
