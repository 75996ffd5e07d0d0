package dev.neuralsearch.ann;

import dev.neuralsearch.ann.commit.Manifest;
import dev.neuralsearch.ann.lexical.LexicalIndex;
import dev.neuralsearch.core.Filter;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexCommit;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Real disk-full faults: the home lives on a small tmpfs mounted for the test (skipped when mounting is refused,
 * e.g. not root), a forked writer JVM ({@link DiskFullWorker}) fills it before a commit and before a compaction,
 * and each attempt must fail with a clear error, leave no partial file in the home, keep the previous commit
 * searchable, and succeed once the space is back. Then this JVM reopens the home and checks it.
 *
 * <p>The document store ({@code home/store}) is a symbolic link to a folder outside the tmpfs: the Chronicle store
 * writes through a memory mapping, where a full disk is a SIGBUS, not an exception; making that safe is another
 * part of the work (issue 21). The writer runs in a forked JVM so that nothing of the kind can take this one down.
 */
class DiskFullTest {
    static Path mount;
    static Path outside;

    @BeforeAll
    static void mountTmpfs() throws Exception {
        mount = Files.createTempDirectory("ns-diskfull");
        outside = Files.createTempDirectory("ns-diskfull-store");
        Path dir = mount;
        mount = null; // set once mounted: a skipped test leaves nothing to unmount
        mount = SmallTmpfs.mount(dir, "6m");
    }

    @AfterAll
    static void unmount() throws Exception {
        if (outside != null) {
            try (var walk = Files.walk(outside)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
        if (mount != null) {
            SmallTmpfs.unmount(mount);
            Files.deleteIfExists(mount);
        }
    }

    @Test
    void commitAndCompactionOnAFullDiskFailCleanlyAndSucceedOnceSpaceIsBack() throws Exception {
        Path home = Files.createDirectories(mount.resolve("home"));
        Files.createSymbolicLink(home.resolve("store"), Files.createDirectories(outside.resolve("store")));
        List<String> lines = runWorker(home, mount.resolve("filler"));
        String all = String.join("\n", lines);
        System.out.println(all);
        assertThat(lines).as(all).contains("committed 1", "closed");

        List<String> commitFailures = lines.stream().filter(l -> l.startsWith("commit-failed")).toList();
        List<String> compactFailures = lines.stream().filter(l -> l.startsWith("compact-failed")).toList();
        assertThat(commitFailures).as(all).hasSizeGreaterThanOrEqualTo(3);
        assertThat(compactFailures).as(all).hasSizeGreaterThanOrEqualTo(3);
        for (String f : commitFailures) {
            assertThat(f).as(all).contains("commit failed; the index keeps its previous commit")
                    .contains("No space left on device").contains("cause java.io.IOException");
        }
        for (String f : compactFailures) {
            assertThat(f).as(all).contains("No space left on device").contains("cause java.io.IOException");
        }
        // the writes failed at different points, and each message says which. The first two points are always
        // reached (0 and 8 KiB free); whether a step lands inside the Lucene commit depends on the segment sizes of
        // the run, so that point is checked when it is reached (above: a clean IOException) but not required
        for (String point : List.of("writing tombstones", "writing segment")) {
            assertThat(commitFailures).as(all).anyMatch(l -> l.contains(point));
        }
        System.out.println("DiskFullTest: a commit failed inside the Lucene commit in this run: "
                + commitFailures.stream().anyMatch(l -> l.contains("committing the lexical index")));
        assertThat(lines.stream().filter(l -> l.startsWith("orphans"))).as(all).allMatch(l -> l.equals("orphans []"));
        // after each failed commit: the previous commit plus the uncommitted changes, all searchable
        int a = DiskFullWorker.A;
        int b = DiskFullWorker.B;
        int live = a - DiskFullWorker.DELETED + b;
        assertThat(lines.stream().filter(l -> l.startsWith("state"))).as(all).allMatch(l ->
                l.contains("documents=" + live) && l.contains("vectorHits=10") && l.contains("lexicalHits=10")
                        && l.contains("a0=false") && l.contains("a500=true") && l.contains("b5=true"));
        assertThat(lines.stream().filter(l -> l.startsWith("committed 2"))).as(all).hasSize(1);
        assertThat(lines.stream().filter(l -> l.startsWith("compacted"))).as(all).hasSize(1);

        // the home as the writer left it: the last commit, nothing else, and it opens and searches here
        assertThat(DiskFullWorker.orphans(home)).isEmpty();
        Manifest m = Manifest.read(home);
        assertThat(m.userData()).containsEntry("n", "2");
        assertThat(m.segments()).hasSize(1); // compacted
        try (JVectorIndex index = JVectorIndex.open(home, DiskFullWorker.SCHEMA,
                DiskFullWorker.OPTIONS.withVerifyChecksums(true))) {
            assertThat(index.stats().documents()).isEqualTo(live);
            assertThat(index.lexicalIds()).isEqualTo(index.denseIds()).hasSize(live);
            assertThat(index.get("a0")).isEmpty();
            assertThat(index.get("b1499")).isPresent();
            assertThat(index.search(DiskFullWorker.vector(new java.util.Random(3)), 10, Filter.ALL)).hasSize(10);
            assertThat(index.lexicalSearch("common", 10, Filter.ALL)).hasSize(10);
        }
        // nor does the lexical index keep files of the failed attempts: only those of its commit
        Path lexical = home.resolve(LexicalIndex.DIR);
        Set<String> kept = new TreeSet<>();
        try (Directory dir = FSDirectory.open(lexical)) {
            for (IndexCommit c : DirectoryReader.listCommits(dir)) {
                kept.addAll(c.getFileNames());
            }
        }
        kept.add("write.lock");
        try (var files = Files.list(lexical)) {
            assertThat(files.map(f -> f.getFileName().toString())).as("files of %s", lexical).allMatch(kept::contains);
        }
    }

    private static List<String> runWorker(Path home, Path filler) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("--add-") || a.startsWith("--enable-native-access") || a.startsWith("--sun-misc")
                    || a.startsWith("-Dchronicle")) {
                cmd.add(a);
            }
        }
        cmd.addAll(List.of("-Xmx512m", "-cp", System.getProperty("java.class.path"),
                DiskFullWorker.class.getName(), home.toString(), filler.toString()));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).as("writer finished: %s", out).isTrue();
        assertThat(p.exitValue()).as("writer exit code; output:%n%s", out).isZero();
        return out.lines().toList();
    }
}
