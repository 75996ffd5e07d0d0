package dev.neuralsearch.cli;

import dev.neuralsearch.ann.JVectorIndex;
import dev.neuralsearch.ann.LexicalOptions;
import dev.neuralsearch.core.IndexSchema;
import dev.neuralsearch.core.MultiRouteSearch;
import dev.neuralsearch.core.NeuralSearch;
import dev.neuralsearch.core.Reranker;
import dev.neuralsearch.encoder.BiEncoder;
import dev.neuralsearch.encoder.ModelSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A resolved pipeline file ({@code nsearch eval --fitted-pipeline}) served from disk by {@code nsearch index
 * --pipeline} and {@code nsearch search --pipeline}: a {@link MultiRouteSearch} with one engine per dense route, the
 * file's fusion (kind and weights), route depth, and cross-encoder with its rerank depth and mix.
 *
 * <p>Layout: {@code --home DIR} is a parent folder; route {@code r} (its {@code name} in the file) has its own index
 * home {@code DIR/r}. One home per route because an index home holds one model's vectors and records that model in
 * its manifest ({@code modelId}), and {@link MultiRouteSearch} is built from one {@link NeuralSearch} per route (the
 * design docs/hybrid.md describes); every existing check (model, dimension, analyzer) then applies to each route as
 * it does to a single home. The BM25 route is the first route's index, opened with the file's analyzer (recorded in
 * that home when it is created) and k1/b (applied per open); the other homes keep a BM25 index too (each home is a
 * complete index), which costs disk, not quality.
 *
 * <p>The models and the route names are those of the file, so a route's home is refused when it was built with
 * another model than the route names (its encoder's id, {@code -noinstr} included when the route has
 * {@code instruction: false}).
 */
final class PipelineHome {
    private PipelineHome() {
    }

    /**
     * Reads a pipeline file that leaves nothing to choose; a file that still says {@code fit}/{@code auto} is refused
     * with the fields named and the eval command that resolves them.
     */
    static EvalPipeline readResolved(Path file) {
        EvalPipeline p = EvalPipeline.read(file);
        List<String> open = p.unresolved();
        if (!open.isEmpty()) {
            throw new Nsearch.UserError("pipeline " + file + " still has " + String.join(", ", open)
                    + ": these are chosen by an evaluation; run nsearch eval --beir <dir> --pipeline " + file
                    + " --fitted-pipeline <resolved.yaml> and use the file it writes (or write the values in)");
        }
        return p;
    }

    /** The index home of a route. */
    static Path routeHome(Path home, EvalPipeline.RouteEntry route) {
        return home.resolve(EvalPipeline.routeName(route));
    }

    /**
     * The search over {@code home}'s route homes: read-only (each route home must exist, no lock taken, the latest
     * commits) or for writing (homes created as needed, each home's write lock taken). The caller closes it, which
     * closes every engine and the reranker.
     */
    static MultiRouteSearch open(EvalPipeline p, Path pipelineFile, Path home, boolean readOnly) {
        // the analyzer is explicit (readResolved refused "auto"); without BM25 a home keeps its own (or gets the
        // model's language's), as nothing searches it lexically
        LexicalOptions lex = p.lexical() ? p.lexicalOptions(null) : null;
        List<AutoCloseable> opened = new ArrayList<>();
        try {
            List<ModelSpec> specs = new ArrayList<>();
            for (EvalPipeline.RouteEntry r : p.routes()) { // every home checked before any model is loaded
                ModelSpec spec = EvalModels.spec(EvalPipeline.expand(r.model()), !r.useInstruction(), r.maxLength());
                checkRouteHome(EvalPipeline.routeName(r), routeHome(home, r), spec, lex, pipelineFile, home, readOnly);
                specs.add(spec);
            }
            // a deployed pipeline answers with the fused list only: routes the fit weighed 0 are not searched
            MultiRouteSearch.Builder b = MultiRouteSearch.builder().lexical(p.lexical()).skipWeightlessRoutes(true);
            for (int i = 0; i < p.routes().size(); i++) {
                EvalPipeline.RouteEntry r = p.routes().get(i);
                String name = EvalPipeline.routeName(r);
                Path routeHome = routeHome(home, r);
                BiEncoder encoder = BiEncoder.load(specs.get(i));
                JVectorIndex.Factory index = JVectorIndex.at(routeHome);
                if (lex != null) {
                    index = index.lexicalAnalyzer(lex.analyzer()).bm25(lex.k1(), lex.b());
                }
                NeuralSearch engine = NeuralSearch.builder().encoder(encoder)
                        .index(readOnly ? index.readOnly() : index).build(); // closes the encoder if it fails
                opened.add(engine);
                b.route(name, engine);
            }
            b.fusion(p.fusionFamily());
            if (p.rerank() != null) {
                Reranker reranker = Components.reranker(Path.of(EvalPipeline.expand(p.rerank().model())), null);
                opened.add(reranker);
                b.reranker(reranker).rerankDepth(p.rerank().fixedDepth());
                Double mix = p.rerank().fixedMix();
                if (mix != null) {
                    b.rerankMix(mix);
                }
            }
            return b.build();
        } catch (RuntimeException e) {
            for (AutoCloseable c : opened) {
                try {
                    c.close();
                } catch (Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }

    /**
     * A route home read must exist; an existing one must have been built with the route's model and (with a BM25
     * route, {@code lex} not null) the file's BM25 analyzer. Checked from the manifest before any model is loaded, so that the message names the route and the
     * pipeline. (A read-only open does not compare the analyzer itself: it searches with the recorded one.)
     */
    private static void checkRouteHome(String route, Path routeHome, ModelSpec spec, LexicalOptions lex,
                                       Path pipelineFile, Path home, boolean readOnly) {
        if (readOnly) {
            if (!java.nio.file.Files.isRegularFile(routeHome.resolve("manifest.json"))) {
                throw new Nsearch.UserError("no index for route '" + route + "' at " + routeHome + " (create the"
                        + " routes' indexes with: nsearch index --pipeline " + pipelineFile + " --home " + home
                        + " <file.jsonl>)");
            }
        }
        IndexSchema have = Components.indexedSchema(routeHome).orElse(null);
        if (have != null && !have.modelId().equals(spec.id())) {
            throw new Nsearch.UserError(String.format(Locale.ROOT, "route '%s' of %s uses model '%s', but its index"
                    + " home %s was built with model '%s'; index the pipeline into another --home (or give the"
                    + " route its home's model)", route, pipelineFile, spec.id(), routeHome, have.modelId()));
        }
        String analyzer = lex == null ? null : Components.indexedAnalyzer(routeHome).orElse(null);
        if (analyzer != null && !analyzer.equals(lex.analyzer().name())) {
            throw new Nsearch.UserError(String.format(Locale.ROOT, "the bm25 analyzer of %s is %s, but the index"
                    + " home %s of route '%s' was built with the %s analyzer; index the pipeline into another --home"
                    + " (or name that analyzer)", pipelineFile, lex.analyzer(), routeHome, route, analyzer));
        }
    }
}
