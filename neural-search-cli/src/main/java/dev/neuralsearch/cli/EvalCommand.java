package dev.neuralsearch.cli;

import dev.neuralsearch.ann.LexicalAnalyzer;
import dev.neuralsearch.ann.LexicalOptions;
import dev.neuralsearch.core.AbstractQuery;
import dev.neuralsearch.core.Fusion;
import dev.neuralsearch.core.IndexFactory;
import dev.neuralsearch.core.RankFusion;
import dev.neuralsearch.core.Reranker;
import dev.neuralsearch.core.TextEncoder;
import dev.neuralsearch.encoder.BiEncoder;
import dev.neuralsearch.eval.BeirDataset;
import dev.neuralsearch.eval.BeirEvaluator;
import dev.neuralsearch.eval.CorpusLanguage;
import dev.neuralsearch.eval.EvalReport;
import dev.neuralsearch.eval.MultiRouteEvaluator;
import dev.neuralsearch.eval.PseudoQueries;
import dev.neuralsearch.eval.TeacherFile;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code nsearch eval}: retrieval quality of a model (and optionally a reranker) on a BEIR-layout dataset.
 * Prints one table (rows exact, ann, ann+rerank; columns Recall@1..100, nDCG@10, MRR@10, latency) and
 * the corpus encoding throughput; {@code --json} writes every figure.
 */
@Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Evaluates retrieval on a BEIR-layout folder (corpus.jsonl, queries.jsonl, qrels/<split>.tsv):",
            "exact search, the ANN index and ANN + rerank, with Recall@1/5/10/20/50/100, nDCG@10, MRR@10,",
            "corpus encoding throughput and per-query latency (query encoding + search).",
            "Corpus embeddings are cached (--cache-dir), so a second run skips encoding."})
public final class EvalCommand implements Callable<Integer> {

    @Option(names = "--beir", required = true, paramLabel = "<dir>",
            description = "BEIR dataset folder, e.g. ../shared/data/scifact")
    Path beir;

    @Option(names = "--split", defaultValue = "test", description = "qrels split (default: ${DEFAULT-VALUE})")
    String split;

    @Option(names = "--model", split = ",", paramLabel = "<preset|dir>",
            description = "Encoder preset (e.g. bge-small-en-v1.5, all-minilm-l6-v2-q) or a model folder. Several"
                    + " (--model a --model b, or --model a,b): one dense route each plus BM25, fused; rows per route,"
                    + " bm25 and fused")
    List<String> models;

    @Option(names = "--pipeline", paramLabel = "<file>",
            description = "A pipeline file (JSON, or YAML for .yaml/.yml): routes, bm25, fusion (weights or fit: train),"
                    + " rerank; see docs/evaluation.md. Its fused row is named 'pipeline'")
    Path pipeline;

    @Option(names = "--fitted-pipeline", paramLabel = "<file>",
            description = "With --pipeline or several --model: write the pipeline this run evaluated, with every fit"
                    + " and auto resolved to what it chose (fusion kind and weights, BM25 analyzer/k1/b, rerank depth"
                    + " and mix), YAML for .yaml/.yml else JSON; eval, index and search take it as --pipeline")
    Path fittedPipeline;

    String model;

    @Option(names = "--no-instruction",
            description = "Encode queries without the model's query instruction/prefix")
    boolean noInstruction;

    @Option(names = "--max-length", paramLabel = "<tokens>",
            description = "Override the encoder's maximum sequence length (default: the model's own)")
    Integer maxLength;

    @Option(names = "--reranker", paramLabel = "<dir>", description = "Cross-encoder folder: adds the ann+rerank row")
    Path reranker;

    @Option(names = "--recall", defaultValue = "1000", paramLabel = "<n>",
            description = "Candidates retrieved per query (default: ${DEFAULT-VALUE}; at least 100)")
    int recall;

    @Option(names = "--rerank", defaultValue = "100", paramLabel = "<n>",
            description = "ANN candidates the reranker re-orders (default: ${DEFAULT-VALUE})")
    int rerank;

    @Option(names = "--json", paramLabel = "<file>", description = "Write every figure as JSON")
    Path json;

