package dev.neuralsearch.benchmarks;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.neuralsearch.bench.EncoderModel;
import dev.neuralsearch.encoder.BiEncoder;
import dev.neuralsearch.encoder.Presets;
import dev.neuralsearch.eval.BeirDataset;
import dev.neuralsearch.eval.BeirEvaluator;
import dev.neuralsearch.eval.EmbeddingCache;
import dev.neuralsearch.eval.EvalReport;
import dev.neuralsearch.tokenize.TextTokenizer;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Investigation tool for issue 22 item 5 (the int8 gap): which passages does langchain4j's in-process model feed
 * to ONNX Runtime with other token ids than the library, and how much of the nDCG@10 difference each group
 * carries.
 *
 * <p>langchain4j's own code is called (through reflection on its package-private {@code partition} and private
 * {@code toText}), not re-implemented, so the ids printed are exactly what its {@code embed} runs. Each passage
 * falls in one group:
 * <ul>
 *   <li>{@code same}: one part whose ids equal the library's (truncated at 512) ids;</li>
 *   <li>{@code short-differs}: one part (at most 510 word pieces) whose ids differ from the library's;</li>
 *   <li>{@code long}: more than one part (langchain4j encodes each part and averages; the library truncates).</li>
 * </ul>
 * Then, with the two corpus caches (the library's from {@code nsearch eval}, langchain4j's from {@link Lc4jStudy}),
 * it prints the cosine per group and the exact-search metrics of the library's vectors with one group at a time
 * replaced by langchain4j's (queries from the library, with and without the query instruction).
 * Args: beirDir model libraryCacheFile lc4jCacheFile ("-": only the token comparison).
 */
