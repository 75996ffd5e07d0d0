package dev.neuralsearch.ann.commit;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Deletes the files of an index home that no commit needs any more, like Lucene's {@code IndexFileDeleter}: after
 * each commit (and at open) every file of ours that the manifest does not name, which are leftovers of merged-away
 * segments and of failed or interrupted writes; the files of a merged-away segment that searches still read wait
 * until its last snapshot is released. A deletion that fails (an open file on Windows) is retried at the next pass.
 */
public final class FileDeleter {
    /** The files an index writes into its home (the store and the lexical index have folders of their own). */
    private static final Pattern OWN_FILE =
            Pattern.compile("seg-\\d{8}(\\.graph|\\.docs|\\.pq|\\.vec|-g\\d+\\.del)|manifest\\.json\\.tmp");

    private final Path home;
    /** Merged-away segments that searches may still read: their files wait for {@link #segmentClosed}. */
    private final Set<Integer> stillOpen = ConcurrentHashMap.newKeySet();

    public FileDeleter(Path home) {
        this.home = home;
    }

    /** Segment {@code id} is no longer in the manifest but snapshots still read it: keep its files for now. */
    public void retiredButOpen(int id) {
        stillOpen.add(id);
    }

    /** The last snapshot of retired segment {@code id} is gone: delete its files (only its own: a commit may be
     * writing others right now). */
    public void segmentClosed(int id) {
        String prefix = String.format("seg-%08d", id);
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(home, prefix + "*")) {
            for (Path p : ds) {
                Files.deleteIfExists(p);
            }
        } catch (IOException ignored) {
            // deleted at the next pass
        }
        stillOpen.remove(id);
    }

    /** Deletes every file of ours that {@code m} does not name, except those of retired segments still open. */
    public void deleteUnreferenced(Manifest m) {
        Set<String> referenced = new HashSet<>();
        for (Manifest.SegmentEntry e : m.segments()) {
            referenced.add(e.graphFile());
            referenced.add(e.docsFile());
            if (e.pqFile() != null) {
                referenced.add(e.pqFile());
            }
            if (e.vectorsFile() != null) {
                referenced.add(e.vectorsFile());
            }
            if (e.tombstoneFile() != null) {
                referenced.add(e.tombstoneFile());
            }
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(home)) {
            for (Path p : ds) {
                String name = p.getFileName().toString();
                if (OWN_FILE.matcher(name).matches() && !referenced.contains(name) && !stillOpenSegment(name)) {
                    try {
                        Files.deleteIfExists(p);
                    } catch (IOException ignored) {
                        // an open file on some platforms; retried at the next pass
                    }
                }
            }
        } catch (IOException ignored) {
            // best effort
        }
    }

    private boolean stillOpenSegment(String fileName) {
        if (stillOpen.isEmpty() || !fileName.startsWith("seg-")) {
            return false;
        }
        return stillOpen.contains(Integer.parseInt(fileName.substring(4, 12)));
    }
}
