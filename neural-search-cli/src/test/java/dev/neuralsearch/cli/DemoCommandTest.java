package dev.neuralsearch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoCommandTest {

    @Test
    void quickstartRanksTheBundledQueries(@TempDir Path home) {
        NsearchCommandsTest.Run r = NsearchCommandsTest.nsearch("demo", "--no-progress", "--home", home.toString(),
                "-k", "3");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("indexing 150 English documents with bge-small-en-v1.5-q")
                .contains("indexing 90 Chinese documents with bge-small-zh-v1.5-q")
                .contains("> how do black holes form").contains("> 为什么高铁能开得那么快");
        Matcher m = Pattern.compile("ranked first for (\\d+) of 12 queries").matcher(r.out());
        assertThat(m.find()).as(r.out()).isTrue();
        // measured: 9 of 12 at rank 1, MRR@10 0.875 (English with bge-small-en, Chinese with bge-small-zh)
        assertThat(Integer.parseInt(m.group(1))).isGreaterThanOrEqualTo(8);
        assertThat(home.resolve("en/manifest.json")).exists();
        assertThat(home.resolve("zh/manifest.json")).exists();

        NsearchCommandsTest.Run mine = NsearchCommandsTest.nsearch("demo", "--no-progress", "--home", home.toString(),
                "--query", "高血压", "--query", "stock market risk", "--filter", "year>=2020", "-k", "2");
        assertThat(mine.exit()).as(mine.err()).isZero();
        assertThat(mine.out()).contains("> 高血压   [bge-small-zh-v1.5-q").contains("> stock market risk   [bge-small-en-v1.5-q")
                .doesNotContain("ranked first");
    }

    @Test
    void temporaryHomeIsRemoved() throws Exception {
        long before;
        try (var s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            before = s.filter(p -> p.getFileName().toString().startsWith("nsearch-demo-")).count();
        }
        NsearchCommandsTest.Run r = NsearchCommandsTest.nsearch("demo", "--no-progress", "--query", "bread", "-k", "1");
        assertThat(r.exit()).as(r.err()).isZero();
        try (var s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            assertThat(s.filter(p -> p.getFileName().toString().startsWith("nsearch-demo-")).count()).isEqualTo(before);
        }
    }
}
