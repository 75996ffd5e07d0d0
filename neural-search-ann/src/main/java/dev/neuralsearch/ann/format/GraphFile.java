package dev.neuralsearch.ann.format;

import dev.neuralsearch.ann.CorruptIndexException;
import io.github.jbellis.jvector.disk.ReaderSupplier;
import io.github.jbellis.jvector.disk.ReaderSupplierFactory;
import io.github.jbellis.jvector.graph.disk.OnDiskGraphIndex;
import io.github.jbellis.jvector.graph.disk.feature.FeatureId;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A segment's JVector graph file ({@code seg-N.graph}), opened and checked against the segment's
 * {@link SegmentFeatures}. Written by the segment writer with JVector's {@code OnDiskGraphIndexWriter}; its layer-0
 * adjacency lists are read in bulk by {@link Adjacency}.
 *
 * @param readers the file's reader supplier, closed with the graph
 * @param graph   the loaded graph
 */
public record GraphFile(ReaderSupplier readers, OnDiskGraphIndex graph) implements AutoCloseable {

    /** Opens the graph of a segment of {@code count} nodes whose full vectors have {@code dimension} dimensions. */
    public static GraphFile open(Path file, SegmentFeatures features, int count, int dimension) throws IOException {
        ReaderSupplier rs = ReaderSupplierFactory.open(file);
        try {
            OnDiskGraphIndex g = OnDiskGraphIndex.load(rs);
            if (g.getIdUpperBound() < count) {
                throw new CorruptIndexException(file, "graph has " + g.getIdUpperBound()
                        + " nodes, manifest says " + count);
            }
            if (!g.getFeatureSet().contains(features.graphVectorFeature())
                    || g.getFeatureSet().contains(FeatureId.FUSED_PQ) != features.fusedPq()) {
                throw new CorruptIndexException(file, "graph features " + g.getFeatureSet()
                        + " do not match the segment layout " + features.layout() + " recorded in the manifest");
            }
            int graphDimension = features.graphDimension(dimension);
            if (g.getDimension() != graphDimension) {
                throw new CorruptIndexException(file, "graph has vectors of " + g.getDimension()
                        + " dimensions, expected " + graphDimension + " (layout " + features.layout() + ")");
            }
            return new GraphFile(rs, g);
        } catch (RuntimeException e) {
            try {
                rs.close();
            } catch (Exception suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    @Override
    public void close() throws IOException {
        try {
            graph.close();
        } finally {
            readers.close();
        }
    }
}
