package dev.neuralsearch.test;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neuralsearch.ann.JVectorIndex;
import dev.neuralsearch.core.Document;
import dev.neuralsearch.core.InMemoryVectorIndex;
import dev.neuralsearch.core.NeuralSearch;
import dev.neuralsearch.core.TextEncoder;
import dev.neuralsearch.core.VectorIndex;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.RepeatedTest;

@NeuralSearchTest
class NeuralSearchExtensionTest {

    /** Every engine and on-disk home a test saw; all must be closed and deleted once the class is done. */
    private static final List<NeuralSearch> ENGINES = new ArrayList<>();
    private static final List<Path> HOMES = new ArrayList<>();

    private NeuralSearch fromBeforeEach;

    @BeforeEach
    void keep(NeuralSearch search) {
        fromBeforeEach = search;
        ENGINES.add(search);
    }

    @AfterAll
    static void everythingWasClosedAndDeleted() {
        assertThat(ENGINES).isNotEmpty().allSatisfy(e -> assertThat(e.isClosed()).isTrue());
        assertThat(HOMES).isNotEmpty().allSatisfy(h -> assertThat(h).doesNotExist());
    }

    @RepeatedTest(2)
    void eachTestGetsAFreshInMemoryEngine(NeuralSearch search, VectorIndex index, TextEncoder encoder) {
        assertThat(search).isSameAs(fromBeforeEach);
        assertThat(index).isInstanceOf(InMemoryVectorIndex.class);
        assertThat(encoder).isInstanceOf(HashingEncoder.class);
        assertThat(search.modelId()).isEqualTo(encoder.modelId());
        assertThat(search.stats().documents()).as("nothing left from another test").isZero();
        search.add(new Document("tent", "a two person tent for hiking"), new Document("boots", "leather boots"));
        assertThat(index.stats().documents()).isEqualTo(2);
        assertThat(search.query("hiking tent").limit(1).execute().get(0).id()).isEqualTo("tent");
    }

    @Test
    @NeuralSearchTest(index = IndexKind.ON_DISK)
    void onDiskEngineLivesInATemporaryHome(NeuralSearch search, VectorIndex index) {
        assertThat(index).isInstanceOf(JVectorIndex.class);
        Path home = ((JVectorIndex) index).home();
        HOMES.add(home.getParent());
        assertThat(home).isDirectory();
        search.add(new Document("tent", "a two person tent for hiking", Map.of("stock", true)));
        search.commit();
        assertThat(search.query("tent").execute()).hasSize(1);
        assertThat(Files.exists(home.getParent())).isTrue();
    }

    @Test
    @NeuralSearchTest(dimension = 64)
    void theMethodsSettingsWin(TextEncoder encoder, VectorIndex index) {
        assertThat(encoder.dimension()).isEqualTo(64);
        assertThat(index.schema().dimension()).isEqualTo(64);
    }

    @Nested
    @NeuralSearchTest(index = IndexKind.ON_DISK)
    class Nested_classes_take_their_own_settings {
        @Test
        void andInjectTheirOwnEngine(NeuralSearch search, VectorIndex index) {
            assertThat(index).isInstanceOf(JVectorIndex.class);
            HOMES.add(((JVectorIndex) index).home().getParent());
            ENGINES.add(search);
            assertThat(search.stats().documents()).isZero();
        }
    }

    @Nested
    class Nested_classes_without_settings_take_the_outer_ones {
        @Test
        void inMemory(VectorIndex index) {
            assertThat(index).isInstanceOf(InMemoryVectorIndex.class);
        }
    }
}
