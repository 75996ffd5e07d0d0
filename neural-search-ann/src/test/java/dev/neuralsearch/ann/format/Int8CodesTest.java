package dev.neuralsearch.ann.format;

import dev.neuralsearch.ann.CorruptIndexException;
import dev.neuralsearch.ann.SpectralVectors;
import dev.neuralsearch.ann.vector.DefaultVectorization;
import dev.neuralsearch.ann.vector.Vectorization;
import io.github.jbellis.jvector.vector.VectorSimilarityFunction;
import io.github.jbellis.jvector.vector.VectorizationProvider;
import io.github.jbellis.jvector.vector.types.VectorFloat;
import io.github.jbellis.jvector.vector.types.VectorTypeSupport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * Int8 codes ({@link Int8Codes}, {@link Int8File}): scores close to the exact ones and in nearly the exact order for
 * every similarity function, the same scores after a write and read of the file, the four-at-once kernel equal to
 * the single one, and a damaged file refused.
 */
@Tag("smoke") // also on the JDK 17 floor (the default vectorization)
class Int8CodesTest {
    private static final VectorTypeSupport VTS = VectorizationProvider.getInstance().getVectorTypeSupport();

    @TempDir
    Path dir;

    private static List<VectorFloat<?>> vectors(SpectralVectors sv, int n) {
        List<VectorFloat<?>> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(VTS.createFloatVector(sv.next()));
        }
        return out;
    }

    private static float exact(VectorSimilarityFunction vsf, float[] q, VectorFloat<?> v) {
        return vsf.compare(VTS.createFloatVector(q), v);
    }

    @Test
    void scoresAreCloseToExactAndOrderTheTopAlike() throws IOException {
        int n = 2000;
        int dim = 96;
        SpectralVectors sv = new SpectralVectors(dim, 1.0, 0.4, 5);
        List<VectorFloat<?>> vectors = vectors(sv, n);
        Int8Codes codes = Int8Codes.quantize(vectors, dim);
        Path file = dir.resolve("seg-00000001.i8");
        Int8File.write(file, codes);
        assertThat(Files.size(file)).isEqualTo(Int8File.fileBytes(n, dim));
        Int8Codes read = Int8File.read(file, n, dim);

        int[] all = new int[n];
        Arrays.setAll(all, i -> i);
        for (VectorSimilarityFunction vsf : VectorSimilarityFunction.values()) {
            for (int t = 0; t < 5; t++) {
                float[] q = sv.next();
                Vectorization.Scorer s = codes.scorer(q, vsf);
                Vectorization.Scorer r = read.scorer(q, vsf);
                float[] bulk = new float[n];
                s.similarityTo(all, n, bulk);
                float[] exact = new float[n];
                for (int i = 0; i < n; i++) {
                    exact[i] = exact(vsf, q, vectors.get(i));
                    assertThat(s.similarityTo(i)).as("%s node %d", vsf, i).isCloseTo(exact[i], within(0.01f));
                    // the file holds the same codes; four at once sum as the single one does. Equal up to the last
                    // bit: the Vector API's reduceLanes may add the lanes in another order before and after the JIT
                    assertThat(r.similarityTo(i)).isCloseTo(s.similarityTo(i), within(1e-6f));
                    assertThat(bulk[i]).isCloseTo(s.similarityTo(i), within(1e-6f));
                }
                // the best 10 by int8 score hold nearly all of the exact best 10
                assertThat(overlap(top(exact, 10), top(bulk, 10))).as(vsf.name()).isGreaterThanOrEqualTo(9);
            }
        }
    }

    @Test
    void defaultKernelsMatchAScalarReference() {
        Random r = new Random(3);
        for (int dim : new int[] {1, 3, 4, 17, 384}) {
            float[] q = new float[dim];
            byte[] codes = new byte[dim * 5 + 7];
            for (int i = 0; i < dim; i++) {
                q[i] = (float) r.nextGaussian();
            }
            r.nextBytes(codes);
            for (Vectorization vz : List.of(Vectorization.get(), DefaultVectorization.INSTANCE)) {
                float[] four = new float[4];
                vz.dotInt8x4(q, codes, 7, codes, dim, codes, 2 * dim + 7, codes, 4 * dim, four, 0);
                int[] offsets = {7, dim, 2 * dim + 7, 4 * dim};
                for (int k = 0; k < 4; k++) {
                    double ref = 0;
                    for (int i = 0; i < dim; i++) {
                        ref += (double) q[i] * codes[offsets[k] + i];
                    }
                    float one = vz.dotInt8(q, codes, offsets[k]);
                    assertThat(four[k]).as("%s dim %d", vz.name(), dim).isCloseTo(one,
                            within(1e-5f * (1 + Math.abs(one))));
                    assertThat((double) one).isCloseTo(ref, within(1e-3 * (1 + Math.abs(ref))));
                }
            }
        }
    }

    @Test
    void constantDimensionsAndAnEmptySetQuantize() {
        List<VectorFloat<?>> same = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            same.add(VTS.createFloatVector(new float[] {0.5f, i / 10f}));
        }
        Int8Codes codes = Int8Codes.quantize(same, 2);
        Vectorization.Scorer s = codes.scorer(new float[] {1f, 1f}, VectorSimilarityFunction.DOT_PRODUCT);
        for (int i = 0; i < 10; i++) {
            assertThat(s.similarityTo(i)).isCloseTo((1 + 0.5f + i / 10f) / 2, within(0.005f));
        }
        assertThat(Int8Codes.quantize(List.of(), 4).count()).isZero();
    }

    @Test
    void aDamagedFileIsRefused() throws IOException {
        int n = 50;
        int dim = 16;
        Int8Codes codes = Int8Codes.quantize(vectors(new SpectralVectors(dim, 1.0, 0.4, 9), n), dim);
        Path file = dir.resolve("seg-00000001.i8");
        Int8File.write(file, codes);
        byte[] bytes = Files.readAllBytes(file);

        assertThatThrownBy(() -> Int8File.read(file, n + 1, dim)).isInstanceOf(CorruptIndexException.class)
                .hasMessageContaining("expected for 51 x 16");
        Files.write(file, Arrays.copyOf(bytes, bytes.length - 1));
        assertThatThrownBy(() -> Int8File.read(file, n, dim)).isInstanceOf(CorruptIndexException.class)
                .hasMessageContaining("seg-00000001.i8");
        byte[] magic = bytes.clone();
        magic[1] ^= 0x5A;
        Files.write(file, magic);
        assertThatThrownBy(() -> Int8File.read(file, n, dim)).hasMessageContaining("bad magic");
        byte[] step = bytes.clone();
        int firstStep = Int8File.HEADER_BYTES + 4 * dim;
        Arrays.fill(step, firstStep, firstStep + 4, (byte) 0); // a step of 0
        Files.write(file, step);
        assertThatThrownBy(() -> Int8File.read(file, n, dim)).hasMessageContaining("step of 0.0");
    }

    private static int[] top(float[] scores, int k) {
        Integer[] idx = new Integer[scores.length];
        Arrays.setAll(idx, i -> i);
        Arrays.sort(idx, (a, b) -> Float.compare(scores[b], scores[a]));
        int[] out = new int[k];
        for (int i = 0; i < k; i++) {
            out[i] = idx[i];
        }
        return out;
    }

    private static int overlap(int[] a, int[] b) {
        int n = 0;
        for (int x : a) {
            for (int y : b) {
                if (x == y) {
                    n++;
                }
            }
        }
        return n;
    }
}
