package dev.neuralsearch.bench;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The vectors both indexes are built from, the query vectors and the exact top-k of each query, computed once and
 * cached under {@link BenchPaths#cache()} as little-endian float files ({@code int n, int dim, n*dim floats}).
 *
 * <ul>
 *   <li>{@code scifact}: the 5183 SciFact documents and 1109 queries encoded with all-MiniLM-L6-v2-q (langchain4j's
 *       in-process model: the same ONNX file as ours; which side encodes does not matter here, only that both
 *       indexes get the same vectors). Unit length, 384 dims.</li>
 *   <li>{@code synthetic-N}: N unit vectors of 384 dims drawn from Gaussian clusters (a random unit centre per
 *       cluster plus isotropic noise of norm ~1, then normalised), and 1000 queries drawn the same way but not in
 *       the set. Seeded, so every run builds the same set.</li>
 * </ul>
 * All vectors are unit length, so dot product (what both indexes use) orders like cosine.
 */
public final class VectorData {
    public static final int DIM = 384;
    public static final int TRUTH_K = 100;

    public final String name;
    public final float[][] base;
    public final float[][] queries;
    /** Exact top-{@value #TRUTH_K} base ordinals per query, best first. */
    public final int[][] truth;

    private VectorData(String name, float[][] base, float[][] queries, int[][] truth) {
        this.name = name;
        this.base = base;
        this.queries = queries;
        this.truth = truth;
    }

    /** {@code scifact} or {@code synthetic} (with {@code size} vectors, e.g. 100000 or 1000000). */
    public static VectorData load(String dataset, int size) {
        return switch (dataset) {
            case "scifact" -> scifact();
            case "synthetic" -> synthetic(size, Math.max(16, size / 400), 1000);
            default -> throw new IllegalArgumentException("dataset is scifact or synthetic, was " + dataset);
        };
    }

    /**
     * The queries and the cached ground truth of a data set whose vectors were made before, without its base
     * vectors ({@code base} is null): for search-only runs over an index that already exists, under a memory limit.
     */
    public static VectorData queriesOnly(String dataset, int size) {
        String name = dataset.equals("scifact") ? "scifact" : "synthetic-" + size;
        String file = dataset.equals("scifact") ? "scifact-minilm-q" : name;
        Path dir = BenchPaths.cache();
        Path queryPath = dir.resolve(file + "-queries.f32");
        Path truthPath = dir.resolve(file + "-truth" + TRUTH_K + ".i32");
        if (!Files.exists(queryPath) || !Files.exists(truthPath)) {
            throw new IllegalStateException("no cached queries and truth for " + name + " in " + dir
                    + ": run once without --reuse");
        }
        float[][] queries = read(queryPath);
        return new VectorData(name, null, queries, truth(file, null, queries));
    }

    public int dim() {
        return base[0].length;
    }

    static VectorData scifact() {
        Path dir = BenchPaths.cache();
        Path basePath = dir.resolve("scifact-minilm-q-docs.f32");
        Path queryPath = dir.resolve("scifact-minilm-q-queries.f32");
        if (!Files.exists(basePath) || !Files.exists(queryPath)) {
            EncoderModel m = EncoderModel.ALL_MINILM_L6_V2_Q;
            EmbeddingModel model = m.langchain4j();
            System.err.println("encoding SciFact once with " + m.id + " (langchain4j) into " + dir + " ...");
            long t0 = System.nanoTime();
            write(queryPath, embed(model, SciFact.queries().stream().map(SciFact.Doc::text).toList()));
            write(basePath, embed(model, SciFact.corpus().stream().map(SciFact.Doc::text).toList()));
            System.err.printf("encoded in %.0f s%n", (System.nanoTime() - t0) / 1e9);
        }
        float[][] base = read(basePath);
        float[][] queries = read(queryPath);
        return new VectorData("scifact", base, queries, truth("scifact-minilm-q", base, queries));
    }

    private static float[][] embed(EmbeddingModel model, List<String> texts) {
        float[][] out = new float[texts.size()][];
        int batch = 256;
        for (int i = 0; i < texts.size(); i += batch) {
            List<TextSegment> segs = texts.subList(i, Math.min(texts.size(), i + batch)).stream()
                    .map(TextSegment::from).toList();
            List<Embedding> e = model.embedAll(segs).content();
            for (int j = 0; j < e.size(); j++) {
                out[i + j] = e.get(j).vector();
            }
            System.err.printf("  %d / %d%n", Math.min(texts.size(), i + batch), texts.size());
        }
        return out;
    }

    static VectorData synthetic(int n, int clusters, int queryCount) {
        String name = "synthetic-" + n;
        Path dir = BenchPaths.cache();
        Path basePath = dir.resolve(name + "-base.f32");
        Path queryPath = dir.resolve(name + "-queries.f32");
        if (!Files.exists(basePath) || !Files.exists(queryPath)) {
            Random random = new Random(20261128L);
            float[][] centres = new float[clusters][];
            for (int c = 0; c < clusters; c++) {
                centres[c] = gaussianUnit(random, 1.0);
            }
            float[][] base = new float[n][];
            for (int i = 0; i < n; i++) {
                base[i] = clusterPoint(random, centres[random.nextInt(clusters)]);
            }
            float[][] queries = new float[queryCount][];
            for (int i = 0; i < queryCount; i++) {
                queries[i] = clusterPoint(random, centres[random.nextInt(clusters)]);
            }
            write(basePath, base);
            write(queryPath, queries);
        }
        float[][] base = read(basePath);
        float[][] queries = read(queryPath);
        return new VectorData(name, base, queries, truth(name, base, queries));
    }

    private static float[] gaussianUnit(Random random, double scale) {
        float[] v = new float[DIM];
        for (int i = 0; i < DIM; i++) {
            v[i] = (float) (random.nextGaussian() * scale);
        }
        return normalise(v);
    }

    private static float[] clusterPoint(Random random, float[] centre) {
        double sigma = 1.0 / Math.sqrt(DIM); // noise of norm ~1 around a unit centre
        float[] v = new float[DIM];
        for (int i = 0; i < DIM; i++) {
            v[i] = centre[i] + (float) (random.nextGaussian() * sigma);
        }
        return normalise(v);
    }

    static float[] normalise(float[] v) {
        double s = 0;
        for (float x : v) {
            s += x * x;
        }
        float inv = (float) (1 / Math.sqrt(s));
        for (int i = 0; i < v.length; i++) {
            v[i] *= inv;
        }
        return v;
    }

    static float dot(float[] a, float[] b) {
        float s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    /** Exact top-{@value #TRUTH_K} by dot product, brute force on all cores; cached beside the vectors. */
    private static int[][] truth(String name, float[][] base, float[][] queries) {
        Path path = BenchPaths.cache().resolve(name + "-truth" + TRUTH_K + ".i32");
        if (Files.exists(path)) {
            float[][] f = read(path);
            int[][] t = new int[f.length][];
            for (int i = 0; i < f.length; i++) {
                t[i] = new int[f[i].length];
                for (int j = 0; j < f[i].length; j++) {
                    t[i][j] = Float.floatToRawIntBits(f[i][j]);
                }
            }
            return t;
        }
        int k = Math.min(TRUTH_K, base.length);
        int[][] truth = new int[queries.length][];
        ExecutorService pool = Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors());
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int q = 0; q < queries.length; q++) {
                final int qi = q;
                futures.add(pool.submit(() -> truth[qi] = exactTopK(base, queries[qi], k)));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            pool.shutdown();
        }
        float[][] asFloats = new float[truth.length][k];
        for (int i = 0; i < truth.length; i++) {
            for (int j = 0; j < k; j++) {
                asFloats[i][j] = Float.intBitsToFloat(truth[i][j]);
            }
        }
        write(path, asFloats);
        return truth;
    }

    static int[] exactTopK(float[][] base, float[] q, int k) {
        // Bounded min-heap of (score, ordinal); ties broken by lower ordinal.
        float[] hs = new float[k];
        int[] ho = new int[k];
        int size = 0;
        for (int i = 0; i < base.length; i++) {
            float s = dot(base[i], q);
            if (size < k) {
                hs[size] = s;
                ho[size] = i;
                size++;
                siftUp(hs, ho, size - 1);
            } else if (s > hs[0]) {
                hs[0] = s;
                ho[0] = i;
                siftDown(hs, ho, size);
            }
        }
        int[] out = new int[size];
        for (int n = size; n > 0; n--) {
            out[n - 1] = ho[0];
            hs[0] = hs[n - 1];
            ho[0] = ho[n - 1];
            siftDown(hs, ho, n - 1);
        }
        return out;
    }

    private static void siftUp(float[] hs, int[] ho, int i) {
        while (i > 0) {
            int p = (i - 1) / 2;
            if (hs[p] <= hs[i]) {
                return;
            }
            swap(hs, ho, p, i);
            i = p;
        }
    }

    private static void siftDown(float[] hs, int[] ho, int n) {
        int i = 0;
        while (true) {
            int l = 2 * i + 1;
            int r = l + 1;
            int m = i;
            if (l < n && hs[l] < hs[m]) {
                m = l;
            }
            if (r < n && hs[r] < hs[m]) {
                m = r;
            }
            if (m == i) {
                return;
            }
            swap(hs, ho, m, i);
            i = m;
        }
    }

    private static void swap(float[] hs, int[] ho, int a, int b) {
        float t = hs[a];
        hs[a] = hs[b];
        hs[b] = t;
        int o = ho[a];
        ho[a] = ho[b];
        ho[b] = o;
    }

    /** recall@k: how many of the exact top k the approximate top k found, averaged over queries. */
    public double recall(int[][] found, int k) {
        return recall(truth, found, k);
    }

    /** recall@k of {@code found} against the exact ordinals {@code truth}. */
    public static double recall(int[][] truth, int[][] found, int k) {
        long hit = 0;
        for (int q = 0; q < found.length; q++) {
            java.util.Set<Integer> exact = new java.util.HashSet<>();
            for (int j = 0; j < k && j < truth[q].length; j++) {
                exact.add(truth[q][j]);
            }
            for (int j = 0; j < k && j < found[q].length; j++) {
                if (exact.contains(found[q][j])) {
                    hit++;
                }
            }
        }
        return hit / (double) (found.length * (long) k);
    }

    static void write(Path path, float[][] vectors) {
        int n = vectors.length;
        int dim = vectors[0].length;
        Path tmp = path.resolveSibling(path.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer header = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(n).putInt(dim).flip();
            ch.write(header);
            ByteBuffer buf = ByteBuffer.allocate(dim * 4).order(ByteOrder.LITTLE_ENDIAN);
            for (float[] v : vectors) {
                buf.clear();
                buf.asFloatBuffer().put(v);
                ch.write(buf);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads into the heap (not a mapping), so no file pages stay mapped to skew the memory figures. */
    static float[][] read(Path path) {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            ByteBuffer header = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, header);
            header.flip();
            int n = header.getInt();
            int dim = header.getInt();
            float[][] out = new float[n][dim];
            ByteBuffer buf = ByteBuffer.allocate(dim * 4 * 1024).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < n; ) {
                int rows = Math.min(1024, n - i);
                buf.clear().limit(rows * dim * 4);
                readFully(ch, buf);
                buf.flip();
                java.nio.FloatBuffer fb = buf.asFloatBuffer();
                for (int r = 0; r < rows; r++, i++) {
                    fb.get(out[i]);
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            if (ch.read(buf) < 0) {
                throw new IOException("unexpected end of file");
            }
        }
    }

}
