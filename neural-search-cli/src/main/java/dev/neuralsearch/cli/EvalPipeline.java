package dev.neuralsearch.cli;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.neuralsearch.ann.JVectorIndexOptions;
import dev.neuralsearch.ann.LexicalAnalyzer;
import dev.neuralsearch.ann.LexicalOptions;
import dev.neuralsearch.core.Fusion;
import dev.neuralsearch.core.Reranker;
import dev.neuralsearch.core.TextEncoder;
import dev.neuralsearch.encoder.BiEncoder;
import dev.neuralsearch.encoder.ModelSpec;
import dev.neuralsearch.eval.BeirDataset;
import dev.neuralsearch.eval.BeirEvaluator;
import dev.neuralsearch.eval.CorpusLanguage;
import dev.neuralsearch.eval.EvalReport;
import dev.neuralsearch.eval.MultiRouteEvaluator;
import dev.neuralsearch.eval.RerankMix;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A retrieval pipeline as {@code nsearch eval --pipeline FILE} reads it (JSON, or YAML for {@code .yaml}/{@code .yml};
 * parsed by Jackson, unknown fields refused), and as {@code nsearch eval --model a --model b} builds it from flags:
 *
 * <pre>
 * name: scifact-best
 * routes:                              # dense routes, fused in this order
 *   - model: bge-small-en-v1.5         # preset id or model folder; ${VAR} and ${VAR:-default} are expanded
 *     instruction: false               # the model's query instruction/prefix (default true)
 *     name: bge                        # row and route name (default: the model's folder or preset name)
 *   - model: e5-small-v2
 * bm25: {analyzer: auto, k1: 1.2, b: 0.75}   # the lexical route; "bm25: {enabled: false}" turns it off
 * fusion: {kind: zscore, fit: train}   # kind: default, zscore, minmax, rrf, rrf:k, auto; weights: [..] or fit: train
 * depth: 100                           # hits per route that are fused
 * rerank: {model: path/to/cross-encoder, depth: 100}   # optional; depth: auto and mix: fit|w (0..1) mix the
 *                                      # z-scored fused and reranker scores, chosen on held-out train queries
 * </pre>
 *
 * Weights are one per route in route order, then BM25. {@code fit: train} fits them on the dataset's train split
 * ({@link dev.neuralsearch.eval.FusionFit#fitWeights}); {@code kind: auto} (with {@code fit: train}) fits each
 * family (convex z-score, convex min-max, RRF k 60) and keeps the best on train. The evaluated split is never used
 * for fitting unless it is train itself.
 */
@com.fasterxml.jackson.annotation.JsonIgnoreProperties(ignoreUnknown = false)
public record EvalPipeline(String name, List<RouteEntry> routes, Bm25 bm25, FusionEntry fusion, Integer depth,
                           RerankEntry rerank) {

    /** A dense route. */
    public record RouteEntry(String model, Boolean instruction, String name, Integer maxLength) {
        boolean useInstruction() {
            return instruction == null || instruction;
        }
    }

    /** The lexical route; null fields take the defaults (analyzer auto, k1 1.2, b 0.75). */
    public record Bm25(Boolean enabled, String analyzer, Double k1, Double b) {
    }

    /** The fusion: a kind and either weights or {@code fit: train}. */
    public record FusionEntry(String kind, List<Double> weights, String fit) {
    }

    /**
     * The optional rerank stage: a cross-encoder folder and the fused hits it reorders. {@code depth} is a number
     * (default 100) or {@code auto} (chosen among {@link RerankMix#DEPTHS}); {@code mix} is absent (the reranker's
     * order alone), a weight in [0, 1], or {@code fit}. {@code auto} and {@code fit} are chosen by nDCG@10 on the
     * train queries the cross-encoder held out ({@code validationQueries} of its {@code training.json}), never on
     * the evaluated split.
     */
    public record RerankEntry(String model, String depth, String mix) {
        boolean autoDepth() {
            return depth != null && depth.strip().equalsIgnoreCase("auto");
        }

        boolean fitMix() {
            return mix != null && mix.strip().equalsIgnoreCase("fit");
        }

        /** The fixed depth (100 when absent); not for {@code auto}. */
        int fixedDepth() {
            if (depth == null) {
                return 100;
            }
            try {
                return Integer.parseInt(depth.strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("pipeline: rerank 'depth' must be a number or auto, was '" + depth
                        + "'");
            }
        }

        /** The fixed mix weight, or null for {@code fit} or no mix. */
        Double fixedMix() {
            if (mix == null || fitMix()) {
                return null;
            }
            double w;
            try {
                w = Double.parseDouble(mix.strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("pipeline: rerank 'mix' must be a weight in [0, 1] or fit, was '"
                        + mix + "'");
            }
            if (!(w >= 0 && w <= 1)) {
                throw new IllegalArgumentException("pipeline: rerank 'mix' must be in [0, 1], was " + w);
            }
            return w;
        }

        /** Whether the row is a {@link RerankMix} (a mix or an auto depth) rather than the reranker's order alone. */
        boolean mixed() {
            return mix != null || autoDepth();
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** A pipeline file is a few hundred bytes; anything near this is not one. */
    static final long MAX_FILE_BYTES = 1 << 20;
    /** More dense routes than this is a mistake (each one encodes the whole corpus); the weight fit caps its grid. */
    static final int MAX_ROUTES = 16;

    /** Reads and checks a pipeline file. */
    public static EvalPipeline read(Path file) {
        String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
        ObjectMapper m = n.endsWith(".yaml") || n.endsWith(".yml") ? YAML : JSON;
        try {
            long bytes = Files.size(file);
            if (bytes > MAX_FILE_BYTES) {
                throw new IllegalArgumentException(file + ": the pipeline file is " + bytes + " bytes; the limit is "
                        + MAX_FILE_BYTES);
            }
            EvalPipeline p = m.readValue(file.toFile(), EvalPipeline.class);
            if (p == null) {
                throw new IllegalArgumentException(file + ": empty pipeline file");
            }
            p.check();
            return p;
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage().lines().findFirst().orElse(""), e);
        }
    }

    /** Refuses what cannot run, with the field named. */
    public EvalPipeline check() {
        if (routes == null || routes.isEmpty()) {
            throw new IllegalArgumentException("pipeline: 'routes' needs at least one dense route");
        }
        if (routes.size() > MAX_ROUTES) {
            throw new IllegalArgumentException("pipeline: " + routes.size() + " routes; at most " + MAX_ROUTES
                    + " dense routes");
        }
        Set<String> names = new HashSet<>();
        for (RouteEntry r : routes) {
            if (r == null || r.model() == null || r.model().isBlank()) {
                throw new IllegalArgumentException("pipeline: every route needs a 'model'");
            }
            if (!names.add(routeName(r))) {
                throw new IllegalArgumentException("pipeline: two routes are named '" + routeName(r)
                        + "'; give them distinct 'name's");
            }
        }
        if (depth != null && depth < 100) {
            throw new IllegalArgumentException("pipeline: 'depth' must be >= 100, was " + depth);
        }
        Fusion f = fusionFamily();
        if (fusion != null && fusion.weights() != null) {
            if (fusion.fit() != null) {
                throw new IllegalArgumentException("pipeline: fusion has both 'weights' and 'fit'; give one");
            }
            if (fusion.weights().size() != routeCount()) {
                throw new IllegalArgumentException("pipeline: fusion has " + fusion.weights().size() + " weights for "
                        + routeCount() + " routes (dense routes in order, then bm25)");
            }
            f.withWeights(fusion.weights().stream().mapToDouble(Double::doubleValue).toArray());
        }
        if (fitFamily() && (fusion.fit() == null || fusion.weights() != null)) {
            throw new IllegalArgumentException("pipeline: fusion kind 'auto' chooses the family by a fit: give"
                    + " 'fit: train' and no weights");
        }
        if (fusion != null && fusion.fit() != null && !fusion.fit().equals("train")) {
            throw new IllegalArgumentException("pipeline: fusion 'fit' must be 'train' (weights are fitted on the"
                    + " train split only), was '" + fusion.fit() + "'");
        }
        if (rerank != null && (rerank.model() == null || (!rerank.autoDepth() && rerank.fixedDepth() < 1))) {
            throw new IllegalArgumentException("pipeline: 'rerank' needs a 'model' and a 'depth' >= 1 or auto");
        }
        if (rerank != null) {
            rerank.fixedMix(); // refuses a bad weight now
        }
        lexicalOptions(null);
        return this;
    }

    /** Whether the BM25 route runs (default yes). */
    public boolean lexical() {
        return bm25 == null || bm25.enabled() == null || bm25.enabled();
    }

    int routeCount() {
        return routes.size() + (lexical() ? 1 : 0);
    }

    /** Hits per route that are fused. */
    public int routeDepth() {
        return depth == null ? 100 : depth;
    }

    /** Whether the fusion family is fitted too ({@code kind: auto}). */
    boolean fitFamily() {
        return fusion != null && fusion.kind() != null && fusion.kind().equalsIgnoreCase("auto");
    }

    /** The fitting split, or null. */
    public String fitSplit() {
        return fusion == null ? null : fusion.fit();
    }

    /** The row and route name of a route: its {@code name}, else the model's folder or preset name. */
    static String routeName(RouteEntry r) {
        if (r.name() != null) {
            return r.name();
        }
        String m = expand(r.model()).replace('\\', '/');
        while (m.endsWith("/")) {
            m = m.substring(0, m.length() - 1);
        }
        String base = m.substring(m.lastIndexOf('/') + 1).replaceAll("[^A-Za-z0-9._-]+", "_");
        return r.useInstruction() ? base : base + (base.endsWith("-noinstr") ? "" : "-noinstr");
    }

    /**
     * The fusion without weights fitted: the kind (default: z-score convex) with the given weights, or all 1.
     * {@code default} is the family of {@link Fusion#DEFAULT} with equal weights (for one dense route plus BM25 that
     * is {@link Fusion#DEFAULT} itself).
     */
    Fusion fusionFamily() {
        String kind = fusion == null || fusion.kind() == null ? "default" : fusion.kind();
        Fusion f = kind.equalsIgnoreCase("default") || kind.equalsIgnoreCase("auto")
                ? Fusion.convex(Fusion.Normalization.Z_SCORE)
                : EvalCommand.parseFusion(kind, null);
        if (fusion != null && fusion.weights() != null) {
            f = f.withWeights(fusion.weights().stream().mapToDouble(Double::doubleValue).toArray());
        }
        return f;
    }

    /** The lexical route's settings; {@code corpus} decides "auto" when the first model has no language. */
    LexicalOptions lexicalOptions(BeirDataset corpus) {
        String a = bm25 == null || bm25.analyzer() == null ? "auto" : bm25.analyzer();
        LexicalAnalyzer analyzer;
        if (a.equalsIgnoreCase("auto")) {
            if (corpus == null) {
                analyzer = LexicalAnalyzer.STANDARD; // checked later, when the models are known
            } else {
                RouteEntry first = routes.get(0);
                String lang = EvalModels.spec(expand(first.model()), false, first.maxLength()).language();
                if (lang == null) {
                    lang = CorpusLanguage.detect(corpus.corpus().values().stream()
                            .map(BeirDataset.CorpusDoc::passage).toList());
                }
                analyzer = LexicalAnalyzer.forLanguage(lang);
            }
        } else {
            try {
                analyzer = LexicalAnalyzer.valueOf(a.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("pipeline: bm25 analyzer '" + a
                        + "' is unknown; use auto, standard, english, chinese or cjk");
            }
        }
        LexicalOptions o = LexicalOptions.DEFAULT.withAnalyzer(analyzer);
        if (bm25 != null && (bm25.k1() != null || bm25.b() != null)) {
            o = o.withBm25(bm25.k1() == null ? o.k1() : bm25.k1().floatValue(),
                    bm25.b() == null ? o.b() : bm25.b().floatValue());
        }
        return o;
    }

    private static final Pattern VAR = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(:-([^}]*))?}");

    /**
     * Expands {@code ${VAR}} and {@code ${VAR:-default}} from the environment (or, when the environment has no such
     * variable, a JVM system property of that name, which tests can set); an unset VAR without default is refused.
     */
    public static String expand(String s) {
        Matcher m = VAR.matcher(s);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String v = System.getenv(m.group(1));
            if (v == null || v.isEmpty()) {
                v = System.getProperty(m.group(1));
            }
            if (v == null || v.isEmpty()) {
                if (m.group(2) == null) {
                    throw new IllegalArgumentException("pipeline: environment variable " + m.group(1)
                            + " is not set (in '" + s + "'); set it or write ${" + m.group(1) + ":-default}");
                }
                v = m.group(3);
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(v));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    /**
     * The rerank mix: the depths ({@code auto}: those of {@link RerankMix#DEPTHS} within the route depth) and the
     * weight; when either is chosen, the held-out queries are the train queries named in the reranker's
     * {@code training.json} ({@code validationQueries}), which the trainer kept out of training.
     */
    MultiRouteEvaluator.MixPlan mixPlan(Path rerankDir, Path beirDir, BeirDataset ds) {
        List<Integer> depths = rerank.autoDepth()
                ? RerankMix.DEPTHS.stream().filter(d -> d <= routeDepth()).toList()
                : List.of(rerank.fixedDepth());
        Double w = rerank.mix() == null ? Double.valueOf(1) : rerank.fixedMix();
        BeirDataset heldOut = null;
        if (depths.size() > 1 || w == null) {
            heldOut = heldOutQueries(rerankDir, beirDir, ds);
        }
        return new MultiRouteEvaluator.MixPlan(depths, w, heldOut);
    }

    /** The train queries the cross-encoder in {@code rerankDir} held out, as a dataset of the train split. */
    static BeirDataset heldOutQueries(Path rerankDir, Path beirDir, BeirDataset ds) {
        Path info = rerankDir.resolve("training.json");
        Set<String> ids = new java.util.LinkedHashSet<>();
        try {
            if (Files.isRegularFile(info)) {
                new ObjectMapper().readTree(info.toFile()).path("validationQueries").forEach(n -> ids.add(n.asText()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (ids.isEmpty()) {
            throw new IllegalArgumentException("pipeline: rerank depth auto / mix fit choose on the train queries the"
                    + " cross-encoder held out, but " + info + " names none (validationQueries); give a fixed depth"
                    + " and mix");
        }
        BeirDataset train = "train".equals(ds.split()) ? ds : BeirDataset.load(beirDir, "train");
        Map<String, String> q = new java.util.LinkedHashMap<>();
        Map<String, Map<String, Integer>> qrels = new java.util.LinkedHashMap<>();
        train.queries().forEach((id, text) -> {
            if (ids.contains(id)) {
                q.put(id, text);
                qrels.put(id, train.qrels().getOrDefault(id, Map.of()));
            }
        });
        if (q.isEmpty()) {
            throw new IllegalArgumentException("pipeline: none of the " + ids.size() + " held-out queries of " + info
                    + " is a train query of " + beirDir);
        }
        return new BeirDataset(train.name(), "train", train.corpus(), q, qrels);
    }

    /**
     * An evaluation and the pipeline it ran, with nothing left to fit.
     *
     * @param report   the report
     * @param resolved this pipeline with every {@code fit}/{@code auto} replaced by what the run chose (see
     *                 {@link #resolve})
     */
    public record Evaluated(EvalReport report, EvalPipeline resolved) {
    }

    /**
     * Runs the pipeline on {@code ds}: the routes' indexes in sibling folders of one temporary folder (deleted
     * afterwards), the fused row named {@code fusedName}.
     */
    public EvalReport run(BeirDataset ds, Path beirDir, Path cacheDir, String fusedName,
                          BeirEvaluator.Listener listener) {
        return run(ds, beirDir, cacheDir, fusedName, listener, null);
    }

    /** As above; {@code teacher} (or null) writes the fused top hits of its queries ({@code --teacher-out}). */
    public EvalReport run(BeirDataset ds, Path beirDir, Path cacheDir, String fusedName,
                          BeirEvaluator.Listener listener, MultiRouteEvaluator.Teacher teacher) {
        return evaluate(ds, beirDir, cacheDir, fusedName, listener, teacher).report();
    }

    /** As {@link #run}, with the resolved pipeline ({@code nsearch eval --fitted-pipeline}). */
    public Evaluated evaluate(BeirDataset ds, Path beirDir, Path cacheDir, String fusedName,
                              BeirEvaluator.Listener listener, MultiRouteEvaluator.Teacher teacher) {
        LexicalOptions lex = lexicalOptions(ds);
        List<TextEncoder> encoders = new ArrayList<>();
        Path home = null;
        Reranker reranker = null;
        try {
            List<MultiRouteEvaluator.RouteSpec> specs = new ArrayList<>();
            for (RouteEntry r : routes) {
                String model = expand(r.model());
                TextEncoder enc = EvalModels.openEncoder(model, !r.useInstruction(), r.maxLength());
                encoders.add(enc);
                ModelSpec passageSpec = EvalModels.spec(model, false, r.maxLength());
                java.util.function.ToIntFunction<String> counter = null;
                if (enc instanceof BiEncoder bi) {
                    String prefix = bi.spec().passagePrefix();
                    counter = text -> bi.tokenizer().encode(prefix + text).tokenCount();
                }
                specs.add(new MultiRouteEvaluator.RouteSpec(routeName(r), enc,
                        EvalModels.cacheName(model, r.maxLength()), passageSpec.id(), counter));
            }
            BeirDataset fitOn = null;
            if (fitSplit() != null) {
                fitOn = fitSplit().equals(ds.split()) ? ds : BeirDataset.load(beirDir, fitSplit());
            }
            int rerankDepth = 0;
            MultiRouteEvaluator.MixPlan mix = null;
            if (rerank != null) {
                Path rerankDir = Path.of(expand(rerank.model()));
                reranker = EvalModels.openReranker(rerankDir);
                if (rerank.mixed()) {
                    mix = mixPlan(rerankDir, beirDir, ds);
                } else {
                    rerankDepth = rerank.fixedDepth();
                }
            }
            home = Files.createTempDirectory("nsearch-eval-routes");
            Path parent = home;
            JVectorIndexOptions indexOptions = JVectorIndexOptions.DEFAULT.withLexical(lex);
            MultiRouteEvaluator.Options opts = new MultiRouteEvaluator.Options(fusionFamily(), fitOn, routeDepth(),
                    fusedName, lexical(), reranker, rerankDepth, cacheDir, fitFamily(), mix, teacher);
            MultiRouteEvaluator.Outcome outcome = MultiRouteEvaluator.evaluateResolved(ds, specs,
                    route -> EvalModels.annFactory(parent.resolve(route)).options(indexOptions), opts, listener);
            EvalReport report = outcome.report();
            Map<String, Object> settings = new java.util.LinkedHashMap<>(report.settings());
            if (lexical()) {
                settings.put("bm25", Map.of("analyzer", lex.analyzer().name().toLowerCase(Locale.ROOT),
                        "k1", lex.k1(), "b", lex.b()));
            }
            if (name != null) {
                settings.put("pipeline", name);
            }
            return new Evaluated(new EvalReport(report.dataset(), report.split(), report.documents(),
                    report.queries(), report.model(), report.modelId(), report.dimension(), report.encoding(),
                    report.pipelines(), report.annOverlapAt10(), settings, report.environment()),
                    resolve(lex, outcome));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            for (TextEncoder e : encoders) {
                e.close();
            }
            if (reranker != null) {
                reranker.close();
            }
            if (home != null) {
                EvalCommand.deleteTree(home);
            }
        }
    }
    /**
     * This pipeline as a run resolved it: models with {@code ${VAR}} expanded, every route named, the BM25
     * analyzer, k1 and b that were used, the fusion kind ({@code auto}: the family the fit kept) and its weights (one
     * per route; all 1 where none were given or fitted), the route depth, and the rerank depth and mix that were
     * used ({@code auto}/{@code fit}: the choice on the held-out queries). Evaluating the result fits nothing and
     * gives the same rows; {@code nsearch index/search --pipeline} build a {@code MultiRouteSearch} from it.
     */
    EvalPipeline resolve(LexicalOptions lex, MultiRouteEvaluator.Outcome outcome) {
        List<RouteEntry> rs = new ArrayList<>(routes.size());
        for (RouteEntry r : routes) {
            rs.add(new RouteEntry(expand(r.model()), r.instruction(), routeName(r), r.maxLength()));
        }
        Bm25 b = lexical()
                ? new Bm25(null, lex.analyzer().name().toLowerCase(Locale.ROOT), decimal(lex.k1()), decimal(lex.b()))
                : new Bm25(false, null, null, null);
        Fusion f = outcome.fusion();
        List<Double> w = f.weights();
        if (w == null) { // Fusion's "all 1", written out
            w = java.util.Collections.nCopies(routeCount(), 1.0);
        }
        RerankEntry rr = null;
        if (rerank != null) {
            rr = new RerankEntry(expand(rerank.model()), Integer.toString(outcome.rerankDepth()),
                    outcome.rerankWeight() == null ? null : Double.toString(outcome.rerankWeight()));
        }
        return new EvalPipeline(name, rs, b, new FusionEntry(kindName(f), List.copyOf(w), null), routeDepth(), rr)
                .check();
    }

    /** A float setting as the decimal it was written as (1.2f, not 1.2000000476837158): it parses back to the float. */
    private static Double decimal(float x) {
        return Double.parseDouble(Float.toString(x));
    }

    /** The {@code fusion.kind} that {@link #fusionFamily} reads back as {@code f}'s family. */
    static String kindName(Fusion f) {
        if (f instanceof Fusion.Rrf rrf) {
            return "rrf:" + rrf.k();
        }
        return ((Fusion.Convex) f).normalization() == Fusion.Normalization.MIN_MAX ? "minmax" : "zscore";
    }

    /**
     * What is still to be chosen by {@code nsearch eval} ({@code fit: train}, {@code kind: auto}, an {@code auto} or
     * absent BM25 analyzer, rerank {@code depth: auto} or {@code mix: fit}), each named as in the file; empty when
     * the pipeline can be served as it is.
     */
    public List<String> unresolved() {
        List<String> open = new ArrayList<>();
        if (fusion != null && fusion.fit() != null) {
            open.add("fusion fit: " + fusion.fit());
        }
        if (fitFamily()) {
            open.add("fusion kind: auto");
        }
        if (lexical() && (bm25 == null || bm25.analyzer() == null || bm25.analyzer().equalsIgnoreCase("auto"))) {
            open.add("bm25 analyzer: auto");
        }
        if (rerank != null && rerank.autoDepth()) {
            open.add("rerank depth: auto");
        }
        if (rerank != null && rerank.fitMix()) {
            open.add("rerank mix: fit");
        }
        return open;
    }

    /** Writes the pipeline in the format {@link #read} reads: YAML for {@code .yaml}/{@code .yml} (with the
     * {@code comments} as {@code #} lines on top), else JSON. */
    public void write(Path file, List<String> comments) {
        String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
        boolean yaml = n.endsWith(".yaml") || n.endsWith(".yml");
        try {
            StringBuilder sb = new StringBuilder();
            if (yaml) {
                for (String c : comments) {
                    c.lines().forEach(l -> sb.append("# ").append(l).append('\n'));
                }
                sb.append(YAML_OUT.writeValueAsString(this));
            } else {
                sb.append(JSON_OUT.writeValueAsString(this)).append('\n');
            }
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(file, sb.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final ObjectMapper YAML_OUT = new ObjectMapper(YAMLFactory.builder()
            .disable(com.fasterxml.jackson.dataformat.yaml.YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(com.fasterxml.jackson.dataformat.yaml.YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .build())
            .setSerializationInclusion(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL);
    private static final ObjectMapper JSON_OUT = new ObjectMapper()
            .setSerializationInclusion(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
            .enable(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT);
}
