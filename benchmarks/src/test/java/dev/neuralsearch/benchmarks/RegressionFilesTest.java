package dev.neuralsearch.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pinned regression files are well-formed (cheap, no data needed): part of the default build, unlike
 * {@link BeirRegressionTest}, which runs them.
 */
class RegressionFilesTest {

    @Test
    void resourceFolderExists() {
        assertThat(Files.isDirectory(BeirRegressionTest.DIR)).isTrue();
    }

    @Test
    void everyRegressionFileIsValid() {
        List<Path> files = RegressionSpec.files(BeirRegressionTest.DIR);
        assertThat(files).isNotEmpty();
        for (Path f : files) {
            RegressionSpec s = RegressionSpec.read(f);
            assertThat(f.getFileName().toString()).as("file name starts with the dataset")
                    .startsWith(s.dataset() + ".");
        }
    }

    @Test
    void lexicalSettingsAreNormalisedIntoTheRunKey(@TempDir Path dir) throws Exception {
        String base = "{\"dataset\":\"d\",\"split\":\"test\",\"model\":\"m\",\"command\":\"c\","
                + "\"checks\":[{\"metric\":\"ndcg@10\",\"min\":0.5}],";
        RegressionSpec plain = read(dir, "a.json", base + "\"pipeline\":\"exact\"}");
        RegressionSpec defaults = read(dir, "b.json", base + "\"pipeline\":\"bm25\",\"analyzer\":\"STANDARD\","
                + "\"bm25\":\"1.2, 0.75\"}");
        RegressionSpec english = read(dir, "c.json", base + "\"pipeline\":\"ann+bm25 rrf\",\"analyzer\":\"english\","
                + "\"bm25\":\"0.9,0.4\"}");
        assertThat(defaults.runKey()).isEqualTo(plain.runKey());
        assertThat(english.runKey()).isNotEqualTo(plain.runKey()).contains("english").contains("0.9,0.4");
        assertThatThrownBy(() -> read(dir, "d.json", base + "\"pipeline\":\"bm25\",\"analyzer\":\"klingon\"}"))
                .hasMessageContaining("analyzer/bm25");
        assertThatThrownBy(() -> read(dir, "e.json", base + "\"pipeline\":\"bm25\",\"bm25\":\"0.9\"}"))
                .hasMessageContaining("analyzer/bm25");
        assertThatThrownBy(() -> read(dir, "f.json", base + "\"pipeline\":\"hybrid\"}"))
                .hasMessageContaining("pipeline must be one of");
    }

    private static RegressionSpec read(Path dir, String name, String json) throws Exception {
        Path f = dir.resolve(name);
        Files.writeString(f, json);
        return RegressionSpec.read(f);
    }
}
