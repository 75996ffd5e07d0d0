package dev.neuralsearch.cli;

import dev.neuralsearch.core.Document;
import dev.neuralsearch.core.MultiRouteSearch;
import dev.neuralsearch.core.NeuralSearch;
import dev.neuralsearch.core.ProgressListener;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "index", mixinStandardHelpOptions = true,
        description = {"Adds documents from JSON lines to an index home (created if absent).",
                "Lines: {\"id\",\"text\",\"metadata\":{...}} or BEIR {\"_id\",\"title\",\"text\"}.",
                "A document whose id is already indexed is replaced. After every commit",
                "stdout gets 'committed <documents in the index>'.", ""})
final class IndexCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    HomeOptions home;

    @Mixin
    ModelOption model;

    @Option(names = "--commit-every", paramLabel = "N", defaultValue = "10000",
            description = "Commit after every N documents (default ${DEFAULT-VALUE}); a final commit always follows.")
    int commitEvery;

    @Option(names = "--analyzer", paramLabel = "<name>",
            description = "Analyzer of the BM25 route when the home is created: standard, english, chinese"
                    + " (SmartChinese), cjk (bigrams); default: the model's language (english for the English presets,"
                    + " cjk for the Chinese ones), standard when unknown. An existing home keeps the one it was made with.")
    String analyzer;

    @Option(names = "--pipeline", paramLabel = "<file>",
            description = "A resolved pipeline file (nsearch eval --fitted-pipeline): index the documents into one"
                    + " home per dense route, <home>/<route name>, each with the route's model; BM25 analyzer, k1 and"
                    + " b from the file. Replaces --model and --analyzer.")
    Path pipeline;

    @Option(names = "--no-progress", description = "No progress bar on stderr.")
    boolean noProgress;

    @Parameters(index = "0", paramLabel = "<file.jsonl|->", description = "The documents; '-' reads stdin.")
    String input;

    @Override
    public Integer call() throws Exception {
        if (commitEvery < 1) {
            throw new ParameterException(spec.commandLine(), "--commit-every must be >= 1, was " + commitEvery);
        }
        dev.neuralsearch.ann.LexicalAnalyzer lexicalAnalyzer = null;
        if (analyzer != null) {
            try {
                lexicalAnalyzer = dev.neuralsearch.ann.LexicalAnalyzer.valueOf(analyzer.toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "--analyzer: unknown analyzer '" + analyzer
                        + "'; use standard, english, chinese or cjk");
            }
        }
        EvalPipeline resolved = null;
        if (pipeline != null) {
            if (model.model != null || analyzer != null) {
                throw new ParameterException(spec.commandLine(), "--pipeline names the models and the analyzer;"
                        + " drop --model and --analyzer");
            }
            try {
                resolved = PipelineHome.readResolved(pipeline);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
        }
        boolean stdin = input.equals("-");
        // A file is read twice: first every line is checked, so a bad line fails the command before anything
        // is indexed; stdin cannot be read twice (see docs/cli.md for what a bad line there leaves behind).
        long expected = stdin ? -1 : checkAll(Path.of(input));
        long started = System.nanoTime();
        try (InputStream in = stdin ? System.in : new BufferedInputStream(Files.newInputStream(Path.of(input)));
             ProgressBar bar = Progress.bar("indexing", expected, noProgress);
             AutoCloseable search = resolved != null
                     ? PipelineHome.open(resolved, pipeline, home.home, false)
                     : Components.engine(home.home, model.resolve(home.home), null, null, lexicalAnalyzer)) {
            Batches batches = new Batches(target(search), bar, spec.commandLine().getOut());
            DocumentReader docs = new DocumentReader(in, stdin ? "stdin" : input);
            while (docs.hasNext()) {
                batches.add(docs.next());
            }
            batches.finish();
            double seconds = (System.nanoTime() - started) / 1e9;
            spec.commandLine().getErr().printf("indexed %d documents in %.1f s (%.0f documents/s)%n",
                    batches.indexed, seconds, batches.indexed / Math.max(seconds, 1e-9));
        }
        return 0;
    }

    /** Where documents go: one engine, or every route of a pipeline. */
    private interface Target {
        int add(List<Document> documents, ProgressListener progress);

        void commit();

        /** Documents in the index (the first route's, for a pipeline: every route holds the same documents). */
        long documents();
    }

    private static Target target(AutoCloseable search) {
        if (search instanceof NeuralSearch one) {
            return new Target() {
                public int add(List<Document> documents, ProgressListener progress) {
                    return one.add(documents, progress);
                }

                public void commit() {
                    one.commit();
                }

                public long documents() {
                    return one.stats().documents();
                }
            };
        }
        MultiRouteSearch routes = (MultiRouteSearch) search;
        return new Target() {
            public int add(List<Document> documents, ProgressListener progress) {
                int n = routes.add(documents); // every route encodes the chunk with its own model
                progress.onProgress(n, n);
                return n;
            }

            public void commit() {
                routes.commit();
            }

            public long documents() {
                return routes.route(routes.routeNames().get(0)).stats().documents();
            }
        };
    }

    /** Groups documents into adds of at most one chunk and commits every {@code commitEvery} documents. */
    private final class Batches {
        private final Target search;
        private final ProgressBar bar;
        private final PrintWriter out;
        private final List<Document> batch = new ArrayList<>();
        private final Set<String> batchIds = new HashSet<>();
        private long indexed;
        private long sinceCommit;
        private int commits;

        Batches(Target search, ProgressBar bar, PrintWriter out) {
            this.search = search;
            this.bar = bar;
            this.out = out;
        }

        void add(Document d) {
            if (batchIds.contains(d.id())) { // the same id again: the later line replaces the earlier one
                flush();
            }
            batch.add(d);
            batchIds.add(d.id());
            if (batch.size() >= NeuralSearch.DEFAULT_ADD_CHUNK || sinceCommit + batch.size() >= commitEvery) {
                flush();
            }
        }

        void finish() {
            flush();
            if (sinceCommit > 0 || commits == 0) {
                commit();
            }
        }

        private void flush() {
            if (!batch.isEmpty()) {
                long before = indexed;
                int n = search.add(List.copyOf(batch), (done, total) -> bar.stepTo(before + done));
                indexed += n;
                sinceCommit += n;
                batch.clear();
                batchIds.clear();
            }
            if (sinceCommit >= commitEvery) {
                commit();
            }
        }

        private void commit() {
            search.commit();
            commits++;
            sinceCommit = 0;
            out.println("committed " + search.documents());
            out.flush();
        }
    }

    /** Reads every document of the file, throwing at the first bad line; returns how many there are. */
    private static long checkAll(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "no such file");
        }
        long n = 0;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            DocumentReader docs = new DocumentReader(in, file.toString());
            while (docs.hasNext()) {
                docs.next();
                n++;
            }
        }
        return n;
    }
}
