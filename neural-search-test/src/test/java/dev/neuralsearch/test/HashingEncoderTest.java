package dev.neuralsearch.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.neuralsearch.core.Similarity;
import java.util.List;
import org.junit.jupiter.api.Test;

class HashingEncoderTest {

    private final HashingEncoder encoder = new HashingEncoder();

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * b[i];
        }
        return s;
    }

    @Test
    void vectorsAreUnitLengthAndTheSameFromEveryInstance() {
        float[] v = encoder.encode("A two-person tent for hiking");
        assertThat(v).hasSize(HashingEncoder.DEFAULT_DIMENSION);
        assertThat(dot(v, v)).isCloseTo(1.0, within(1e-6));
        assertThat(new HashingEncoder().encodeQuery("A two-person tent for hiking")).containsExactly(v);
        assertThat(encoder.encodePassages(List.of("A two-person tent for hiking")).get(0)).containsExactly(v);
        assertThat(encoder.similarity()).isEqualTo(Similarity.DOT_PRODUCT);
    }

    /**
     * The scheme is pinned: an index home made with "hashing-v1-256" must get the same vectors from any later
     * version (a change must bump the scheme in the model id). The slots are those of the first release.
     */
    @Test
    void vectorsArePinnedByTheModelId() {
        assertThat(encoder.modelId()).isEqualTo("hashing-v1-256");
        float[] v = encoder.encode("a tent, a tent, hiking");
        StringBuilder slots = new StringBuilder();
        for (int i = 0; i < v.length; i++) {
            if (v[i] != 0) {
                slots.append(i).append(v[i] > 0 ? "+" : "-").append(String.format(java.util.Locale.ROOT, "%.4f ", Math.abs(v[i])));
            }
        }
        assertThat(slots.toString().trim()).isEqualTo(PINNED);
    }

    private static final String PINNED = "47-0.6667 130+0.3333 194-0.6667";

    @Test
    void moreSharedWordsMeanCloser() {
        float[] query = encoder.encodeQuery("lightweight hiking tent");
        float[] two = encoder.encode("A tent for hiking");
        float[] one = encoder.encode("A tent for the beach");
        float[] none = encoder.encode("Waterproof leather boots");
        assertThat(dot(query, two)).isGreaterThan(dot(query, one) + 0.1);
        assertThat(dot(query, one)).isGreaterThan(dot(query, none) + 0.1);
        assertThat(dot(encoder.encode("Hiking TENT!"), encoder.encode("hiking tent"))).isCloseTo(1.0, within(1e-6));
    }

    @Test
    void textWithoutWordsGetsAUnitVector() {
        float[] v = encoder.encode(" ?! -- ");
        assertThat(dot(v, v)).isCloseTo(1.0, within(1e-6));
        assertThat(encoder.encode("")).containsExactly(v);
    }

    @Test
    void dimensionIsBoundedAndNamed() {
        assertThat(new HashingEncoder(64).modelId()).isEqualTo("hashing-v1-64");
        assertThat(new HashingEncoder(64).encode("tent")).hasSize(64);
        assertThatThrownBy(() -> new HashingEncoder(8)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new HashingEncoder(5000)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> encoder.encode(null)).isInstanceOf(NullPointerException.class);
    }
}
