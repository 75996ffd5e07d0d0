package dev.neuralsearch.benchmarks;

import dev.neuralsearch.encoder.BiEncoder;
import dev.neuralsearch.encoder.Presets;
import dev.neuralsearch.eval.BeirDataset;
import dev.neuralsearch.onnx.SessionConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Investigation tool: do ONNX Runtime session settings change an int8 model's vectors? Encodes the longest
 * passages and the first queries of a BEIR set one text per run with the {@link ReferenceEncoder} under several
 * session settings (graph optimization level, intra-op threads) and prints the cosine to the library's
 * {@link BiEncoder} (defaults: all optimizations, one thread). A setting whose vectors are identical cannot
 * explain a difference in retrieval quality. Args: beirDir preset [passages] [queries].
 */
public final class Int8SessionProbe {
    public static void main(String[] args) {
        BeirDataset ds = BeirDataset.load(Path.of(args[0]), "test");
        String model = args[1];
        int np = args.length > 2 ? Integer.parseInt(args[2]) : 100;
        int nq = args.length > 3 ? Integer.parseInt(args[3]) : 100;
        List<String> passages = ds.corpus().values().stream().map(BeirDataset.CorpusDoc::passage)
                .sorted(Comparator.comparingInt(String::length).reversed()).limit(np).toList();
        List<String> queries = new ArrayList<>(ds.queries().values()).subList(0, Math.min(nq, ds.queries().size()));
        List<float[]> libP = new ArrayList<>();
        List<float[]> libQ = new ArrayList<>();
        try (BiEncoder lib = BiEncoder.load(Presets.byId(model))) {
            for (String p : passages) {
                libP.add(lib.encodePassages(List.of(p)).get(0));
            }
            for (String q : queries) {
                libQ.add(lib.encodeQuery(q));
            }
        }
        SessionConfig[] variants = {
            SessionConfig.DEFAULT,
            SessionConfig.DEFAULT.withOptimization(SessionConfig.Optimization.EXTENDED),
            SessionConfig.DEFAULT.withOptimization(SessionConfig.Optimization.BASIC),
            SessionConfig.DEFAULT.withOptimization(SessionConfig.Optimization.NONE),
            SessionConfig.DEFAULT.withIntraOpThreads(2),
        };
        for (SessionConfig sc : variants) {
            try (ReferenceEncoder ref = new ReferenceEncoder(ReferenceEncoder.recipe(model), 1, sc)) {
                double[] cp = new double[passages.size()];
                for (int i = 0; i < passages.size(); i++) {
                    cp[i] = EncoderCrossCheckTest.cosine(libP.get(i), ref.encodePassages(List.of(passages.get(i))).get(0));
                }
                double[] cq = new double[queries.size()];
                for (int i = 0; i < queries.size(); i++) {
                    cq[i] = EncoderCrossCheckTest.cosine(libQ.get(i), ref.encodeQuery(queries.get(i)));
                }
                System.out.printf(Locale.ROOT, "%s optimization %s, %d thread(s): passages (%d longest) %s; queries (%d) %s%n",
                        model, sc.optimization(), sc.intraOpThreads(), passages.size(), Lc4jStudy.stats(cp),
                        queries.size(), Lc4jStudy.stats(cq));
            }
        }
    }
}
