package dev.neuralsearch.benchmarks;

import dev.neuralsearch.encoder.BiEncoder;
import dev.neuralsearch.encoder.Presets;
import dev.neuralsearch.eval.BeirDataset;
import dev.neuralsearch.eval.EmbeddingCache;
import dev.neuralsearch.onnx.SessionConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Investigation tool for issue 22 item 5: int8 vectors from another ONNX Runtime version (a corpus cache written by
 * {@link Lc4jStudy} on that version) against this runtime's int8 vectors under each graph optimization level, and
 * both against the fp32 model's vectors on the same passages (the closer to fp32, the better the quantized
 * model). Args: beirDir int8Model fp32Model otherRuntimeCache sample.
 */
public final class Int8RuntimeProbe {
    public static void main(String[] args) {
        BeirDataset ds = BeirDataset.load(Path.of(args[0]), "test");
        String model = args[1];
        List<String> passages = ds.corpus().values().stream().map(BeirDataset.CorpusDoc::passage).toList();
        List<float[]> other = EmbeddingCache.read(Path.of(args[3]), passages.size(), 384).orElseThrow();
        List<Integer> pick = new ArrayList<>();
        for (int i = 0; i < passages.size(); i++) {
            pick.add(i);
        }
        Collections.shuffle(pick, new Random(7));
        pick = pick.subList(0, Integer.parseInt(args[4]));
        List<String> texts = pick.stream().map(passages::get).toList();
        System.out.println("ONNX Runtime " + ai.onnxruntime.OrtEnvironment.getEnvironment().getVersion());
        List<float[]> fp32;
        try (BiEncoder f = BiEncoder.load(Presets.byId(args[2]))) {
            fp32 = f.encodePassages(texts);
        }
        double[] co = new double[texts.size()];
        for (int j = 0; j < texts.size(); j++) {
            co[j] = EncoderCrossCheckTest.cosine(other.get(pick.get(j)), fp32.get(j));
        }
        System.out.println("other runtime's int8 vs fp32: " + Lc4jStudy.stats(co));
        for (SessionConfig.Optimization o : SessionConfig.Optimization.values()) {
            try (ReferenceEncoder ref = new ReferenceEncoder(ReferenceEncoder.recipe(model), 1,
                    SessionConfig.DEFAULT.withOptimization(o))) {
                double[] c = new double[texts.size()];
                double[] f = new double[texts.size()];
                for (int j = 0; j < texts.size(); j++) {
                    float[] v = ref.encodePassages(List.of(texts.get(j))).get(0);
                    c[j] = EncoderCrossCheckTest.cosine(v, other.get(pick.get(j)));
                    f[j] = EncoderCrossCheckTest.cosine(v, fp32.get(j));
                }
                System.out.printf(Locale.ROOT, "this runtime, optimization %s: vs other runtime %s; vs fp32 %s%n", o,
                        Lc4jStudy.stats(c), Lc4jStudy.stats(f));
            }
        }
    }
}
