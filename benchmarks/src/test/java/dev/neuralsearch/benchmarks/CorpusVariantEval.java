package dev.neuralsearch.benchmarks;

import dev.neuralsearch.cli.EvalCommand;
import dev.neuralsearch.eval.BeirDataset;
import dev.neuralsearch.eval.EvalReport;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Investigation tool: the library's exact-search evaluation ({@link EvalCommand#run}) on a variant of a BEIR
 * corpus built in memory (the files are not touched), to see which passage formatting gives which score.
 * Variants: {@code notitle} (text only), {@code dot} ({@code title + ". " + text}), {@code titleonly}.
 * The dataset name carries the variant, so each variant gets its own embedding cache file.
 * Args: beirDir model maxLength|- variant cacheDir [jsonOut].
 */
public final class CorpusVariantEval {
    public static void main(String[] args) {
        BeirDataset base = BeirDataset.load(Path.of(args[0]), "test");
        String model = args[1];
        Integer maxLength = args[2].equals("-") ? null : Integer.valueOf(args[2]);
        String variant = args[3];
        Path cacheDir = Path.of(args[4]);
        Map<String, BeirDataset.CorpusDoc> corpus = new LinkedHashMap<>();
        for (BeirDataset.CorpusDoc d : base.corpus().values()) {
            BeirDataset.CorpusDoc v = switch (variant) {
                case "notitle" -> new BeirDataset.CorpusDoc(d.id(), "", d.text());
                case "dot" -> new BeirDataset.CorpusDoc(d.id(), d.title().isEmpty() ? "" : d.title() + ".", d.text());
                case "titleonly" -> new BeirDataset.CorpusDoc(d.id(), d.title(), "");
                default -> throw new IllegalArgumentException("unknown variant " + variant);
            };
            corpus.put(d.id(), v);
        }
        BeirDataset ds = new BeirDataset(base.name() + "-" + variant, base.split(), corpus, base.queries(),
                base.qrels());
        EvalReport r = EvalCommand.run(ds, model, false, maxLength, null, 1000, 100, cacheDir, false, null);
        System.out.printf(Locale.ROOT, "%s, corpus variant %s, max length %s: corpus %.1f s (cached=%s)%n", model,
                variant, maxLength == null ? "preset" : maxLength, r.encoding().seconds(), r.encoding().cached());
        System.out.print(r.table());
        if (args.length > 5) {
            r.writeJson(Path.of(args[5]));
        }
    }
}