    @Option(names = "--cache-dir", defaultValue = "target/eval-cache", paramLabel = "<dir>",
            description = "Corpus embedding cache (default: ${DEFAULT-VALUE})")
    Path cacheDir;

    @Option(names = "--no-cache", description = "Always encode the corpus; neither read nor write the cache")
    boolean noCache;

    @Option(names = "--no-ann", description = "Only the exact row (no index is built)")
    boolean noAnn;

    @Option(names = "--quiet", description = "No progress bars")
    boolean quiet;

    @Option(names = "--analyzer", defaultValue = "auto", paramLabel = "<name>",
            description = "Analyzer of the index's lexical route for the bm25 and fused rows: standard, english,"
                    + " chinese (SmartChinese), cjk (bigrams), or auto: the model's language (english for the"
                    + " English presets, cjk for the Chinese ones), else the corpus script (cjk for Han text),"
                    + " else standard (default: ${DEFAULT-VALUE})")
    String analyzer;

    @Option(names = "--bm25", defaultValue = "1.2,0.75", paramLabel = "<k1,b>",
            description = "BM25 parameters of the lexical route (default: ${DEFAULT-VALUE})")
    String bm25;

    @Option(names = "--fusion", defaultValue = "default", paramLabel = "<kind>",
            description = "Fusion of the ann+bm25 fused row: minmax, zscore (convex combination of normalized"
                    + " scores), rrf or rrf:<k>, or default (" + "the library's Fusion.DEFAULT); with several models and"
                    + " --fit-fusion also auto (the family fitted on train too) (default: ${DEFAULT-VALUE})")
    String fusion;

    @Option(names = "--weights", paramLabel = "<w,...>",
            description = "Route weights of the fused row: dense,lexical; with several models one per model in order,"
                    + " then BM25 (default: those of the fusion kind; Fusion.DEFAULT's for default, all 1 for several)")
    String weights;

    @Option(names = "--fusion-depth", defaultValue = "100", paramLabel = "<n>",
            description = "Hits of each route the fused row fuses (default: ${DEFAULT-VALUE}, as a hybrid query)")
    int fusionDepth;

    @Option(names = "--fit-fusion",
            description = "Grid-search the dense/lexical weight of each fusion kind on this split's queries and print"
                    + " the curves (use --split train: weights fitted on test queries overstate test quality). With"
                    + " several models: fit the route weights on the train split and use them for the fused row")
    boolean fitFusion;

    @Option(names = "--teacher-out", paramLabel = "<jsonl>",
            description = "With --pipeline on the train split: write the fused top --teacher-depth hits (with fused"
                    + " scores) of the split's queries and --pseudo-queries corpus pseudo-queries, for"
                    + " `nsearch train cross-encoder --distill` (docs/train.md)")
    Path teacherOut;

    @Option(names = "--teacher-depth", defaultValue = "30", paramLabel = "<n>",
            description = "Hits per query in --teacher-out (default: ${DEFAULT-VALUE})")
    int teacherDepth;

    @Option(names = "--pseudo-queries", defaultValue = "0", paramLabel = "<n>",
            description = "With --teacher-out: also this many pseudo-queries from the corpus (titles and first"
                    + " sentences; test query texts excluded) (default: ${DEFAULT-VALUE})")
    int pseudoQueries;

