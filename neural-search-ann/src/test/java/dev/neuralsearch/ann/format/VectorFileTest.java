package dev.neuralsearch.ann.format;

import dev.neuralsearch.ann.CorruptIndexException;
import dev.neuralsearch.ann.vector.DefaultVectorization;
import dev.neuralsearch.ann.vector.Vectorization;
import io.github.jbellis.jvector.vector.VectorSimilarityFunction;
import io.github.jbellis.jvector.vector.VectorizationProvider;
import io.github.jbellis.jvector.vector.types.VectorFloat;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The little-endian vector file: exact round trip across mapping chunks, byte layout, bounds and close. */
class VectorFileTest {
    @TempDir
    Path dir;

    private static List<float[]> random(int n, int dim, long seed) {
        Random r = new Random(seed);
        List<float[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            float[] v = new float[dim];
            for (int j = 0; j < dim; j++) {
                v[j] = (float) r.nextGaussian();
            }
            out.add(v);
        }
        out.get(0)[0] = Float.NaN; // raw bit patterns are kept (putFloat writes floatToRawIntBits)
        out.get(1)[1] = -0.0f;
        out.get(2)[2] = Float.MIN_VALUE;
        return out;
    }

    private static List<VectorFloat<?>> wrap(List<float[]> vs) {
        var vts = VectorizationProvider.getInstance().getVectorTypeSupport();
        return vs.stream().<VectorFloat<?>>map(v -> vts.createFloatVector(v.clone())).toList();
    }

    @Test
    void roundTripAcrossChunksAndLittleEndianLayout() throws IOException {
        int n = 1000;
        int dim = 3;
        List<float[]> vs = random(n, dim, 5);
        Path f = dir.resolve("seg-00000001.vec");
        VectorFile.write(f, wrap(vs), dim);
        assertThat(Files.size(f)).isEqualTo(VectorFile.fileBytes(n, dim)).isEqualTo(64 + 12_000L);

        // raw bytes: header, then vector 10 little-endian at 64 + 10 * 12
        ByteBuffer raw = ByteBuffer.wrap(Files.readAllBytes(f));
        assertThat(raw.getInt(8)).isEqualTo(n);
        assertThat(raw.getInt(12)).isEqualTo(dim);
        assertThat(raw.order(ByteOrder.LITTLE_ENDIAN).getFloat(64 + 10 * 12 + 4)).isEqualTo(vs.get(10)[1]);

        for (Vectorization impl : implementations()) {
            for (long chunk : new long[] {Integer.MAX_VALUE, 100, 12, 1}) { // 1 vector per chunk at the smallest
                try (VectorFile vf = VectorFile.open(f, n, dim, chunk, impl)) {
                    float[] dst = new float[dim];
                    for (int i = 0; i < n; i++) {
                        vf.read(i, dst);
                        for (int j = 0; j < dim; j++) {
                            assertThat(Float.floatToRawIntBits(dst[j])).as("%s: vector %d[%d], chunk %d", impl.name(), i, j, chunk)
                                    .isEqualTo(Float.floatToRawIntBits(vs.get(i)[j]));
                        }
                    }
                    assertThatThrownBy(() -> vf.read(n, dst)).isInstanceOf(IndexOutOfBoundsException.class);
                    assertThatThrownBy(() -> vf.read(-1, dst)).isInstanceOf(IndexOutOfBoundsException.class);
                }
            }
        }
        VectorFile vf = VectorFile.open(f, n, dim);
        vf.close();
        vf.close(); // idempotent
        assertThatThrownBy(() -> vf.read(0, new float[dim])).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }

    @Test
    void exactScoresRefillOneWrappedVector() {
        // the default scoring refills one vector per search in place; JVector's providers wrap the array
        assertThat(DefaultVectorization.VECTORS_WRAP_ARRAYS).isTrue();
    }

    /** The JVM's implementation and, when that is not it, the default one. */
    static List<Vectorization> implementations() {
        return Vectorization.get() == DefaultVectorization.INSTANCE ? List.of(DefaultVectorization.INSTANCE)
                : List.of(Vectorization.get(), DefaultVectorization.INSTANCE);
    }

    @Test
    void panamaIsUsedWhereTheJdkHasIt() {
        // the build adds jdk.incubator.vector (JVector needs it too) and, on a JDK 22+, the versions/22 classes
        boolean expected = Runtime.version().feature() >= 22
                && ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
                && !"default".equals(System.getProperty(Vectorization.PROPERTY));
        assertThat(Vectorization.get().name()).isEqualTo(expected ? "panama" : "default");
    }

