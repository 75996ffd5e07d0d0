import dev.neuralsearch.ann.*;
import dev.neuralsearch.core.*;
import java.nio.file.*;
import java.util.*;
import java.nio.*;

public class BuildProbe {
    static float[][] read(String f, int dim) throws Exception {
        ByteBuffer bb = ByteBuffer.wrap(Files.readAllBytes(Path.of(f))).order(ByteOrder.LITTLE_ENDIAN);
        int n = bb.remaining() / 4 / dim;
        float[][] v = new float[n][dim];
        for (int i = 0; i < n; i++) for (int j = 0; j < dim; j++) v[i][j] = bb.getFloat();
        return v;
    }
    static long cpu() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }
    public static void main(String[] a) throws Exception {
        int dim = 384;
        float[][] v = read("/work/bench/data/scifact-minilm-q-docs.f32", dim);
        float[][] q = read("/work/bench/data/scifact-minilm-q-queries.f32", dim);
        int n = v.length;
        // exact top 10 by dot product
        int[][] truth = new int[q.length][10];
        for (int i = 0; i < q.length; i++) {
            float[] s = new float[n]; Integer[] ix = new Integer[n];
            for (int j = 0; j < n; j++) { float d = 0; for (int k = 0; k < dim; k++) d += q[i][k] * v[j][k]; s[j] = d; ix[j] = j; }
            Arrays.sort(ix, (x, y) -> Float.compare(s[y], s[x]));
            for (int k = 0; k < 10; k++) truth[i][k] = ix[k];
        }
        int rounds = a.length > 0 ? Integer.parseInt(a[0]) : 3;
        for (int r = 0; r < rounds; r++) {
            Path home = Files.createTempDirectory("bp");
            long t0 = System.nanoTime(), c0 = cpu();
            JVectorIndex idx = JVectorIndex.open(home, new IndexSchema("b", dim, Similarity.DOT_PRODUCT),
                JVectorIndexOptions.defaults().withDocumentStore(DocumentStoreKind.valueOf(System.getProperty("ds","AUTO"))).withBuildThreads(Integer.getInteger("bt", 0)).withExpectedDocuments(n).withMaxBufferedDocs(n));
            long t1 = System.nanoTime(), c1 = cpu();
            List<Document> docs = new ArrayList<>(); List<float[]> vecs = new ArrayList<>();
            for (int i = 0; i < n; i++) { docs.add(new Document(Integer.toString(i), "")); vecs.add(v[i]); }
            idx.add(docs, vecs);
            long ta = System.nanoTime();
            idx.commit();
            long t2 = System.nanoTime(), c2 = cpu();
            var fld = Class.forName("dev.neuralsearch.ann.write.SegmentWriter").getDeclaredField("lastTimes");
            fld.setAccessible(true);
            Object bt = fld.get(null);
            System.out.printf("  add %.2f commit %.2f times %s%n", (ta-t1)/1e9, (t2-ta)/1e9, bt);
            StringBuilder rec = new StringBuilder();
            for (int ef : new int[] {15, 100}) {
                int hit = 0;
                for (int i = 0; i < q.length; i++) {
                    var hits = idx.search(q[i], 10, Filter.ALL, new SearchOptions(ef / 10f));
                    Set<Integer> t = new HashSet<>(); for (int x : truth[i]) t.add(x);
                    for (var h : hits) if (t.contains(Integer.parseInt(h.document().id()))) hit++;
                }
                rec.append(String.format(" recall@ef%d %.4f", ef, hit / (10.0 * q.length)));
            }
            idx.close();
            System.out.printf("round %d: open %.2f s (cpu %.2f) add+commit %.2f s (cpu %.2f)%s%n", r,
                (t1-t0)/1e9, (c1-c0)/1e9, (t2-t1)/1e9, (c2-c1)/1e9, rec);
        }
    }
}