public final class Int8GapProbe {
    public static void main(String[] args) throws Exception {
        BeirDataset ds = BeirDataset.load(Path.of(args[0]), "test");
        String model = args[1];
        EncoderModel em = EncoderModel.of(model);
        List<String> passages = ds.corpus().values().stream().map(BeirDataset.CorpusDoc::passage).toList();
        int n = passages.size();
        System.out.println("ONNX Runtime " + ai.onnxruntime.OrtEnvironment.getEnvironment().getVersion());

        EmbeddingModel lc = em.langchain4j();
        Method modelMethod = findMethod(lc.getClass(), "model");
        Object bi = modelMethod.invoke(lc);
        Field tf = bi.getClass().getDeclaredField("tokenizer");
        tf.setAccessible(true);
        HuggingFaceTokenizer lcTok = (HuggingFaceTokenizer) tf.get(bi);
        Method partition = bi.getClass().getDeclaredMethod("partition", List.class, int.class);
        partition.setAccessible(true);
        Method toText = bi.getClass().getDeclaredMethod("toText", List.class);
        toText.setAccessible(true);

        String[] group = new String[n];
        Map<String, Integer> counts = new HashMap<>();
        int fallbackParts = 0;
        int shown = 0;
        try (TextTokenizer tok = TextTokenizer.fromClasspath(em.tokenizerResource, em.maxTokens)) {
            for (int i = 0; i < n; i++) {
                String p = passages.get(i);
                @SuppressWarnings("unchecked")
                List<List<String>> parts = (List<List<String>>) partition.invoke(null, lcTok.tokenize(p), 510);
                boolean fallback = false;
                long[] firstIds = null;
                for (List<String> part : parts) {
                    String text = (String) toText.invoke(bi, part);
                    if (!text.equals(lcTok.buildSentence(part))) {
                        fallback = true;
                        fallbackParts++;
                    }
                    if (firstIds == null) {
                        firstIds = lcTok.encode(text, true, false).getIds();
                    }
                }
                long[] ourIds = tok.encode(p).ids();
                String g = parts.size() > 1 ? "long" : Arrays.equals(firstIds, ourIds) ? "same" : "short-differs";
                if (fallback) {
                    g += "+fallback";
                }
                group[i] = g;
                counts.merge(g, 1, Integer::sum);
                if (g.startsWith("short-differs") && shown < 5) {
                    shown++;
                    System.out.printf(Locale.ROOT, "short-differs #%d: %d vs %d ids, first diff at %d; text: %.160s%n",
                            i, firstIds.length, ourIds.length, Arrays.mismatch(firstIds, ourIds), p);
                }
            }
        }
        int maxLc = 0;
        int overLimit = 0;
        int qDiffer = 0;
        String instruction = Presets.byId(model).queryPrefix();
        try (TextTokenizer tok = TextTokenizer.fromClasspath(em.tokenizerResource, em.maxTokens);
             TextTokenizer untruncated = TextTokenizer.fromClasspath(em.tokenizerResource, 100_000)) {
            for (String p : passages) {
                maxLc = Math.max(maxLc, lcTok.tokenize(p).size());
                overLimit += untruncated.encode(p).tokenCount() > em.maxTokens ? 1 : 0;
            }
            for (String q : ds.queries().values()) {
                @SuppressWarnings("unchecked")
                List<List<String>> parts = (List<List<String>>) partition.invoke(null, lcTok.tokenize(instruction + q), 510);
                long[] lcIds = lcTok.encode((String) toText.invoke(bi, parts.get(0)), true, false).getIds();
                qDiffer += parts.size() == 1 && Arrays.equals(lcIds, tok.encode(instruction + q).ids()) ? 0 : 1;
            }
        }
        System.out.printf(Locale.ROOT, "passages over %d tokens (untruncated count): %d; longest token list langchain4j's "
                + "tokenizer returns: %d; queries (with the instruction) whose ids differ: %d of %d%n", em.maxTokens,
                overLimit, maxLc, qDiffer, ds.queries().size());
        System.out.println("groups: " + counts + "; parts where langchain4j's toText fell back to joining the word "
                + "pieces without spaces: " + fallbackParts);

        if (args[3].equals("-")) {
            return;
        }
        List<float[]> ours = EmbeddingCache.read(Path.of(args[2]), n, 384).orElseThrow();
        List<float[]> lcv = EmbeddingCache.read(Path.of(args[3]), n, 384).orElseThrow();
        Map<String, List<Double>> cos = new HashMap<>();
        for (int i = 0; i < n; i++) {
            cos.computeIfAbsent(group[i], k -> new ArrayList<>()).add(EncoderCrossCheckTest.cosine(ours.get(i), lcv.get(i)));
        }
        cos.forEach((g, c) -> System.out.println("cosine(library, langchain4j) " + g + " (" + c.size() + "): "
                + Lc4jStudy.stats(c.stream().mapToDouble(Double::doubleValue).toArray())));

        try (BiEncoder withInstr = BiEncoder.load(Presets.byId(model));
             BiEncoder plain = BiEncoder.load(Presets.byId(model).withoutQueryPrefix())) {
            List<String> swaps = new ArrayList<>(List.of("none"));
            counts.keySet().stream().filter(g -> !g.equals("same")).sorted().forEach(swaps::add);
            swaps.add("all");
            for (String swap : swaps) {
                Map<String, float[]> mixed = new HashMap<>();
                for (int i = 0; i < n; i++) {
                    boolean take = swap.equals("all") || group[i].equals(swap);
                    mixed.put(passages.get(i), take ? lcv.get(i) : ours.get(i));
                }
                for (BiEncoder q : List.of(withInstr, plain)) {
                    EvalReport r = BeirEvaluator.evaluate(ds, new Lc4jStudy.FixedCorpusEncoder(q, mixed, "swap-" + swap),
                            null, null, BeirEvaluator.Options.defaults("swap-" + swap), BeirEvaluator.Listener.SILENT);
                    EvalReport.Pipeline e = r.pipeline("exact");
                    System.out.printf(Locale.ROOT, "library corpus, langchain4j vectors for group '%s', %s instruction: "
                            + "nDCG@10 %.4f R@10 %.4f R@100 %.4f MRR@10 %.4f%n", swap, q == withInstr ? "with" : "without",
                            e.metric("ndcg@10"), e.metric("recall@10"), e.metric("recall@100"), e.metric("mrr@10"));
                }
            }
        }
    }

    private static Method findMethod(Class<?> c, String name) throws NoSuchMethodException {
        for (Class<?> k = c; k != null; k = k.getSuperclass()) {
            for (Method m : k.getDeclaredMethods()) {
                if (m.getName().equals(name) && m.getParameterCount() == 0) {
                    m.setAccessible(true);
                    return m;
                }
            }
        }
        throw new NoSuchMethodException(name);
    }
}
