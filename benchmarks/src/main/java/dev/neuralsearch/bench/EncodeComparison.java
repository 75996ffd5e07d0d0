package dev.neuralsearch.bench;

import ai.onnxruntime.OrtEnvironment;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.neuralsearch.core.TextEncoder;
import dev.neuralsearch.onnx.OnnxEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Encoding throughput, ours against langchain4j, <b>interleaved in one run</b>: for a machine whose load changes
 * from minute to minute (shared cores), {@link EncodeBenchmark}'s one fork per side measures the two sides at
 * different times. Here each round encodes the same texts once with each side (the order alternates), and once
 * per round the int8 and fp32 MatMul ceilings are measured too, so every ratio and every fraction of the ceiling
 * compares figures taken seconds apart. The median over rounds of the per-round ratio is reported.
 *
 * <p>Both sides run in this JVM, one at a time (never concurrently): ours with the library's defaults
 * ({@link Ours#encoder}), langchain4j's in-process model with its default executor. Same ONNX file, tokenizer and
 * texts, cut to the peer's max length beforehand ({@link Texts}).
 *
 * <pre>java $FLAGS -cp benchmarks.jar dev.neuralsearch.bench.EncodeComparison [models] [count] [rounds]
 *   models: comma-separated (default bge-small-en-v1.5-q,all-MiniLM-L6-v2-q); count: SciFact documents (64);
 *   rounds: measured rounds after one warm-up round (5)</pre>
 */
public final class EncodeComparison {
    /** MatMul shapes measured for the ceiling: an FFN layer over 4096 tokens, over one 512-token text, a cube. */
    private static final int[][] SHAPES = {{4096, 384, 1536}, {512, 384, 1536}, {2048, 2048, 2048}};

    private EncodeComparison() {
    }

    public static void main(String[] args) throws Exception {
        List<String> models = List.of((args.length > 0 ? args[0] : "bge-small-en-v1.5-q,all-MiniLM-L6-v2-q").split(","));
        int count = args.length > 1 ? Integer.parseInt(args[1]) : 64;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        OrtEnvironment env = OnnxEnvironment.get();
        System.out.printf(Locale.ROOT, "# ONNX Runtime %s, %d cores, JDK %s, load average at start: %s%n",
                env.getVersion(), Runtime.getRuntime().availableProcessors(), Runtime.version(), load());
        List<MatMulCeiling> ceilings = new ArrayList<>();
        for (int[] s : SHAPES) {
            ceilings.add(new MatMulCeiling(env, "int8", s[0], s[1], s[2], 0));
            ceilings.add(new MatMulCeiling(env, "fp32", s[0], s[1], s[2], 0));
        }
        for (String id : models) {
            EncoderModel m = EncoderModel.of(id);
            Texts texts = Texts.of(m, SciFact.corpus().stream().map(SciFact.Doc::text).toList(), count);
            List<TextSegment> segments = texts.texts.stream().map(TextSegment::from).toList();
            System.out.println("# " + m.id + ": " + texts);
            boolean int8 = m.id.endsWith("-q");
            try (TextEncoder ours = Ours.encoder(m)) {
                EmbeddingModel peer = m.langchain4j();
                double[] oursRate = new double[rounds];
                double[] peerRate = new double[rounds];
                double[] ceil = new double[rounds];
                for (int r = -1; r < rounds; r++) {
                    double o;
                    double p;
                    if ((r & 1) == 0) {
                        o = time(() -> ours.encodePassages(texts.texts));
                        p = time(() -> peer.embedAll(segments));
                    } else {
                        p = time(() -> peer.embedAll(segments));
                        o = time(() -> ours.encodePassages(texts.texts));
                    }
                    double best = 0;
                    StringBuilder cs = new StringBuilder();
                    for (MatMulCeiling c : ceilings) {
                        double g = c.measure(1.5);
                        cs.append(String.format(Locale.ROOT, " %s %s %.0f", c.type, c.shape, g / 1e9));
                        if (c.type.equals(int8 ? "int8" : "fp32")) {
                            best = Math.max(best, g);
                        }
                    }
                    System.out.printf(Locale.ROOT, "%s round %d: ours %.2f docs/s, langchain4j %.2f docs/s, ratio %.2f;"
                            + " ceilings (G(FL)OP/s):%s; load %s%n", m.id, r, texts.size() / o, texts.size() / p, p / o,
                            cs, load());
                    if (r >= 0) {
                        oursRate[r] = texts.size() / o;
                        peerRate[r] = texts.size() / p;
                        ceil[r] = best;
                    }
                }
                double[] ratio = new double[rounds];
                double[] oursFrac = new double[rounds];
                double[] peerFrac = new double[rounds];
                for (int r = 0; r < rounds; r++) {
                    ratio[r] = oursRate[r] / peerRate[r];
                    oursFrac[r] = oursRate[r] / texts.size() * texts.totalFlops / ceil[r];
                    peerFrac[r] = peerRate[r] / texts.size() * texts.totalFlops / ceil[r];
                }
                System.out.printf(Locale.ROOT, "summary %s docs=%d ours_docs_s=%.2f peer_docs_s=%.2f ratio=%.2f "
                                + "ratio_min=%.2f ratio_max=%.2f ceiling_%s_gops=%.0f ours_ceiling_pct=%.1f peer_ceiling_pct=%.1f "
                                + "ours_useful_gops=%.1f%n", m.id, texts.size(), median(oursRate), median(peerRate),
                        median(ratio), min(ratio), max(ratio), int8 ? "int8" : "fp32", median(ceil) / 1e9,
                        100 * median(oursFrac), 100 * median(peerFrac),
                        median(oursRate) / texts.size() * texts.totalFlops / 1e9);
            }
        }
        for (MatMulCeiling c : ceilings) {
            c.close();
        }
        System.out.println("# load average at end: " + load());
    }

    interface Work {
        void run() throws Exception;
    }

    private static double time(Work w) throws Exception {
        long t0 = System.nanoTime();
        w.run();
        return (System.nanoTime() - t0) / 1e9;
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static double min(double[] v) {
        return Arrays.stream(v).min().orElse(0);
    }

    private static double max(double[] v) {
        return Arrays.stream(v).max().orElse(0);
    }

    private static String load() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (Exception e) {
            return "?";
        }
    }
}
