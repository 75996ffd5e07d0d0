package dev.neuralsearch.benchmarks;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.neuralsearch.bench.EncoderModel;
import dev.neuralsearch.core.ProgressListener;
import dev.neuralsearch.core.Similarity;
import dev.neuralsearch.core.TextEncoder;
import dev.neuralsearch.encoder.BiEncoder;
import dev.neuralsearch.encoder.Presets;
import dev.neuralsearch.eval.BeirDataset;
import dev.neuralsearch.eval.BeirEvaluator;
import dev.neuralsearch.eval.EmbeddingCache;
import dev.neuralsearch.eval.EvalReport;
import dev.neuralsearch.tokenize.TextTokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Investigation tool: an independent computation of a model's SciFact vectors with langchain4j's in-process
 * embedding model (its own tokenizer wrapper, its own ONNX session with default options, and its own handling
 * of long texts: code that splits more than 510 word pieces into parts and averages them, which never runs in
 * langchain4j-embeddings 1.20.0-beta30 because its DJL tokenizer already truncates at 512). Prints
 * <ol>
 *   <li>the exact-search metrics of the langchain4j vectors (with and without the model's query instruction),</li>
 *   <li>the cosine between langchain4j's and the library's vectors, per passage length band,</li>
 *   <li>the metrics of the library's vectors with only the over-long passages replaced by langchain4j's
 *       vectors (queries from the library), which isolates the long-text handling.</li>
 * </ol>
 * Args: beirDir model (bge-small-en-v1.5[-q] | all-MiniLM-L6-v2[-q]) libraryCacheFile|- cacheDir.
 * The library's vectors are read from the cache file that {@code nsearch eval --model <model>} wrote; "-" skips
 * steps 2 and 3 (for a run with another ONNX Runtime jar on the class path, where the library may not load).
 * The ONNX Runtime version is part of the cache name, so runs on different versions never share vectors.
 */
public final class Lc4jStudy {
    public static void main(String[] args) {
        BeirDataset ds = BeirDataset.load(Path.of(args[0]), "test");
        String model = args[1];
        Path libraryCache = args[2].equals("-") ? null : Path.of(args[2]);
        Path cacheDir = Path.of(args[3]);
        EncoderModel em = EncoderModel.of(model);
        String instruction = ReferenceEncoder.recipe(model.toLowerCase(Locale.ROOT)).queryPrefix();
        List<String> ids = new ArrayList<>(ds.corpus().keySet());
        List<String> passages = ds.corpus().values().stream().map(BeirDataset.CorpusDoc::passage).toList();

        EmbeddingModel lc = em.langchain4j();
        String ort = ai.onnxruntime.OrtEnvironment.getEnvironment().getVersion();
        System.out.println("ONNX Runtime " + ort);
        Lc4jEncoder withInstr = new Lc4jEncoder(lc, "lc4j:" + em.id + ":ort" + ort, instruction);
        BeirEvaluator.Options o = BeirEvaluator.Options.defaults("lc4j-" + em.id + "-ort" + ort)
                .withCacheDir(cacheDir);
        EvalReport r1 = BeirEvaluator.evaluate(ds, withInstr, null, null, o, new BeirEvaluator.Listener() {
            @Override
            public void info(String message) {
                System.err.println(message);
            }
        });
        System.out.printf(Locale.ROOT, "langchain4j %s, query instruction '%s': corpus %.1f s (cached=%s) %s%n",
                em.id, instruction, r1.encoding().seconds(), r1.encoding().cached(), r1.encoding().cacheFile());
        System.out.print(r1.table());
        if (!instruction.isEmpty()) {
            EvalReport r2 = BeirEvaluator.evaluate(ds, new Lc4jEncoder(lc, "lc4j:" + em.id, ""), null, null,
                    o.withPassageModelId(withInstr.modelId()), BeirEvaluator.Listener.SILENT);
            System.out.println("langchain4j " + em.id + ", no instruction:");
            System.out.print(r2.table());
        }
        if (libraryCache == null) {
            return;
        }

        List<float[]> lcVectors = EmbeddingCache.read(Path.of(r1.encoding().cacheFile()), ids.size(), 384)
                .orElseThrow();
        List<float[]> ours = EmbeddingCache.read(libraryCache, ids.size(), 384)
                .orElseThrow(() -> new IllegalArgumentException("cannot read " + libraryCache));
        int[] tokens = new int[passages.size()];
        try (TextTokenizer tok = TextTokenizer.fromClasspath(em.tokenizerResource, 100_000)) {
            for (int i = 0; i < passages.size(); i++) {
                tokens[i] = tok.encode(passages.get(i)).tokenCount();
            }
        }
        int limit = 512; // [CLS] + 510 word pieces + [SEP]: both sides truncate beyond (langchain4j through DJL's default)
        List<Integer> longer = new ArrayList<>();
        double[] shortCos = new double[passages.size()];
        double[] longCos = new double[passages.size()];
        int ns = 0;
        int nl = 0;
        for (int i = 0; i < passages.size(); i++) {
            double c = EncoderCrossCheckTest.cosine(lcVectors.get(i), ours.get(i));
            if (tokens[i] > limit) {
                longer.add(i);
                longCos[nl++] = c;
            } else {
                shortCos[ns++] = c;
            }
        }
        System.out.printf(Locale.ROOT, "cosine(langchain4j, library) per passage: <= %d tokens (%d passages) %s; "
                + "> %d tokens (%d passages) %s%n", limit, ns, stats(Arrays.copyOf(shortCos, ns)), limit, nl,
                stats(Arrays.copyOf(longCos, nl)));

        try (BiEncoder lib = BiEncoder.load(Presets.byId(model.toLowerCase(Locale.ROOT)))) {
            List<String> qs = new ArrayList<>(ds.queries().values());
            double[] qc = new double[qs.size()];
            for (int i = 0; i < qs.size(); i++) {
                qc[i] = EncoderCrossCheckTest.cosine(lib.encodeQuery(qs.get(i)), withInstr.encodeQuery(qs.get(i)));
            }
            System.out.println("cosine(langchain4j, library) per query (instruction included): " + stats(qc));

            Map<String, float[]> mixed = new HashMap<>();
            for (int i = 0; i < passages.size(); i++) {
                mixed.put(passages.get(i), ours.get(i));
            }
            for (int i : longer) {
                mixed.put(passages.get(i), lcVectors.get(i));
            }
            TextEncoder swapped = new FixedCorpusEncoder(lib, mixed, "library+lc4j-long:" + em.id);
            EvalReport r3 = BeirEvaluator.evaluate(ds, swapped, null, null,
                    BeirEvaluator.Options.defaults("swap-" + em.id), BeirEvaluator.Listener.SILENT);
            System.out.println("library vectors, the " + longer.size() + " passages over " + limit
                    + " tokens replaced by langchain4j's vectors (library queries):");
            System.out.print(r3.table());
        }
    }

    static String stats(double[] v) {
        if (v.length == 0) {
            return "-";
        }
        double[] s = v.clone();
        Arrays.sort(s);
        double mean = Arrays.stream(s).average().orElse(0);
        long below = Arrays.stream(s).filter(x -> x < 0.9999).count();
        return String.format(Locale.ROOT, "min %.6f, median %.6f, mean %.6f, below 0.9999: %d", s[0],
                s[s.length / 2], mean, below);
    }

    /** langchain4j's model behind the evaluator's encoder interface; the instruction is prepended to queries. */
    static final class Lc4jEncoder implements TextEncoder {
        private final EmbeddingModel model;
        private final String id;
        private final String instruction;

        Lc4jEncoder(EmbeddingModel model, String id, String instruction) {
            this.model = model;
            this.id = id;
            this.instruction = instruction;
        }

        @Override
        public String modelId() {
            return id + (instruction.isEmpty() ? "" : ":instr");
        }

        @Override
        public int dimension() {
            return 384;
        }

        @Override
        public Similarity similarity() {
            return Similarity.DOT_PRODUCT;
        }

        @Override
        public float[] encodeQuery(String query) {
            return model.embed(instruction + query).content().vector();
        }

        @Override
        public List<float[]> encodeQueries(List<String> queries) {
            return queries.stream().map(this::encodeQuery).toList();
        }

        @Override
        public List<float[]> encodePassages(List<String> passages, ProgressListener progress) {
            List<float[]> out = new ArrayList<>(passages.size());
            int step = 256;
            for (int from = 0; from < passages.size(); from += step) {
                List<TextSegment> seg = passages.subList(from, Math.min(passages.size(), from + step)).stream()
                        .map(TextSegment::from).toList();
                model.embedAll(seg).content().forEach(e -> out.add(e.vector()));
                progress.onProgress(out.size(), passages.size());
            }
            return out;
        }

        @Override
        public void close() {
        }
    }

    /** Queries from a real encoder, passages looked up from a fixed table. */
    static final class FixedCorpusEncoder implements TextEncoder {
        private final TextEncoder queries;
        private final Map<String, float[]> byPassage;
        private final String id;

        FixedCorpusEncoder(TextEncoder queries, Map<String, float[]> byPassage, String id) {
            this.queries = queries;
            this.byPassage = byPassage;
            this.id = id;
        }

        @Override
        public String modelId() {
            return id;
        }

        @Override
        public int dimension() {
            return queries.dimension();
        }

        @Override
        public Similarity similarity() {
            return Similarity.DOT_PRODUCT;
        }

        @Override
        public float[] encodeQuery(String query) {
            return queries.encodeQuery(query);
        }

        @Override
        public List<float[]> encodeQueries(List<String> qs) {
            return queries.encodeQueries(qs);
        }

        @Override
        public List<float[]> encodePassages(List<String> ps, ProgressListener progress) {
            return ps.stream().map(p -> {
                float[] v = byPassage.get(p);
                if (v == null) {
                    throw new IllegalArgumentException("no vector for a passage");
                }
                return v;
            }).toList();
        }

        @Override
        public void close() {
        }
    }
}
