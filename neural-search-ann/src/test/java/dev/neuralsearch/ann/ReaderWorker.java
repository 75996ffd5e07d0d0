package dev.neuralsearch.ann;

import dev.neuralsearch.ann.commit.Manifest;
import dev.neuralsearch.core.Filter;
import dev.neuralsearch.core.ScoredDocument;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Child process of {@link ReadOnlyReaderTest}: a read-only reader of a home that a {@link CrashWorker} writes. It
 * refreshes and searches in a loop and checks every commit it sees against {@link CrashWorker#expected}: the count,
 * and that the commit number never goes back. When the file {@code stop} appears in the home it holds the last commit
 * the writer acknowledged: the reader refreshes once more, checks that it sees at least that commit with every
 * document, prints {@code final <n>} and exits 0. Any failure prints {@code ERROR ...} and exits 1.
 */
public final class ReaderWorker {

    public static void main(String[] args) throws Exception {
        Path home = Path.of(args[0]);
        String name = args[1];
        while (!Files.exists(home.resolve(Manifest.FILE_NAME))) {
            Thread.sleep(10);
        }
        try (JVectorIndex index = JVectorIndex.openReadOnly(home, CrashWorker.SCHEMA, CrashWorker.OPTIONS)) {
            int last = -1;
            long refreshes = 0;
            Path stop = home.resolve("stop");
            while (true) {
                boolean stopping = Files.exists(stop);
                index.refresh();
                refreshes++;
                int n = commit(index);
                if (n < last) {
                    fail(name + ": commit went back from " + last + " to " + n);
                }
                Map<String, Object[]> expected = CrashWorker.expected(n);
                long docs = index.stats().documents();
                if (docs != expected.size()) {
                    fail(name + ": commit " + n + " shows " + docs + " documents, expected " + expected.size());
                }
                List<ScoredDocument> hits = index.search(CrashWorker.vector(n, 3, n), 5, Filter.ALL, null);
                if (n > 0 && hits.isEmpty()) {
                    fail(name + ": no hits at commit " + n);
                }
                if (n > 0 && index.lexicalSearch("t" + n + "-3", 3, Filter.ALL).isEmpty()) {
                    fail(name + ": no lexical hit at commit " + n);
                }
                if (n != last) {
                    System.out.println(name + " sees " + n + " " + docs);
                    last = n;
                }
                if (stopping) {
                    int acknowledged = Integer.parseInt(Files.readString(stop).trim());
                    if (n < acknowledged) {
                        fail(name + ": after the writer's last acknowledged commit " + acknowledged + " it sees " + n);
                    }
                    for (Map.Entry<String, Object[]> e : expected.entrySet()) {
                        var d = index.get(e.getKey());
                        if (d.isEmpty() || !d.get().text().equals(e.getValue()[0])) {
                            fail(name + ": document " + e.getKey() + " at commit " + n + " is " + d);
                        }
                    }
                    System.out.println("final " + n + " after " + refreshes + " refreshes");
                    System.exit(0);
                }
            }
        } catch (Throwable t) {
            t.printStackTrace();
            fail(name + ": " + t);
        }
    }

    private static int commit(JVectorIndex index) {
        return Integer.parseInt(index.userData().getOrDefault("n", "0"));
    }

    private static void fail(String message) {
        System.out.println("ERROR " + message);
        System.out.flush();
        System.exit(1);
    }
}
