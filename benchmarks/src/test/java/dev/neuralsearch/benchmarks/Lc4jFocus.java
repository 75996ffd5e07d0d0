package dev.neuralsearch.benchmarks;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.neuralsearch.bench.EncoderModel;
import dev.neuralsearch.encoder.BiEncoder;
import dev.neuralsearch.encoder.Presets;
import dev.neuralsearch.eval.BeirDataset;
import dev.neuralsearch.eval.BeirEvaluator;
import dev.neuralsearch.eval.EmbeddingCache;
import dev.neuralsearch.eval.EvalReport;
import dev.neuralsearch.tokenize.TextTokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Investigation tool, the cheap form of {@link Lc4jStudy} (which re-encodes the whole corpus with langchain4j):
 * <ol>
 *   <li>cosine between langchain4j's in-process model and the library's cached corpus vectors on a random
 *       sample of passages of at most 512 tokens (where both see exactly the same tokens), and on queries
 *       (instruction included; only when the library loads, i.e. {@code full});</li>
 *   <li>with {@code full}: langchain4j re-encodes only the passages over 512 tokens (its split-and-average code
 *       for more than 510 word pieces never runs, as its tokenizer truncates at 512: see {@link Int8GapProbe});
 *       those vectors replace the library's and the exact-search metrics are computed with and without the
 *       query instruction.</li>
 * </ol>
 * The ONNX Runtime version in use is printed, so the tool also tells whether another runtime version changes
 * the int8 vectors. Args: beirDir model libraryCacheFile sampleSize full|probe.
 */
public final class Lc4jFocus {
    public static void main(String[] args) {
        BeirDataset ds = BeirDataset.load(Path.of(args[0]), "test");
        String model = args[1];
        Path libraryCache = Path.of(args[2]);
        int sample = Integer.parseInt(args[3]);
        boolean full = args[4].equals("full");
        EncoderModel em = EncoderModel.of(model);
        String instruction = ReferenceEncoder.recipe(model).queryPrefix();
        System.out.println("ONNX Runtime " + ai.onnxruntime.OrtEnvironment.getEnvironment().getVersion());

        List<String> passages = ds.corpus().values().stream().map(BeirDataset.CorpusDoc::passage).toList();
        List<float[]> ours = EmbeddingCache.read(libraryCache, passages.size(), 384)
                .orElseThrow(() -> new IllegalArgumentException("cannot read " + libraryCache));
        List<Integer> shortOnes = new ArrayList<>();
        List<Integer> longOnes = new ArrayList<>();
        try (TextTokenizer tok = TextTokenizer.fromClasspath(em.tokenizerResource, 100_000)) {
            for (int i = 0; i < passages.size(); i++) {
                (tok.encode(passages.get(i)).tokenCount() > 512 ? longOnes : shortOnes).add(i);
            }
        }
        System.out.printf(Locale.ROOT, "%d passages of at most 512 tokens, %d longer%n", shortOnes.size(),
                longOnes.size());
        EmbeddingModel lc = em.langchain4j();
        Lc4jStudy.Lc4jEncoder lcEnc = new Lc4jStudy.Lc4jEncoder(lc, "lc4j:" + em.id, instruction);

        List<Integer> pick = new ArrayList<>(shortOnes);
        Collections.shuffle(pick, new Random(42));
        pick = pick.subList(0, Math.min(sample, pick.size()));
        List<float[]> lcShort = lcEnc.encodePassages(pick.stream().map(passages::get).toList());
        double[] c = new double[pick.size()];
        for (int j = 0; j < pick.size(); j++) {
            c[j] = EncoderCrossCheckTest.cosine(lcShort.get(j), ours.get(pick.get(j)));
        }
        System.out.println("cosine(langchain4j, library) on " + pick.size() + " random passages <= 512 tokens: "
                + Lc4jStudy.stats(c));
        if (!full) {
            return;
        }
        try (BiEncoder lib = BiEncoder.load(Presets.byId(model))) {
            List<String> qs = new ArrayList<>(ds.queries().values()).subList(0, Math.min(sample, ds.queries().size()));
            double[] qc = new double[qs.size()];
            for (int i = 0; i < qs.size(); i++) {
                qc[i] = EncoderCrossCheckTest.cosine(lib.encodeQuery(qs.get(i)), lcEnc.encodeQuery(qs.get(i)));
            }
            System.out.println("cosine(langchain4j, library) on " + qs.size() + " queries (instruction included): "
                    + Lc4jStudy.stats(qc));

            long t0 = System.nanoTime();
            List<float[]> lcLong = new ArrayList<>();
            for (int i : longOnes) {
                lcLong.add(lc.embed(TextSegment.from(passages.get(i))).content().vector());
            }
            System.out.printf(Locale.ROOT, "langchain4j encoded the %d long passages in %.1f s%n", longOnes.size(),
                    (System.nanoTime() - t0) / 1e9);
            double[] lcos = new double[longOnes.size()];
            Map<String, float[]> mixed = new HashMap<>();
            for (int i = 0; i < passages.size(); i++) {
                mixed.put(passages.get(i), ours.get(i));
            }
            for (int j = 0; j < longOnes.size(); j++) {
                lcos[j] = EncoderCrossCheckTest.cosine(lcLong.get(j), ours.get(longOnes.get(j)));
                mixed.put(passages.get(longOnes.get(j)), lcLong.get(j));
            }
            System.out.println("cosine(langchain4j, library) on the long passages: "
                    + Lc4jStudy.stats(lcos));
            try (BiEncoder plain = BiEncoder.load(Presets.byId(model).withoutQueryPrefix())) {
                for (BiEncoder q : List.of(lib, plain)) {
                    EvalReport r = BeirEvaluator.evaluate(ds, new Lc4jStudy.FixedCorpusEncoder(q, mixed, "swap"), null,
                            null, BeirEvaluator.Options.defaults("swap-" + em.id), BeirEvaluator.Listener.SILENT);
                    System.out.println("library vectors with the " + longOnes.size() + " long passages from langchain4j, "
                            + (q == lib ? "with" : "without") + " the query instruction:");
                    System.out.print(r.table());
                }
            }
        }
    }
}
