package dev.neuralsearch.ann;

import dev.neuralsearch.core.Document;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Child process of {@link FsyncOrderTest}: opens the home given as the argument, runs adds, a delete, commits
 * (with flushed segments merged on commit) and a compaction, and prints {@code done}.
 */
public final class CommitSequence {
    public static void main(String[] args) {
        try (JVectorIndex index = JVectorIndex.open(Path.of(args[0]), CrashWorker.SCHEMA, CrashWorker.OPTIONS)) {
            for (int n = 1; n <= 3; n++) {
                List<Document> docs = new ArrayList<>();
                List<float[]> vecs = new ArrayList<>();
                for (int i = 0; i < CrashWorker.PER_COMMIT; i++) {
                    docs.add(Document.of(CrashWorker.id(n, i), "t" + n + "-" + i, Map.of("n", n)));
                    vecs.add(CrashWorker.vector(n, i, n));
                }
                index.add(docs, vecs);
                if (n > 1) {
                    index.delete(List.of(CrashWorker.id(n - 1, 3)));
                }
                index.commit(Map.of("n", String.valueOf(n)));
            }
            index.compact();
        }
        System.out.println("done");
    }
}
