package dev.neuralsearch.benchmarks;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.neuralsearch.bench.EncoderModel;
import dev.neuralsearch.bench.SciFact;
import dev.neuralsearch.bench.Texts;
import dev.neuralsearch.onnx.OnnxEnvironment;
import dev.neuralsearch.tokenize.TextTokenizer;
import dev.neuralsearch.tokenize.TokenizedText;
import java.io.InputStream;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Investigation tool for issue 23 item 3: where an encoder's time goes, per ONNX operator type, with ONNX
 * Runtime's own profiler. Runs the model's ONNX file on the first {@code count} SciFact documents (cut to the
 * model's max length as in {@code EncodeBenchmark}), one text per run, one intra-op thread, all graph
 * optimizations (the library's session settings), and prints the time per operator type and the useful
 * GOP/s the matrix-multiply operators reach inside the model. Args: model count [warmupRuns].
 */
public final class Int8OpProfile {
    public static void main(String[] args) throws Exception {
        EncoderModel m = EncoderModel.of(args[0]);
        int count = Integer.parseInt(args[1]);
        int warm = args.length > 2 ? Integer.parseInt(args[2]) : 16;
        Texts texts = Texts.of(m, SciFact.corpus().stream().map(SciFact.Doc::text).toList(), count);
        System.out.println("# " + m.id + ": " + texts);
        OrtEnvironment env = OnnxEnvironment.get();
        byte[] model;
        String file = m.tokenizerResource.replace("-tokenizer.json", ".onnx");
        try (InputStream in = Int8OpProfile.class.getClassLoader().getResourceAsStream(file)) {
            model = in.readAllBytes();
        }
        Path prof = Files.createTempDirectory("ort-prof").resolve("p");
        try (TextTokenizer tok = TextTokenizer.fromClasspath(m.tokenizerResource, m.maxTokens)) {
            List<TokenizedText> enc = texts.texts.stream().map(tok::encode).toList();
            String traceFile;
            long wall;
            try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
                so.setIntraOpNumThreads(1);
                so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
                try (OrtSession warmS = env.createSession(model, so)) {
                    for (int i = 0; i < Math.min(warm, enc.size()); i++) {
                        run(env, warmS, enc.get(i));
                    }
                }
                so.enableProfiling(prof.toString());
                try (OrtSession s = env.createSession(model, so)) {
                    for (int i = 0; i < Math.min(warm, enc.size()); i++) {
                        run(env, s, enc.get(i));
                    }
                    long t0 = System.nanoTime();
                    for (TokenizedText t : enc) {
                        run(env, s, t);
                    }
                    wall = System.nanoTime() - t0;
                    traceFile = s.endProfiling();
                }
            }
            JsonNode events = new ObjectMapper().readTree(Path.of(traceFile).toFile());
            Map<String, Long> byOp = new TreeMap<>();
            Map<String, Integer> runsSeen = new HashMap<>();
            long modelRuns = 0;
            long modelRunUs = 0;
            for (JsonNode e : events) {
                String cat = e.path("cat").asText();
                if (cat.equals("Session") && e.path("name").asText().equals("model_run")) {
                    modelRuns++;
                    if (modelRuns > Math.min(warm, enc.size())) {
                        modelRunUs += e.path("dur").asLong();
                    }
                }
            }
            long seenRuns = 0;
            for (JsonNode e : events) {
                String cat = e.path("cat").asText();
                if (cat.equals("Session") && e.path("name").asText().equals("model_run")) {
                    seenRuns++;
                }
                if (!cat.equals("Node") || !e.path("name").asText().endsWith("_kernel_time")) {
                    continue;
                }
                // node events precede their model_run event: count those of the measured runs only
                if (seenRuns < Math.min(warm, enc.size())) {
                    continue;
                }
                String op = e.path("args").path("op_name").asText();
                byOp.merge(op, e.path("dur").asLong(), Long::sum);
                runsSeen.merge(op, 1, Integer::sum);
            }
            long total = byOp.values().stream().mapToLong(Long::longValue).sum();
            System.out.printf(Locale.ROOT, "%d texts, %d tokens: wall %.2f s (%.1f docs/s, one thread), model_run sum %.2f s, "
                    + "operator sum %.2f s%n", enc.size(), texts.totalTokens, wall / 1e9, enc.size() / (wall / 1e9),
                    modelRunUs / 1e6, total / 1e6);
            byOp.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue(), a.getValue())).forEach(en ->
                    System.out.printf(Locale.ROOT, "  %-28s %8.3f s %5.1f %%  (%d calls)%n", en.getKey(),
                            en.getValue() / 1e6, 100.0 * en.getValue() / total, runsSeen.get(en.getKey())));
            double c8 = oneThreadCeiling(env, true);
            double c32 = oneThreadCeiling(env, false);
            double weightOps = 2.0 * m.matmulParameters() * texts.totalTokens;
            long int8Us = 0;
            for (String op : List.of("DynamicQuantizeMatMul", "MatIntegerToFloat", "MatMulIntegerToFloat",
                    "DynamicQuantizeLinear", "MatMulInteger")) {
                int8Us += byOp.getOrDefault(op, 0L);
            }
            double wall1 = wall / 1e9;
            double rest = wall1 * (1 - int8Us / (double) total);
            System.out.printf(Locale.ROOT, "one-thread ceilings right after (same load): int8 MatMulInteger 4096x384x1536 "
                    + "%.1f GOP/s, fp32 MatMul %.1f GFLOP/s; the model's int8 weight matmuls reach %.1f GOP/s (%.0f %% of "
                    + "the int8 ceiling), %.0f %% of the time%n", c8 / 1e9, c32 / 1e9, weightOps / (wall1 * int8Us / total) / 1e9,
                    100 * weightOps / (wall1 * int8Us / total) / c8, 100.0 * int8Us / total);
            System.out.printf(Locale.ROOT, "whole model: %.1f %% of the one-thread int8 ceiling; if its int8 matmuls ran "
                    + "at that ceiling and everything else took the time it took: %.1f %%%n",
                    100 * texts.totalFlops / wall1 / c8, 100 * texts.totalFlops / (rest + weightOps / c8) / c8);
            double attnOps = texts.totalFlops - weightOps;
            System.out.printf(Locale.ROOT, "useful ops: weight matmuls %.3g, attention matmuls %.3g; whole model %.1f "
                    + "useful GOP/s on one thread%n", weightOps, attnOps, texts.totalFlops / (wall / 1e9) / 1e9);
        }
    }

    /** One intra-op thread, MatMulInteger (u8 x s8) or MatMul at 4096x384x1536, about 3 s: OP/s. */
    private static double oneThreadCeiling(OrtEnvironment env, boolean int8) throws Exception {
        try (dev.neuralsearch.bench.MatMulCeiling c =
                new dev.neuralsearch.bench.MatMulCeiling(env, int8 ? "int8" : "fp32", 4096, 384, 1536, 1)) {
            return c.measure(3.0);
        }
    }

    private static void run(OrtEnvironment env, OrtSession s, TokenizedText t) throws Exception {
        long[] shape = {1, t.ids().length};
        try (OnnxTensor ids = OnnxTensor.createTensor(env, LongBuffer.wrap(t.ids()), shape);
             OnnxTensor mask = OnnxTensor.createTensor(env, LongBuffer.wrap(t.attentionMask()), shape);
             OnnxTensor types = OnnxTensor.createTensor(env, LongBuffer.wrap(t.typeIds()), shape)) {
            Map<String, OnnxTensor> in = new HashMap<>();
            in.put("input_ids", ids);
            in.put("attention_mask", mask);
            if (s.getInputNames().contains("token_type_ids")) {
                in.put("token_type_ids", types);
            }
            try (OrtSession.Result r = s.run(in)) {
                r.get(0);
            }
        }
    }
}
