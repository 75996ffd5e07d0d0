package dev.neuralsearch.bench;

import dev.neuralsearch.ann.JVectorIndex;
import dev.neuralsearch.ann.JVectorIndexOptions;
import dev.neuralsearch.ann.PqLayout;
import dev.neuralsearch.core.Document;
import dev.neuralsearch.core.Filter;
import dev.neuralsearch.core.IndexSchema;
import dev.neuralsearch.core.ScoredId;
import dev.neuralsearch.core.SearchOptions;
import dev.neuralsearch.core.Similarity;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Ours: {@link JVectorIndex} with its default options (degree 32, beam 100; segments under 1M vectors are
 * traversed with exact scores from their inline vectors, larger ones with PQ codes held in memory and exact
 * rescoring from the full vectors on disk), everything added then one commit, so one segment. Search effort
 * {@code ef} becomes the over-query factor {@code ef / k} (the approximate pass gathers ef candidates, as Lucene's
 * does). Documents carry empty text and no metadata. A search returns ids ({@code searchIds}: read from the
 * segment's id table, as Lucene's side reads its stored id field), which are parsed; until 2026-12-08 it returned
 * hydrated documents (a document-store read and a JSON decode per hit, about 15 % of a SciFact query's CPU).
 *
 * <p>{@code -Dbench.ours.maxDegree=N} and {@code -Dbench.ours.beamWidth=N} override the graph's degree and build beam.
 * {@code -Dbench.ours.buildThreads=N} sets the graph-construction threads (default 0 = all cores; Lucene builds
 * one segment on the indexing thread). {@code -Dbench.ours.pqThreshold=N} and
 * {@code -Dbench.ours.pqLayout=INT8|IN_MEMORY|FUSED|AUTO} override the index's defaults for approximate codes (only
 * for segments of 1M vectors or more, kept in memory: int8 with the Vector API, else PQ), as does
 * {@code -Dbench.ours.pqSubspaces=N} (bytes per vector; default dimension / 4 with codes in memory) and
 * {@code -Dbench.ours.heapVectorBytes=N} (heap budget for vector copies; default 32 MiB), e.g.
 * {@code -Dbench.ours.pqThreshold=50000} to measure the PQ layout at 100k.
 */
public final class JVectorSide implements SearchSide {
    private JVectorIndex index;

    static IndexSchema schema(int dim) {
        return new IndexSchema("bench-vectors", dim, Similarity.DOT_PRODUCT);
    }

    static JVectorIndexOptions options(long n) {
        // Buffer everything until the one commit, so the build writes one segment as Lucene's forceMerge(1) does
        // (the default buffer of 20,000 flushes a segment per 20,000 documents: five graphs searched at 100k).
        // -Dbench.ours.maxBufferedDocs=20000 measures the index's default buffer instead (flushes merged at commit).
        int buffered = Integer.getInteger("bench.ours.maxBufferedDocs", (int) Math.min(Integer.MAX_VALUE, Math.max(1, n)));
        JVectorIndexOptions o = JVectorIndexOptions.defaults().withExpectedDocuments(Math.max(1, n))
                .withMaxBufferedDocs(buffered)
                .withMergeFlushedOnCommit(!Boolean.getBoolean("bench.ours.noMergeOnCommit"));
        Integer maxDegree = Integer.getInteger("bench.ours.maxDegree");
        if (maxDegree != null) {
            o = o.withMaxDegree(maxDegree);
        }
        Integer beamWidth = Integer.getInteger("bench.ours.beamWidth");
        if (beamWidth != null) {
            o = o.withBeamWidth(beamWidth);
        }
        int threads = Integer.getInteger("bench.ours.buildThreads", 0);
        if (threads != 0) {
            o = o.withBuildThreads(threads);
        }
        Integer pqThreshold = Integer.getInteger("bench.ours.pqThreshold");
        if (pqThreshold != null) {
            o = o.withPqThreshold(pqThreshold);
        }
        Long heapVectorBytes = Long.getLong("bench.ours.heapVectorBytes");
        if (heapVectorBytes != null) {
            o = o.withHeapVectorBytes(heapVectorBytes);
        }
        Integer pqSubspaces = Integer.getInteger("bench.ours.pqSubspaces");
        if (pqSubspaces != null) {
            o = o.withPqSubspaces(pqSubspaces);
        }
        String layout = System.getProperty("bench.ours.pqLayout");
        return layout == null ? o : o.withPqLayout(PqLayout.valueOf(layout));
    }

    /** {@code -Dbench.ours.rescore=F}: rescore only the best {@code k * F} of the ef candidates (0, default: all). */
    private static final float RESCORE = Float.parseFloat(System.getProperty("bench.ours.rescore", "0"));

    @Override
    public String name() {
        return "ours";
    }

    @Override
    public void build(Path home, float[][] vectors) {
        try (JVectorIndex idx = JVectorIndex.open(home, schema(vectors[0].length), options(vectors.length))) {
            int batch = 10_000;
            for (int start = 0; start < vectors.length; start += batch) {
                int end = Math.min(vectors.length, start + batch);
                List<Document> docs = new ArrayList<>(end - start);
                List<float[]> vecs = new ArrayList<>(end - start);
                for (int i = start; i < end; i++) {
                    docs.add(new Document(Integer.toString(i), ""));
                    vecs.add(vectors[i]);
                }
                idx.add(docs, vecs);
            }
            idx.commit();
        }
    }

    @Override
    public void open(Path home) {
        // The dimension is recorded in the manifest; the schema must match it.
        index = JVectorIndex.open(home, schema(VectorData.DIM), options(1));
    }

    @Override
    public int[] search(float[] query, int k, int ef) {
        List<ScoredId> hits = index.searchIds(query, k, Filter.ALL, new SearchOptions(Math.max(1f, ef / (float) k),
                RESCORE));
        int[] out = new int[hits.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = Integer.parseInt(hits.get(i).id());
        }
        return out;
    }

    @Override
    public void close() {
        if (index != null) {
            index.close();
            index = null;
        }
    }
}
