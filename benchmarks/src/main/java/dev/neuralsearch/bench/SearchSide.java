package dev.neuralsearch.bench;

import java.nio.file.Path;

/**
 * One vector index under test, as the comparison drives it: build from ordinals 0..n-1 (document id = the
 * ordinal as a string), close, reopen from disk, search. Searches run on several threads at once.
 */
public interface SearchSide extends AutoCloseable {

    /** "ours", "lucene" (Lucene 10), "lucene-sq8", "lucene-sq4", "lucene-bq1" (Lucene 10 quantized) or "lucene9". */
    String name();

    /** Creates the index under {@code home} (which does not exist yet) from {@code vectors} and closes it. */
    void build(Path home, float[][] vectors) throws Exception;

    /** Opens a built index for searching. */
    void open(Path home) throws Exception;

    /**
     * The top {@code k} ordinals for {@code query}, best first, found with search effort {@code ef}: the number of
     * candidates the graph search keeps (Lucene: the query's k, of which the best {@code k} are returned; ours:
     * over-query factor ef / k; lucene-bq1: also the number of candidates rescored from the float vectors, i.e.
     * oversampling ef / k). The document ids are fetched as a caller would, then parsed.
     */
    int[] search(float[] query, int k, int ef) throws Exception;

    @Override
    void close();

    static SearchSide of(String name) {
        return switch (name) {
            case "lucene" -> new Lucene10HnswSide();
            case "lucene-sq8" -> new Lucene10HnswSide(name, "sq8");
            case "lucene-sq4" -> new Lucene10HnswSide(name, "sq4");
            case "lucene-bq1" -> new Lucene10HnswSide(name, "bq1");
            case "lucene9" -> new Lucene9HnswSide();
            case "ours" -> Ours.vectorSide();
            default -> throw new IllegalArgumentException("side is ours, lucene, lucene-sq8, lucene-sq4,"
                    + " lucene-bq1 or lucene9, was " + name);
        };
    }
}
