package dev.neuralsearch.ann;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

        for (long chunk : new long[] {Integer.MAX_VALUE, 100, 12, 1}) { // 1 vector per chunk at the smallest
            try (VectorFile vf = VectorFile.open(f, n, dim, chunk)) {
                float[] dst = new float[dim];
                for (int i = 0; i < n; i++) {
                    vf.read(i, dst);
                    for (int j = 0; j < dim; j++) {
                        assertThat(Float.floatToRawIntBits(dst[j])).as("vector %d[%d], chunk %d", i, j, chunk)
                                .isEqualTo(Float.floatToRawIntBits(vs.get(i)[j]));
                    }
                }
                assertThatThrownBy(() -> vf.read(n, dst)).isInstanceOf(IndexOutOfBoundsException.class);
                assertThatThrownBy(() -> vf.read(-1, dst)).isInstanceOf(IndexOutOfBoundsException.class);
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
        // the segment's exact scoring refills one vector per search in place; JVector's providers wrap the array
        assertThat(Segment.VECTORS_WRAP_ARRAYS).isTrue();
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
