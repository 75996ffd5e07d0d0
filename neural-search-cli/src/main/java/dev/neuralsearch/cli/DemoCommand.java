package dev.neuralsearch.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.neuralsearch.ann.JVectorIndex;
import dev.neuralsearch.core.Document;
import dev.neuralsearch.core.Filter;
import dev.neuralsearch.core.Hit;
import dev.neuralsearch.core.NeuralSearch;
import dev.neuralsearch.core.SearchResult;
import dev.neuralsearch.encoder.BiEncoder;
import dev.neuralsearch.encoder.ModelSpec;
import dev.neuralsearch.encoder.Presets;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The quickstart. The bundled corpus is English and Chinese; the packaged English models know no Chinese and
 * bge-small-zh ranks English poorly (measured on the bundled queries, MRR@10: one bge-small-zh index for both
 * languages 0.52; English with bge-small-en and Chinese with bge-small-zh 0.875). So each language gets its own
 * index home and model, and a query goes to the Chinese index when it contains Han characters. The int8
 * models rank the bundled queries exactly as the fp32 ones do, at about a third of the time.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"The quickstart: indexes the bundled English and Chinese demo corpus (240 short documents)",
                "and runs the bundled queries (or yours), printing ranked hits. English goes to",
                "bge-small-en-v1.5-q, Chinese to bge-small-zh-v1.5-q, each in its own index home."})
final class DemoCommand implements Callable<Integer> {

    static final String CORPUS = "/demo/corpus.jsonl";
    static final String QUERIES = "/demo/queries.jsonl";

    @Spec
    CommandSpec spec;

    @Option(names = "--home", paramLabel = "<dir>",
            description = "Keep the index homes here (<dir>/en, <dir>/zh); default a temporary folder, deleted after.")
    Path home;

    @Option(names = {"-q", "--query"}, paramLabel = "<text>",
            description = "Run this query instead of the bundled ones (repeatable).")
    List<String> queries;

    @Option(names = {"-k", "--k"}, paramLabel = "N", defaultValue = "3", description = "Hits per query (default ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--filter", paramLabel = "<expr>", description = "Metadata filter for every query, e.g. 'year>=2020'"
            + " (fields: lang, topic, year, source, featured).")
    String filter;

    @Option(names = "--no-progress", description = "No progress bars on stderr.")
    boolean noProgress;

    private record DemoQuery(String text, Set<String> relevant) {
    }

    @Override
    public Integer call() throws IOException {
        Filter parsedFilter;
        try {
            parsedFilter = FilterParser.parse(filter);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e, null, filter);
        }
        PrintWriter out = spec.commandLine().getOut();
        List<Document> corpus = corpus();
        List<DemoQuery> demoQueries = queries == null || queries.isEmpty() ? bundledQueries()
                : queries.stream().map(q -> new DemoQuery(q, Set.of())).toList();
        Path root = home != null ? home : Files.createTempDirectory("nsearch-demo-");
        long started = System.nanoTime();
        try (NeuralSearch english = open(root.resolve("en"), Presets.BGE_SMALL_EN_V15_Q);
             NeuralSearch chinese = open(root.resolve("zh"), Presets.BGE_SMALL_ZH_V15_Q)) {
            index(out, english, "English", corpus.stream().filter(d -> !isChinese(d)).toList());
            index(out, chinese, "Chinese", corpus.stream().filter(DemoCommand::isChinese).toList());
            out.printf(Locale.ROOT, "ready in %.1f s%n", (System.nanoTime() - started) / 1e9);

            int withRelevant = 0;
            int atOne = 0;
            for (DemoQuery q : demoQueries) {
                boolean zh = hasHan(q.text);
                NeuralSearch engine = zh ? chinese : english;
                SearchResult r = engine.query(q.text).filter(parsedFilter).limit(limit).run();
                out.printf(Locale.ROOT, "%n> %s   [%s, %.0f ms]%n", q.text, engine.modelId(), r.timings().totalMillis());
                for (int i = 0; i < r.hits().size(); i++) {
                    Hit h = r.hits().get(i);
                    String mark = q.relevant.contains(h.id()) ? "*" : " ";
                    out.println(mark + HitPrinter.text(i + 1, h).substring(1));
                }
                if (r.hits().isEmpty()) {
                    out.println("  (no hits)");
                }
                if (!q.relevant.isEmpty()) {
                    withRelevant++;
                    if (!r.hits().isEmpty() && q.relevant.contains(r.hits().get(0).id())) {
                        atOne++;
                    }
                }
            }
            if (withRelevant > 0) {
                out.printf(Locale.ROOT, "%n* = judged relevant. A relevant document ranked first for %d of %d queries.%n",
                        atOne, withRelevant);
            }
            out.printf(Locale.ROOT, "demo finished in %.1f s%s%n", (System.nanoTime() - started) / 1e9,
                    home != null ? "; index homes kept in " + root.toAbsolutePath() + "/{en,zh}" : "");
            out.flush();
        } finally {
            if (home == null) {
                deleteTree(root);
            }
        }
        return 0;
    }

    private NeuralSearch open(Path dir, ModelSpec model) {
        return NeuralSearch.builder().encoder(BiEncoder.load(model)).index(JVectorIndex.at(dir)).build();
    }

    private void index(PrintWriter out, NeuralSearch engine, String language, List<Document> docs) {
        out.printf(Locale.ROOT, "indexing %d %s documents with %s%n", docs.size(), language, engine.modelId());
        out.flush();
        try (ProgressBar bar = Progress.bar(language, docs.size(), noProgress)) {
            engine.add(docs, (done, total) -> bar.stepTo(done));
        }
        engine.commit();
    }

    private static boolean isChinese(Document d) {
        return "zh".equals(d.metadata().get("lang"));
    }

    /** True when the text has a Han (Chinese) character. */
    static boolean hasHan(String text) {
        return text.codePoints().anyMatch(c -> Character.UnicodeScript.of(c) == Character.UnicodeScript.HAN);
    }

    static List<Document> corpus() throws IOException {
        List<Document> docs = new ArrayList<>();
        try (BufferedReader r = resource(CORPUS)) {
            new DocumentReader(r, CORPUS).forEachRemaining(docs::add);
        }
        return docs;
    }

    private static List<DemoQuery> bundledQueries() throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<DemoQuery> list = new ArrayList<>();
        try (BufferedReader r = resource(QUERIES)) {
            for (String line; (line = r.readLine()) != null; ) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode q = json.readTree(line);
                Set<String> relevant = new HashSet<>();
                q.path("relevant").forEach(n -> relevant.add(n.asText()));
                list.add(new DemoQuery(q.get("text").asText(), relevant));
            }
        }
        return list;
    }

    private static BufferedReader resource(String name) {
        InputStream in = DemoCommand.class.getResourceAsStream(name);
        if (in == null) {
            throw new IllegalStateException("the demo resource " + name + " is missing from the jar");
        }
        return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

}
