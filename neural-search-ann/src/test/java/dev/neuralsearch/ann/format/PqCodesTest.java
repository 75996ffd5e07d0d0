package dev.neuralsearch.ann.format;

import dev.neuralsearch.ann.TestVectors;
import dev.neuralsearch.ann.vector.Vectorization;
import io.github.jbellis.jvector.disk.BufferedRandomAccessWriter;
import io.github.jbellis.jvector.disk.ReaderSupplierFactory;
import io.github.jbellis.jvector.graph.ListRandomAccessVectorValues;
import io.github.jbellis.jvector.graph.disk.OnDiskGraphIndex;
import io.github.jbellis.jvector.quantization.PQVectors;
import io.github.jbellis.jvector.quantization.ProductQuantization;
import io.github.jbellis.jvector.vector.VectorSimilarityFunction;
import io.github.jbellis.jvector.vector.VectorizationProvider;
import io.github.jbellis.jvector.vector.types.VectorFloat;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Our PQ scores ({@link PqCodes}) against JVector's precomputed decoders on the same codes, read back from the file
 * JVector wrote: every similarity function, with and without a global centroid, one node at a time and in bulk.
 */
@Tag("smoke") // also on the JDK 17 floor (the default vectorization)
class PqCodesTest {
    private static final io.github.jbellis.jvector.vector.types.VectorTypeSupport VTS =
            VectorizationProvider.getInstance().getVectorTypeSupport();

    @TempDir
    Path dir;

    @Test
    void scoresMatchJVectorsDecoders() throws IOException {
        int n = 3000;
        int dim = 64;
        TestVectors tv = new TestVectors(dim, 30, 0.2f, 5);
        List<VectorFloat<?>> vectors = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            vectors.add(VTS.createFloatVector(tv.next()));
        }
        var ravv = new ListRandomAccessVectorValues(vectors, dim);
        for (boolean centred : new boolean[] {false, true}) {
            ProductQuantization pq = ProductQuantization.compute(ravv, 16, 256, centred);
            PQVectors jvector = (PQVectors) pq.encodeAll(ravv, ForkJoinPool.commonPool());
            Path file = dir.resolve("codes-" + centred + ".pq");
            try (var out = new BufferedRandomAccessWriter(file)) {
                jvector.write(out, OnDiskGraphIndex.CURRENT_VERSION);
            }
            PqCodes ours;
            try (var rs = ReaderSupplierFactory.open(file); var in = rs.get()) {
                ours = PqCodes.read(in);
                assertThat(in.getPosition()).isEqualTo(in.length());
            }
            assertThat(ours.count()).isEqualTo(n);
            assertThat(ours.subspaces()).isEqualTo(16);
            assertThat(ours.ramBytes()).isGreaterThanOrEqualTo(16L * n);
            for (VectorSimilarityFunction vsf : VectorSimilarityFunction.values()) {
                for (int q = 0; q < 10; q++) {
                    float[] query = tv.next();
                    var theirs = jvector.precomputedScoreFunctionFor(VTS.createFloatVector(query), vsf);
                    Vectorization.Scorer scorer = ours.scorer(query, vsf);
                    int[] nodes = new int[n];
                    for (int i = 0; i < n; i++) {
                        nodes[i] = (int) ((i * 7919L) % n);
                    }
                    float[] bulk = new float[n];
                    scorer.similarityTo(nodes, n - 1, bulk); // n - 1: the four-at-a-time passes and a tail
                    for (int i = 0; i < n; i++) {
                        int node = nodes[i];
                        float expected = theirs.similarityTo(node);
                        float got = scorer.similarityTo(node);
                        assertThat(got).as("centred %s, %s, node %d", centred, vsf, node)
                                .isCloseTo(expected, Offset.offset(2e-5f * Math.max(1, Math.abs(expected))));
                        if (i < n - 1) {
                            assertThat(bulk[i]).as("bulk = single, %s node %d", vsf, node).isEqualTo(got);
                        }
                    }
                    assertThat(bulk[n - 1]).isZero();
                }
            }
        }
    }
}
