package dev.neuralsearch.cli;

import dev.neuralsearch.core.Filter;
import dev.neuralsearch.core.MultiRouteQuery;
import dev.neuralsearch.core.MultiRouteResult;
import dev.neuralsearch.core.MultiRouteSearch;
import dev.neuralsearch.core.NeuralSearch;
import dev.neuralsearch.core.Query;
import dev.neuralsearch.core.Route;
import dev.neuralsearch.core.SearchResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "search", mixinStandardHelpOptions = true,
        description = {"Searches an index home and prints the ranked hits.", "",
                "Filter syntax, clauses joined by commas (all must hold):",
                "  field=value  field!=value  field>n  field>=n  field<n  field<=n  field in (a|b|c)",
                "Unquoted numbers are numbers, true/false booleans, the rest strings; quote a",
                "value (\"...\" or '...') to force a string. Example: --filter 'year>=2020,lang=en'", ""})
final class SearchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    HomeOptions home;

    @Mixin
    ModelOption model;

    @Parameters(index = "0", paramLabel = "<query>", description = "The query text.")
    String query;

    @Option(names = {"-k", "--k", "--limit"}, paramLabel = "N", defaultValue = "10",
            description = "Hits to print (default ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--recall", paramLabel = "N",
            description = "Candidates the vector index returns (default: max(k, rerank depth)).")
    Integer recall;

    @Option(names = "--rerank", paramLabel = "N",
            description = "Rerank the top N candidates with --reranker (default with a reranker: min(max(k, 100), recall)).")
    Integer rerank;

    @Option(names = "--reranker", paramLabel = "<dir>",
            description = "Cross-encoder directory (model.onnx + tokenizer.json).")
    Path reranker;

    @Option(names = "--reranker-max-length", paramLabel = "<tokens>",
            description = "Cut (query, passage) pairs to this many tokens (default 512; shorter is faster).")
    Integer rerankerMaxLength;

    @Option(names = "--filter", paramLabel = "<expr>", description = "Metadata filter, e.g. 'year>=2020,lang=en'.")
    String filter;

    @Option(names = "--lexical", paramLabel = "N",
            description = "Recall N candidates by BM25 (the index's lexical route): alone a lexical search; with"
                    + " --recall or --hybrid fused with the vector route by the library's default fusion"
                    + " (Fusion.DEFAULT: z-score normalized scores, weights 0.5/0.5).")
    Integer lexical;

    @Option(names = "--hybrid", description = "Both routes (vector and BM25), fused by Fusion.DEFAULT (z-score, 0.5/0.5);"
            + " depths from --recall/--lexical, else max(k, rerank, 100) each.")
    boolean hybrid;

    @Option(names = "--exact", description = "Recall by exact (brute-force) search instead of the graph.")
    boolean exact;

    @Option(names = "--json", description = "One JSON object per hit (JSON lines).")
    boolean json;

    @Option(names = "--pipeline", paramLabel = "<file>",
            description = "A resolved pipeline file (nsearch eval --fitted-pipeline) whose routes were indexed with"
                    + " nsearch index --pipeline into --home: every dense route and BM25, fused with the file's kind and"
                    + " weights at its route depth, reranked with its cross-encoder, depth and mix (--rerank N overrides"
                    + " the depth; 0 skips the cross-encoder). Replaces --model, --recall, --lexical, --hybrid, --exact,"
                    + " --reranker.")
    Path pipeline;

    @Override
    public Integer call() {
        if (pipeline != null) {
            return searchPipeline();
        }
        if (rerank != null && rerank > 0 && reranker == null) {
            throw new ParameterException(spec.commandLine(), "--rerank needs a model: add --reranker <dir>");
        }
        Filter parsed;
        try {
            parsed = FilterParser.parse(filter);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e, null, filter);
        }
        try (NeuralSearch search = Components.readOnlyEngine(home.home, model.resolveExisting(home.home), reranker,
                rerankerMaxLength)) {
            Query q = search.query(query).filter(parsed).limit(limit);
            if (recall != null) {
                q.recall(recall);
            }
            if (rerank != null) {
                q.rerank(rerank);
            }
            if (lexical != null) {
                q.lexical(lexical);
            }
            if (hybrid) {
                q.routes(Route.DENSE, Route.LEXICAL);
            }
            if (exact) {
                q.exact();
            }
            SearchResult result = q.run();
            HitPrinter.print(spec.commandLine().getOut(), result, json);
            if (!json) {
                HitPrinter.printTimings(spec.commandLine().getErr(), result);
            }
        }
        return 0;
    }
    /** {@code --pipeline}: a {@link MultiRouteSearch} over the route homes under {@code --home}. */
    private Integer searchPipeline() {
        List<String> refused = new ArrayList<>();
        if (model.model != null) {
            refused.add("--model");
        }
        if (recall != null) {
            refused.add("--recall");
        }
        if (lexical != null) {
            refused.add("--lexical");
        }
        if (hybrid) {
            refused.add("--hybrid");
        }
        if (exact) {
            refused.add("--exact");
        }
        if (reranker != null || rerankerMaxLength != null) {
            refused.add("--reranker");
        }
        if (!refused.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "--pipeline names the routes, fusion and reranker; drop "
                    + String.join(", ", refused));
        }
        Filter parsed;
        EvalPipeline p;
        try {
            parsed = FilterParser.parse(filter);
            p = PipelineHome.readResolved(pipeline);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e, null, filter);
        }
        if (rerank != null && rerank > 0 && p.rerank() == null) {
            throw new ParameterException(spec.commandLine(), "--rerank: pipeline " + pipeline + " has no rerank stage"
                    + " (add rerank: {model: <dir>, depth: N} to it)");
        }
        try (MultiRouteSearch search = PipelineHome.open(p, pipeline, home.home, true)) {
            MultiRouteQuery q = search.query(query).filter(parsed).limit(limit).depth(p.routeDepth());
            if (rerank != null) {
                q.rerank(rerank);
            }
            MultiRouteResult result = q.execute();
            HitPrinter.print(spec.commandLine().getOut(), result, json);
            if (!json) {
                HitPrinter.printTimings(spec.commandLine().getErr(), result);
            }
        }
        return 0;
    }
}
