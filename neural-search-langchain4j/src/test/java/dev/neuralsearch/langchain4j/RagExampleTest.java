package dev.neuralsearch.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RagExampleTest {

    @TempDir
    Path home;

    @Test
    void the_assistant_gets_the_retrieved_context() {
        String answer = RagExample.ask(Fixtures.encoder(), home.resolve("index"), "When was the Eiffel Tower built?");

        assertThat(answer).contains("When was the Eiffel Tower built?");
        assertThat(answer).contains("completed in 1889");
        assertThat(answer).doesNotContain("Photosynthesis").doesNotContain("Great Wall");
    }
}