    @Option(names = "--pseudo-seed", defaultValue = "42", paramLabel = "<n>",
            description = "Seed of the pseudo-query sample (default: ${DEFAULT-VALUE})")
    long pseudoSeed;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (teacherOut != null && pipeline == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--teacher-out needs --pipeline");
        }
        if (pipeline != null || (models != null && models.size() > 1)) {
            return callRoutes(out);
        }
        if (fittedPipeline != null) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--fitted-pipeline needs --pipeline or several --model (a multi-route run)");
        }
        if (models == null || models.isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "give --model (or --pipeline)");
        }
        model = models.get(0);
        if (reranker != null && noAnn) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--reranker needs the ANN row; drop --no-ann");
        }
        BeirDataset ds;
        try {
            ds = BeirDataset.load(beir, split);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        EvalProgressBars bars = new EvalProgressBars(System.err, quiet);
        LexicalOptions lexical;
        Fusion fused;
        String analyzerReason;
        try {
            String[] kb = bm25.split(",");
            if (kb.length != 2) {
                throw new IllegalArgumentException("--bm25 wants k1,b, e.g. 0.9,0.4");
            }
            LexicalAnalyzer a;
            if (analyzer.equalsIgnoreCase("auto")) {
                String lang = EvalModels.spec(model, noInstruction, maxLength).language();
                analyzerReason = "auto: the model's language " + lang;
                if (lang == null) {
                    lang = CorpusLanguage.detect(ds.corpus().values().stream()
                            .map(BeirDataset.CorpusDoc::passage).toList());
                    analyzerReason = "auto: model language unknown, corpus script says " + lang;
                }
                a = LexicalAnalyzer.forLanguage(lang);
            } else {
                a = LexicalAnalyzer.valueOf(analyzer.toUpperCase(Locale.ROOT));
                analyzerReason = "--analyzer";
            }
            lexical = LexicalOptions.DEFAULT.withAnalyzer(a)
                    .withBm25(Float.parseFloat(kb[0].trim()), Float.parseFloat(kb[1].trim()));
            fused = parseFusion(fusion, weights);
            if (fusionDepth < 1 || fusionDepth > recall) {
                throw new IllegalArgumentException("--fusion-depth must be in [1, --recall " + recall + "]");
            }
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--analyzer/--bm25/--fusion/--weights: " + e.getMessage());
        }
        if (!noAnn) {
            out.printf(Locale.ROOT, "lexical route: %s analyzer (%s), BM25 k1 %s b %s; fused row: %s over the top %d"
                    + " of each route%n", lexical.analyzer(), analyzerReason, lexical.k1(), lexical.b(), fused,
                    fusionDepth);
        }
        EvalReport report = run(ds, model, noInstruction, maxLength, reranker, recall, rerank,
                noCache ? null : cacheDir, !noAnn, bars, lexical, fused, fusionDepth, fitFusion);
        print(out, report);
        if (json != null) {
            report.writeJson(json);
            out.println("JSON written to " + json);
        }
        out.flush();
        return 0;
    }

    /** Several routes ({@code --model a --model b}) or a pipeline file: {@link EvalPipeline}. */
    private Integer callRoutes(PrintWriter out) {
        CommandLine cl = spec.commandLine();
        if (pipeline != null && models != null && !models.isEmpty()) {
            throw new CommandLine.ParameterException(cl, "--pipeline names its models; drop --model");
        }
        if (noAnn) {
            throw new CommandLine.ParameterException(cl, "several routes are searched with their indexes; drop --no-ann");
        }
        EvalPipeline p;
        String fusedName;
        BeirDataset ds;
        try {
            ds = BeirDataset.load(beir, split);
            if (pipeline != null) {
                p = EvalPipeline.read(pipeline);
                fusedName = "pipeline";
            } else {
                p = fromFlags().check();
                fusedName = "fused";
            }
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cl, e.getMessage());
        }
        out.printf(Locale.ROOT, "routes: %s%s; fusion: %s%s over the top %d of each route%n",
                p.routes().stream().map(EvalPipeline::routeName).toList(), p.lexical() ? " + bm25" : "",
                p.fusionFamily(), p.fitSplit() == null ? "" : ", weights fitted on " + p.fitSplit(), p.routeDepth());
        out.flush();
        MultiRouteEvaluator.Teacher teacher = null;
        if (teacherOut != null) {
            teacher = teacher(ds, cl);
            out.printf(Locale.ROOT, "teacher: %d queries (%s split + pseudo-queries), top %d each, to %s%n",
                    teacher.queries().size(), split, teacherDepth, teacherOut);
        }
        EvalPipeline.Evaluated evaluated = p.evaluate(ds, beir, noCache ? null : cacheDir, fusedName,
                new EvalProgressBars(System.err, quiet), teacher);
        EvalReport report = evaluated.report();
        print(out, report);
        @SuppressWarnings("unchecked")
        java.util.Map<String, EvalReport.Encoding> enc = (java.util.Map<String, EvalReport.Encoding>)
                report.settings().get("encodings");
        if (enc != null) {
            enc.forEach((route, e) -> out.printf(Locale.ROOT, "  %s: %s%n", route, e.cached()
                    ? "corpus read from cache " + e.cacheFile()
                    : String.format(Locale.ROOT, "corpus encoded in %.1f s (%.1f docs/s)", e.seconds(),
                    e.docsPerSecond())));
        }
        out.printf(Locale.ROOT, "fusion: %s%n", report.settings().get("fusion"));
        if (fittedPipeline != null) {
            evaluated.resolved().write(fittedPipeline, fittedComments(p, report, fusedName));
            out.println("fitted pipeline written to " + fittedPipeline + " (nsearch index/search --pipeline "
                    + fittedPipeline + " --home <dir>)");
        }
        if (json != null) {
            report.writeJson(json);
            out.println("JSON written to " + json);
        }
        out.flush();
        return 0;
    }

    /** The header of a {@code --fitted-pipeline} YAML file: where it comes from and what was chosen on what. */
    private List<String> fittedComments(EvalPipeline p, EvalReport report, String fusedName) {
        List<String> c = new java.util.ArrayList<>();
        c.add("written by nsearch eval --fitted-pipeline: " + (pipeline != null ? pipeline.toString()
                : "--model " + String.join(",", models)) + " with every fit/auto resolved");
        c.add("dataset " + report.dataset() + ", evaluated split " + report.split() + "; " + fusedName
                + " row nDCG@10 " + report.pipelines().stream().filter(r -> r.name().equals(fusedName))
                .map(r -> String.format(Locale.ROOT, "%.4f", r.metrics().get("ndcg@10"))).findFirst().orElse("?"));
        if (p.unresolved().contains("bm25 analyzer: auto")) {
            c.add("bm25 analyzer: auto resolved from the first route's model language (else the corpus script)");
        }
        Object fit = report.settings().get("fusionFit");
        if (fit instanceof java.util.Map<?, ?> m) {
            c.add("fusion: fitted on the " + m.get("split") + " split (" + m.get("queries") + " queries), nDCG@10 "
                    + fourDecimals(m.get("ndcg@10")) + " there");
        }
        Object mix = report.settings().get("rerankMix");
        if (mix instanceof java.util.Map<?, ?> m && m.get("split") != null) {
            c.add("rerank depth/mix: chosen on " + m.get("queries") + " held-out " + m.get("split")
                    + " queries, nDCG@10 " + fourDecimals(m.get("ndcg@10")) + " there");
        }
        return c;
    }

    private static String fourDecimals(Object x) {
        return x instanceof Number n ? String.format(Locale.ROOT, "%.4f", n.doubleValue()) : String.valueOf(x);
    }

    /** The teacher queries: the split's (never a test split's) and the pseudo-queries, test texts excluded. */
    private MultiRouteEvaluator.Teacher teacher(BeirDataset ds, CommandLine cl) {
        if (!split.equals("train")) {
            throw new CommandLine.ParameterException(cl, "--teacher-out writes training data: use --split train");
        }
        if (teacherDepth < 2 || pseudoQueries < 0) {
            throw new CommandLine.ParameterException(cl, "--teacher-depth must be >= 2 and --pseudo-queries >= 0");
        }
        java.util.Set<String> testTexts = new java.util.HashSet<>();
        java.util.Set<String> testIds = new java.util.HashSet<>();
        if (Files.isRegularFile(beir.resolve("qrels").resolve("test.tsv"))) {
            BeirDataset test = BeirDataset.load(beir, "test");
            testTexts.addAll(test.queries().values());
            testIds.addAll(test.queries().keySet());
        }
        List<TeacherFile.Entry> queries = new java.util.ArrayList<>();
        java.util.Set<String> testKeys = new java.util.HashSet<>();
        testTexts.forEach(t -> testKeys.add(t.strip().toLowerCase(Locale.ROOT)));
        ds.queries().forEach((id, text) -> {
            if (testIds.contains(id)) {
                throw new CommandLine.ParameterException(cl, "train query " + id + " is also a test query");
            }
            // SciFact's train queries 871 and 1291 have the text of test queries under other ids: left out
            if (!testKeys.contains(text.strip().toLowerCase(Locale.ROOT))) {
                queries.add(new TeacherFile.Entry(id, text, "train", null, null, List.of()));
            }
        });
        for (PseudoQueries.Query q : PseudoQueries.generate(ds, pseudoQueries, pseudoSeed, testTexts)) {
            queries.add(new TeacherFile.Entry(q.id(), q.text(), q.kind().name().toLowerCase(Locale.ROOT), q.source(),
                    q.sourcePassage(), List.of()));
        }
        return new MultiRouteEvaluator.Teacher(queries, teacherDepth, teacherOut);
    }

    /** The pipeline {@code --model a --model b} and the flags describe. */
    private EvalPipeline fromFlags() {
        List<EvalPipeline.RouteEntry> routes = new java.util.ArrayList<>();
        for (String m : models) {
            routes.add(new EvalPipeline.RouteEntry(m, !noInstruction, null, maxLength));
        }
        String[] kb = bm25.split(",");
        if (kb.length != 2) {
            throw new IllegalArgumentException("--bm25 wants k1,b, e.g. 0.9,0.4");
        }
        EvalPipeline.Bm25 lex = new EvalPipeline.Bm25(true, analyzer, Double.parseDouble(kb[0].trim()),
                Double.parseDouble(kb[1].trim()));
        List<Double> w = null;
        if (weights != null) {
            w = new java.util.ArrayList<>();
            for (String x : weights.split(",")) {
                w.add(Double.parseDouble(x.trim()));
            }
        }
        EvalPipeline.FusionEntry f = new EvalPipeline.FusionEntry(fusion, w, fitFusion ? "train" : null);
        return new EvalPipeline(null, routes, lex, f, fusionDepth,
                reranker == null ? null : new EvalPipeline.RerankEntry(reranker.toString(), Integer.toString(rerank), null));
    }

    /**
     * The whole evaluation, shared by the command and the regression tests. {@code cacheDir} null disables
     * the embedding cache; the ANN index lives in a temporary folder that is deleted afterwards.
     */
    public static EvalReport run(BeirDataset ds, String model, boolean noInstruction, Integer maxLength,
                                 Path rerankerDir, int recall, int rerank, Path cacheDir, boolean ann,
                                 BeirEvaluator.Listener listener) {
        return run(ds, model, noInstruction, maxLength, rerankerDir, recall, rerank, cacheDir, ann, listener,
                LexicalOptions.DEFAULT);
    }

    /** As above, with the analyzer and BM25 parameters of the index's lexical route (bm25 and rrf rows). */
    public static EvalReport run(BeirDataset ds, String model, boolean noInstruction, Integer maxLength,
                                 Path rerankerDir, int recall, int rerank, Path cacheDir, boolean ann,
                                 BeirEvaluator.Listener listener, LexicalOptions lexical) {
        return run(ds, model, noInstruction, maxLength, rerankerDir, recall, rerank, cacheDir, ann, listener,
                lexical, Fusion.DEFAULT, Math.min(recall, AbstractQuery.DEFAULT_FUSION_DEPTH), false);
    }

    /** As above, with the fused row's fusion and depth, and optionally the weight fit ({@code --fit-fusion}). */
    public static EvalReport run(BeirDataset ds, String model, boolean noInstruction, Integer maxLength,
                                 Path rerankerDir, int recall, int rerank, Path cacheDir, boolean ann,
                                 BeirEvaluator.Listener listener, LexicalOptions lexical, Fusion fusion,
                                 int fusionDepth, boolean fitFusion) {
        Path home = null;
        try (TextEncoder encoder = EvalModels.openEncoder(model, noInstruction, maxLength);
             Reranker rr = rerankerDir == null ? null : EvalModels.openReranker(rerankerDir)) {
            BeirEvaluator.Options opts = BeirEvaluator.Options.defaults(EvalModels.cacheName(model, maxLength))
                    .withDepths(recall, rerank)
                    .withCacheDir(cacheDir)
                    // The corpus vectors do not depend on the query instruction: share them.
                    .withPassageModelId(EvalModels.spec(model, false, maxLength).id())
                    .withFusion(fusion, fusionDepth, fitFusion);
            if (encoder instanceof BiEncoder bi) {
                String prefix = bi.spec().passagePrefix();
                opts = opts.withTokenCounter(text -> bi.tokenizer().encode(prefix + text).tokenCount());
            }
            IndexFactory factory = null;
            if (ann) {
                home = Files.createTempDirectory("nsearch-eval-index");
                factory = EvalModels.annFactory(home).options(
                        dev.neuralsearch.ann.JVectorIndexOptions.DEFAULT.withLexical(lexical));
            }
            return BeirEvaluator.evaluate(ds, encoder, factory, rr, opts, listener);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (home != null) {
                deleteTree(home);
            }
        }
    }

    /** {@code --fusion} and {@code --weights}. */
    static Fusion parseFusion(String kind, String weights) {
        String k = kind.strip().toLowerCase(Locale.ROOT);
        Fusion f;
        if (k.equals("default")) {
            f = Fusion.DEFAULT;
        } else if (k.equals("minmax") || k.equals("min-max")) {
            f = Fusion.convex(Fusion.Normalization.MIN_MAX);
        } else if (k.equals("zscore") || k.equals("z-score")) {
            f = Fusion.convex(Fusion.Normalization.Z_SCORE);
        } else if (k.equals("rrf")) {
            f = Fusion.rrf(RankFusion.DEFAULT_K);
        } else if (k.startsWith("rrf:")) {
            f = Fusion.rrf(Integer.parseInt(k.substring(4)));
        } else {
            throw new IllegalArgumentException("unknown fusion '" + kind + "'; use default, minmax, zscore, rrf, rrf:<k>");
        }
        if (weights != null) {
            String[] w = weights.split(",");
            if (w.length != 2) {
                throw new IllegalArgumentException("--weights wants dense,lexical, e.g. 0.7,0.3");
            }
            f = f.withWeights(Double.parseDouble(w[0].trim()), Double.parseDouble(w[1].trim()));
        }
        return f;
    }

    static void print(PrintWriter out, EvalReport r) {
        out.printf(Locale.ROOT, "%s (%s): %d documents, %d queries; model %s (%s, %d dims)%n",
                r.dataset(), r.split(), r.documents(), r.queries(), r.model(), r.modelId(), r.dimension());
        EvalReport.Encoding e = r.encoding();
        if (e.cached()) {
            out.printf(Locale.ROOT, "corpus embeddings: read from cache %s (no encoding this run%s)%n",
                    e.cacheFile(), e.seconds() > 0 ? String.format(Locale.ROOT,
                            "; when made: %.1f s, %.1f docs/s%s", e.seconds(), e.docsPerSecond(), tokens(e)) : "");
        } else {
            out.printf(Locale.ROOT, "corpus encoding: %d docs in %.1f s = %.1f docs/s%s%s%n", e.documents(),
                    e.seconds(), e.docsPerSecond(), tokens(e),
                    e.cacheFile() == null ? "" : "; cached to " + e.cacheFile());
        }
        out.println();
        out.print(r.table());
        if (r.annOverlapAt10() != null) {
            out.printf(Locale.ROOT, "%nANN top-10 overlap with exact: %.4f%n", r.annOverlapAt10());
        }
        out.printf(Locale.ROOT, "latency = query encoding + search (+ rerank), one query at a time; %s, %s cores%n",
                r.environment().get("java.vm"), r.environment().get("availableProcessors"));
    }

    private static String tokens(EvalReport.Encoding e) {
        return e.tokensPerSecond() == null ? "" : String.format(Locale.ROOT, ", %.0f tokens/s", e.tokensPerSecond());
    }

    static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort: a temp folder
                }
            });
        } catch (IOException ignored) {
            // best effort
        }
    }

    /** For development: {@code java ... dev.neuralsearch.cli.EvalCommand --beir ... --model ...}. */
    public static void main(String[] args) {
        System.exit(new CommandLine(new EvalCommand()).execute(args));
    }
}
