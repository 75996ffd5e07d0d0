package dev.neuralsearch.encoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Preset definitions and the missing-jar message; loads no model, so it is fast. */
class PresetsTest {

    @Test
    @Tag("smoke")
    void missingModelJarNamesTheMavenCoordinates() {
        ModelSpec absent = new ModelSpec("absent", ModelSource.classpath("no-such-model.onnx",
                "dev.langchain4j:langchain4j-embeddings-no-such-model"), Presets.ALL_MINILM_L6_V2.tokenizer(),
                Pooling.MEAN, true, 128, "", "", 0);
        assertThatThrownBy(() -> BiEncoder.load(absent)).isInstanceOf(ModelNotFoundException.class)
                .hasMessageContaining("dev.langchain4j:langchain4j-embeddings-no-such-model")
                .hasMessageContaining("no-such-model.onnx");
        assertThat(((ModelSource.Classpath) Presets.BGE_SMALL_ZH_V15_Q.model()).mavenCoordinates())
                .isEqualTo("dev.langchain4j:langchain4j-embeddings-bge-small-zh-v15-q");
    }

    @Test
    void presetsAreAllPackagedAndUniquelyNamed() {
        Set<String> ids = new HashSet<>();
        for (ModelSpec s : Presets.all()) {
            assertThat(ids.add(s.id())).as("unique id %s", s.id()).isTrue();
            assertThat(s.model().exists()).as(s.model().describe()).isTrue();
            assertThat(s.tokenizer().exists()).as(s.tokenizer().describe()).isTrue();
            assertThat(Presets.byId(s.id())).isSameAs(s);
        }
        assertThat(Presets.BGE_SMALL_EN_V15_NO_INSTRUCTION.id()).isEqualTo("bge-small-en-v1.5-noinstr");
        assertThat(Presets.BGE_SMALL_EN_V15_NO_INSTRUCTION.queryPrefix()).isEmpty();
        assertThat(Presets.BGE_SMALL_EN_V15.withMaxTokens(256).id()).isEqualTo("bge-small-en-v1.5-max256");
        assertThatThrownBy(() -> Presets.byId("nope")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bge-small-en-v1.5");
    }
}
