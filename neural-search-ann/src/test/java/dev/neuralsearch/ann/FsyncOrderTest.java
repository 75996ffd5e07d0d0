package dev.neuralsearch.ann;

import dev.neuralsearch.ann.commit.Manifest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The order of the durability system calls of real commits, flushes, merges and a compaction, recorded by
 * {@code strace} around a forked writer JVM (skipped where strace is missing or may not trace): before each rename
 * of the manifest, the files written since the previous commit point were fsynced and then the home directory
 * (so their directory entries are durable before the manifest that names them), and after the rename the
 * directory again (so the rename is).
 */
class FsyncOrderTest {
    @TempDir
    Path dir;

    private static final Pattern FSYNC = Pattern.compile("^\\d+\\s+f(?:data)?sync\\(\\d+<([^>]*)>");
    private static final Pattern RENAME = Pattern.compile("^\\d+\\s+rename(?:at2?)?\\(.*?\"([^\"]*)\".*?\"([^\"]*)\"");

    @Test
    void segmentFilesAndTheDirectoryAreSyncedBeforeTheManifestRename() throws Exception {
        Path home = Files.createDirectories(dir.resolve("home")).toRealPath();
        Path trace = dir.resolve("trace.txt");
        List<String> cmd = new ArrayList<>(List.of("strace", "-f", "-y", "-qq", "-e", "signal=none", "-e",
                "trace=fsync,fdatasync,rename,renameat,renameat2", "-o", trace.toString()));
        List<String> flags = new ArrayList<>(ForkedJvm.moduleFlags());
        flags.add("-Xmx512m");
        cmd.addAll(ForkedJvm.command(ForkedJvm.currentJdk(), flags, CommitSequence.class, home.toString()));
        Process p;
        try {
            p = ForkedJvm.processBuilder(cmd).redirectErrorStream(true).start();
        } catch (IOException e) {
            Assumptions.abort("strace is not installed: " + e.getMessage());
            return;
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
        Assumptions.assumeFalse(out.contains("PTRACE") || out.contains("Operation not permitted"),
                "strace may not trace here: " + out);
        assertThat(out).as("writer output").contains("done");
        assertThat(p.exitValue()).isZero();

        String homeName = home.toString();
        List<String> events = new ArrayList<>(); // "sync <path>" / "rename <from> <to>", writer order
        for (String line : Files.readAllLines(trace)) {
            Matcher m = FSYNC.matcher(line);
            if (m.find()) {
                events.add("sync " + m.group(1));
                continue;
            }
            m = RENAME.matcher(line);
            if (m.find()) {
                events.add("rename " + m.group(1) + " " + m.group(2));
            }
        }
        String manifest = home.resolve(Manifest.FILE_NAME).toString();
        int renames = 0;
        int commitsWithFiles = 0;
        Set<String> written = new HashSet<>(); // segment files synced since the last commit point
        Set<String> everSynced = new HashSet<>();
        int lastFileSync = -1;
        int lastDirSync = -1;
        for (int i = 0; i < events.size(); i++) {
            String e = events.get(i);
            if (e.equals("sync " + homeName)) {
                lastDirSync = i;
            } else if (e.startsWith("sync " + homeName + "/seg-")) {
                written.add(e.substring(5));
                everSynced.add(Path.of(e.substring(5)).getFileName().toString());
                lastFileSync = i;
            } else if (e.startsWith("rename ") && e.endsWith(" " + manifest)) {
                renames++;
                if (lastFileSync >= 0) {
                        assertThat(lastDirSync).as("rename #%d (event %d): the home directory is fsynced after the "
                            + "last new file (%s, event %d) and before the rename; events: %s", renames, i, written,
                        lastFileSync, events).isGreaterThan(lastFileSync);
                    commitsWithFiles++;
                }
                assertThat(i + 1 < events.size() && events.get(i + 1).equals("sync " + homeName))
                        .as("rename #%d: the directory is fsynced right after it; events: %s", renames, events)
                        .isTrue();
                written.clear();
                lastFileSync = -1;
            }
        }
        // open (the empty manifest), three commits, at least one merge or compaction
        assertThat(renames).as("manifest renames seen; events: %s", events).isGreaterThanOrEqualTo(5);
        assertThat(commitsWithFiles).as("commit points that published new files").isGreaterThanOrEqualTo(4);
        Manifest last = Manifest.read(home);
        for (Manifest.SegmentEntry s : last.segments()) {
            for (String f : new String[] {s.graphFile(), s.docsFile(), s.vectorsFile(), s.pqFile(), s.tombstoneFile()}) {
                if (f != null) {
                    assertThat(everSynced).as("file %s of the last commit was fsynced", f).contains(f);
                }
            }
        }
    }
}
