package dev.neuralsearch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The promise of {@code nsearch index}: what a "committed N" line reports survives a SIGKILL right after it.
 * Runs the command in a child JVM (same class path and flags), kills it after its second commit, then reads
 * the home back.
 */
class IndexKillTest {

    @Test
    void committedDocumentsSurviveAKill(@TempDir Path tmp) throws Exception {
        Path docs = tmp.resolve("demo.jsonl");
        try (InputStream in = IndexKillTest.class.getResourceAsStream(DemoCommand.CORPUS)) {
            Files.copy(in, docs);
        }
        Path home = tmp.resolve("home");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("--add-") || arg.startsWith("--enable-native-access") || arg.startsWith("--sun-misc")
                    || arg.startsWith("-D")) {
                command.add(arg);
            }
        }
        command.addAll(List.of("-Xmx1g", "-cp", System.getProperty("java.class.path"), Nsearch.class.getName(),
                "index", "--home", home.toString(), "--model", "all-minilm-l6-v2-q", "--commit-every", "30",
                "--no-progress", docs.toString()));
        Process child = new ProcessBuilder(command).redirectError(tmp.resolve("child-stderr.txt").toFile()).start();
        List<String> lines = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = out.readLine()) != null; ) {
                lines.add(line);
                if (lines.size() == 2) {
                    child.destroyForcibly(); // SIGKILL: no shutdown hooks, no close
                    break;
                }
            }
        }
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(lines).as(Files.readString(tmp.resolve("child-stderr.txt"))).containsExactly("committed 30", "committed 60");

        NsearchCommandsTest.Run stats = NsearchCommandsTest.nsearch("stats", "--home", home.toString(), "--json");
        assertThat(stats.exit()).as(stats.err()).isZero();
        long documents = new ObjectMapper().readTree(stats.out()).get("documents").asLong();
        // At least what was acknowledged; at most one more commit could have landed before the kill.
        assertThat(documents).isIn(60L, 90L);

        NsearchCommandsTest.Run search = NsearchCommandsTest.nsearch("search", "--home", home.toString(),
                "how do black holes form", "--k", "1", "--json");
        assertThat(search.exit()).as(search.err()).isZero();
        assertThat(search.lines()).hasSize(1);

        NsearchCommandsTest.Run resume = NsearchCommandsTest.nsearch("index", "--home", home.toString(),
                "--no-progress", docs.toString());
        assertThat(resume.exit()).as(resume.err()).isZero();
        assertThat(resume.lines()).containsExactly("committed 240");
    }
}
