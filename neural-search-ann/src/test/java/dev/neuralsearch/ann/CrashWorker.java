package dev.neuralsearch.ann;

import dev.neuralsearch.core.Document;
import dev.neuralsearch.core.IndexSchema;
import dev.neuralsearch.core.Similarity;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Child process of {@link CrashTest}: ingests and commits in a loop, printing {@code committed <n>} after each
 * acknowledged commit, until it is killed. Commit n is a pure function of n (see {@link #expected}), so the parent
 * can check the exact state of any generation.
 */
public final class CrashWorker {
    static final int DIM = 16;
    static final int PER_COMMIT = 20;
    static final IndexSchema SCHEMA = new IndexSchema("crash-model", DIM, Similarity.DOT_PRODUCT);
    static final JVectorIndexOptions OPTIONS = JVectorIndexOptions.DEFAULT.withPqThreshold(256).withMaxSegments(4)
            .withExpectedDocuments(4096).withAverageDocumentBytes(128)
            // each commit's documents arrive in two adds of 10 and 11: each add flushes a segment, and the commit
            // merges the two (mergeFlushedOnCommit), so kills also land in flushes and in that merge
            .withMaxBufferedDocs(10);

    public static void main(String[] args) {
        Path home = Path.of(args[0]);
        try (JVectorIndex index = JVectorIndex.open(home, SCHEMA, OPTIONS)) {
            int n = Integer.parseInt(index.userData().getOrDefault("n", "0"));
            System.out.println("opened " + n);
            System.out.flush();
            while (true) {
                n++;
                List<Document> docs = new ArrayList<>();
                List<float[]> vecs = new ArrayList<>();
                for (int i = 0; i < PER_COMMIT; i++) {
                    docs.add(Document.of(id(n, i), "t" + n + "-" + i, Map.of("n", n)));
                    vecs.add(vector(n, i, n));
                }
                if (n > 1) {
                    // update the first document of the previous commit
                    docs.add(Document.of(id(n - 1, 0), "v" + n, Map.of("n", n - 1)));
                    vecs.add(vector(n - 1, 0, n));
                }
                int half = PER_COMMIT / 2;
                index.add(docs.subList(0, half), vecs.subList(0, half));
                index.add(docs.subList(half, docs.size()), vecs.subList(half, vecs.size()));
                if (n > 2) {
                    index.delete(List.of(id(n - 2, 1)));
                }
                index.commit(Map.of("n", String.valueOf(n)));
                System.out.println("committed " + n);
                System.out.flush();
            }
        }
    }

    static String id(int commit, int i) {
        return "c" + commit + "-" + i;
    }

    static float[] vector(int commit, int i, int version) {
        Random r = new Random(commit * 100_003L + i * 31L + version * 7_919L);
        float[] v = new float[DIM];
        for (int j = 0; j < DIM; j++) {
            v[j] = (float) r.nextGaussian();
        }
        return TestVectors.normalize(v);
    }

    /** The documents (id -> text, version of vector) after commit {@code n}. */
    static Map<String, Object[]> expected(int n) {
        Map<String, Object[]> out = new java.util.HashMap<>();
        for (int m = 1; m <= n; m++) {
            for (int i = 0; i < PER_COMMIT; i++) {
                if (i == 1 && m <= n - 2) {
                    continue; // deleted at commit m + 2
                }
                if (i == 0 && m < n) {
                    out.put(id(m, i), new Object[] {"v" + (m + 1), m + 1});
                } else {
                    out.put(id(m, i), new Object[] {"t" + m + "-" + i, m});
                }
            }
        }
        return out;
    }
}
