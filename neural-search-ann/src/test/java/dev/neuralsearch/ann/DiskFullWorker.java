package dev.neuralsearch.ann;

import dev.neuralsearch.ann.commit.Manifest;
import dev.neuralsearch.core.Document;
import dev.neuralsearch.core.Filter;
import dev.neuralsearch.core.IndexSchema;
import dev.neuralsearch.core.Similarity;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/**
 * Child process of {@link DiskFullTest}: writes an index on a small file system, fills the file system with a
 * filler file before a commit and before a compaction (leaving a little more room each time, so the writes fail
 * at different points), and reports after each failure what it threw, which files of the home no manifest names,
 * and whether the index still answers; then deletes the filler and retries. One line per event on stdout.
 */
public final class DiskFullWorker {
    static final int DIM = 32;
    static final IndexSchema SCHEMA = new IndexSchema("diskfull-model", DIM, Similarity.DOT_PRODUCT);
    static final JVectorIndexOptions OPTIONS = JVectorIndexOptions.DEFAULT.withMaxBufferedDocs(100_000)
            .withExpectedDocuments(8192).withAverageDocumentBytes(128).withPqThreshold(1_000_000);
    static final int A = 1500;
    static final int B = 1500;
    static final int DELETED = 100;
    /**
     * Room left on the file system for each attempt: coarse, then in fine steps towards what a commit needs, so
     * that the writes fail at different points (tombstones, each segment file, the Lucene commit, the manifest).
     */
    static final long[] FREE = freeSteps();
    static final long[] COMPACT_FREE = {0, 8 << 10, 160 << 10, 640 << 10};

    static long[] freeSteps() {
        List<Long> out = new ArrayList<>(List.of(0L, 8L << 10, 160L << 10, 400L << 10));
        for (long f = 464 << 10; f <= 1 << 20; f += 32 << 10) {
            out.add(f);
        }
        return out.stream().mapToLong(Long::longValue).toArray();
    }

    public static void main(String[] args) throws Exception {
        Path home = Path.of(args[0]);
        Path filler = Path.of(args[1]);
        try (JVectorIndex index = JVectorIndex.open(home, SCHEMA, OPTIONS)) {
            index.add(docs("a", A), vectors(1, A));
            index.commit(Map.of("n", "1"));
            say("committed 1");
            index.add(docs("b", B), vectors(2, B));
            List<String> gone = new ArrayList<>();
            for (int i = 0; i < DELETED; i++) {
                gone.add("a" + i);
            }
            index.delete(gone);
            boolean done = false;
            for (long free : FREE) {
                fill(filler, free);
                try {
                    index.commit(Map.of("n", "2"));
                    say("committed 2 with " + free + " bytes free");
                    done = true;
                } catch (UncheckedIOException e) {
                    say("commit-failed free=" + free + " " + oneLine(e));
                }
                report(index, home, done ? 2 : 1);
                Files.delete(filler);
                if (done) {
                    break;
                }
            }
            if (!done) {
                index.commit(Map.of("n", "2"));
                say("committed 2 after freeing space");
                report(index, home, 2);
            }
            done = false;
            for (long free : COMPACT_FREE) {
                fill(filler, free);
                try {
                    index.compact();
                    say("compacted with " + free + " bytes free");
                    done = true;
                } catch (UncheckedIOException e) {
                    say("compact-failed free=" + free + " " + oneLine(e));
                }
                report(index, home, 2);
                Files.delete(filler);
                if (done) {
                    break;
                }
            }
            if (!done) {
                index.compact();
                say("compacted after freeing space");
                report(index, home, 2);
            }
        }
        say("closed");
    }

    static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }

    static String oneLine(Throwable e) {
        return (e.getMessage() + " | cause " + (e.getCause() == null ? "none" : e.getCause().getClass().getName()))
                .replace('\n', ' ');
    }

    /** The state after an attempt: orphan files, the segments' count and whether searches and gets still work. */
    static void report(JVectorIndex index, Path home, int commit) throws IOException {
        say("orphans " + orphans(home));
        int hits = index.search(vector(new Random(9)), 10, Filter.ALL).size();
        int lexical = index.lexicalSearch("common", 10, Filter.ALL).size();
        say("state commit=" + commit + " generation=" + index.generation() + " documents="
                + index.stats().documents() + " vectorHits=" + hits + " lexicalHits=" + lexical
                + " a0=" + index.get("a0").isPresent() + " a500=" + index.get("a500").isPresent()
                + " b5=" + index.get("b5").isPresent());
    }

    /** Files of the home that look like the index's own but that the manifest on disk does not name. */
    static Set<String> orphans(Path home) throws IOException {
        Set<String> named = new TreeSet<>();
        for (Manifest.SegmentEntry e : Manifest.read(home).segments()) {
            for (String f : new String[] {e.graphFile(), e.docsFile(), e.pqFile(), e.vectorsFile(),
                e.tombstoneFile()}) {
                if (f != null) {
                    named.add(f);
                }
            }
        }
        Set<String> out = new TreeSet<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(home)) {
            for (Path p : ds) {
                String name = p.getFileName().toString();
                if ((name.startsWith("seg-") || name.endsWith(".tmp")) && !named.contains(name)) {
                    out.add(name);
                }
            }
        }
        return out;
    }

    /** Fills the file system of {@code filler} until a write fails, then gives back {@code free} bytes. */
    static void fill(Path filler, long free) throws IOException {
        byte[] chunk = new byte[1 << 16];
        try (OutputStream out = Files.newOutputStream(filler)) {
            while (true) {
                out.write(chunk);
            }
        } catch (IOException full) {
            // the file system is full
        }
        try (FileChannel ch = FileChannel.open(filler, StandardOpenOption.WRITE)) {
            ch.truncate(Math.max(0, ch.size() - free));
        }
    }

    static List<Document> docs(String prefix, int n) {
        List<Document> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(Document.of(prefix + i, "common text of " + prefix + " number " + i, Map.of("i", i)));
        }
        return out;
    }

    static List<float[]> vectors(long seed, int n) {
        Random r = new Random(seed);
        List<float[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(vector(r));
        }
        return out;
    }

    static float[] vector(Random r) {
        float[] v = new float[DIM];
        for (int j = 0; j < DIM; j++) {
            v[j] = (float) r.nextGaussian();
        }
        return TestVectors.normalize(v);
    }
}
