package dev.neuralsearch.benchmarks;

import dev.neuralsearch.eval.BeirDataset;
import dev.neuralsearch.eval.BeirEvaluator;
import dev.neuralsearch.eval.EvalReport;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Development tool: evaluates the {@link ReferenceEncoder} (exact search only).
 * Args: beirDir split model [maxLength] [pooling CLS|MEAN] [noinstr] [cacheDir] [jsonOut].
 */
public final class ReferenceEval {
    public static void main(String[] args) {
        Path dir = Path.of(args[0]);
        String split = args[1];
        String model = args[2];
        ReferenceEncoder.Recipe r = ReferenceEncoder.recipe(model);
        if (args.length > 3 && !args[3].equals("-")) {
            r = r.withMaxLength(Integer.parseInt(args[3]));
        }
        if (args.length > 4 && !args[4].equals("-")) {
            r = r.withPooling(ReferenceEncoder.Pooling.valueOf(args[4]));
        }
        if (args.length > 5 && args[5].equals("noinstr")) {
            r = r.withQueryPrefix("");
        }
        Path cache = args.length > 6 ? Path.of(args[6]) : Path.of("target/eval-cache");
        BeirDataset ds = BeirDataset.load(dir, split);
        try (ReferenceEncoder enc = new ReferenceEncoder(r, Runtime.getRuntime().availableProcessors())) {
            BeirEvaluator.Options o = BeirEvaluator.Options.defaults("ref-" + model + "-" + r.maxLength() + "-"
                    + r.pooling().name().toLowerCase(Locale.ROOT)).withCacheDir(cache)
                    .withTokenCounter(enc::countTokens);
            EvalReport rep = BeirEvaluator.evaluate(ds, enc, null, null, o, new BeirEvaluator.Listener() {
                @Override
                public void info(String message) {
                    System.err.println(message);
                }
            });
            System.out.println(r);
            System.out.printf(Locale.ROOT, "encoding: %.1f s, %.1f docs/s, cached=%s%n", rep.encoding().seconds(),
                    rep.encoding().docsPerSecond(), rep.encoding().cached());
            System.out.print(rep.table());
            if (args.length > 7) {
                rep.writeJson(Path.of(args[7]));
            }
        }
    }
}