    @Test
    void scoresInPlaceAgreeWithJVectorsAndHeapCopiesAgreeWithTheFile() throws IOException {
        var vts = VectorizationProvider.getInstance().getVectorTypeSupport();
        // 16 lanes of 512 bits: 387 = 6 x 64 + 3 takes the unrolled loop, the single-vector loop and the scalar tail
        for (int dim : new int[] {3, 16, 40, 384, 387}) {
            int n = 50;
            List<float[]> vs = random(n, dim, dim);
            for (int i = 0; i < 3; i++) {
                vs.get(i)[i] = 0.5f; // random() plants NaN and subnormals for the round trip; score finite values
            }
            List<float[]> queries = random(5, dim, 100 + dim);
            queries.forEach(q -> q[0] = q[1] = q[2] = 0.25f);
            Path f = dir.resolve("scores-" + dim + ".vec");
            VectorFile.write(f, wrap(vs), dim);
            for (Vectorization impl : implementations()) {
                try (VectorFile vf = VectorFile.open(f, n, dim, Integer.MAX_VALUE, impl)) {
                    var heap = impl.onHeap(vs.stream().map(float[]::clone).toArray(float[][]::new));
                    for (VectorSimilarityFunction vsf : VectorSimilarityFunction.values()) {
                        for (float[] q : queries) {
                            var file = vf.scorer(q, vsf);
                            var onHeap = heap.scorer(q, vsf);
                            for (int i = 0; i < n; i++) {
                                float expected = vsf.compare(vts.createFloatVector(q), vts.createFloatVector(vs.get(i)));
                                float got = file.similarityTo(i);
                                assertThat(got).as("%s %s dim %d node %d", impl.name(), vsf, dim, i)
                                        .isCloseTo(expected, Offset.offset(1e-5f * Math.max(1, Math.abs(expected))));
                                // equal up to the order of the additions (interpreted or compiled lane sums)
                                assertThat(onHeap.similarityTo(i))
                                        .as("heap copy = file, %s %s dim %d node %d", impl.name(), vsf, dim, i)
                                        .isCloseTo(got, Offset.offset(roundingBound(vsf, q, vs.get(i), got)));
                            }
                            // several nodes per call (four at a time, then the rest) score as one at a time
                            int[] nodes = new int[n + 1];
                            for (int i = 0; i < n; i++) {
                                nodes[i] = (i * 7) % n;
                            }
                            float[] fromFile = new float[n + 1];
                            float[] fromHeap = new float[n + 1];
                            fromFile[n] = fromHeap[n] = 42f;
                            file.similarityTo(nodes, n, fromFile);
                            onHeap.similarityTo(nodes, n, fromHeap);
                            assertThat(fromFile[n]).as("beyond count").isEqualTo(42f);
                            assertThat(fromHeap[n]).as("beyond count").isEqualTo(42f);
                            for (int i = 0; i < n; i++) {
                                float one = file.similarityTo(nodes[i]);
                                Offset<Float> last = Offset.offset(roundingBound(vsf, q, vs.get(nodes[i]), one));
                                assertThat(fromFile[i]).as("bulk, %s %s dim %d node %d", impl.name(), vsf, dim, nodes[i])
                                        .isCloseTo(one, last);
                                assertThat(fromHeap[i]).as("bulk heap, %s %s dim %d node %d", impl.name(), vsf, dim,
                                        nodes[i]).isCloseTo(one, last);
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * How far two float evaluations of one score may differ when they add the same terms in another order: 1e-6 of
     * the magnitude of the terms on the score's scale (the sum of |q_i v_i| for a dot product, whose terms can be far
     * larger than the result: 7e-7 apart on a score of -0.023 from terms summing to ~250 at 387 dimensions). A wrong
     * vector or formula is off by orders of magnitude more.
     */
    private static float roundingBound(VectorSimilarityFunction vsf, float[] q, float[] v, float score) {
        double abs = 0;
        double qq = 0;
        double vv = 0;
        double dd = 0;
        for (int j = 0; j < q.length; j++) {
            abs += Math.abs((double) q[j] * v[j]);
            qq += (double) q[j] * q[j];
            vv += (double) v[j] * v[j];
            dd += ((double) q[j] - v[j]) * ((double) q[j] - v[j]);
        }
        double scale = switch (vsf) {
            case DOT_PRODUCT -> abs / 2;
            case COSINE -> abs / (2 * Math.sqrt(qq * vv)) + 1;
            case EUCLIDEAN -> (double) score * score * dd;
        };
        return (float) (1e-6 * Math.max(1e-3, scale));
    }

    @Test
    void emptyFileAndMismatchesAreReported() throws IOException {
        Path f = dir.resolve("empty.vec");
        VectorFile.write(f, List.of(), 8);
        try (VectorFile vf = VectorFile.open(f, 0, 8)) {
            assertThat(vf.count()).isZero();
        }
        assertThatThrownBy(() -> VectorFile.open(f, 1, 8)).isInstanceOf(CorruptIndexException.class)
                .hasMessageContaining("holds 0 vectors of 8 dimensions, the manifest says 1 of 8");
        Path g = dir.resolve("other.bin");
        Files.write(g, new byte[100]);
        assertThatThrownBy(() -> VectorFile.open(g, 0, 8)).isInstanceOf(CorruptIndexException.class)
                .hasMessageContaining("not a vector file");
        Files.write(g, new byte[10]);
        assertThatThrownBy(() -> VectorFile.open(g, 0, 8)).isInstanceOf(CorruptIndexException.class)
                .hasMessageContaining("truncated");
        assertThatThrownBy(() -> VectorFile.write(dir.resolve("x.vec"), wrap(random(3, 4, 1)), 5))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
