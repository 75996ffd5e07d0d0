package dev.neuralsearch.benchmarks;

import dev.neuralsearch.encoder.BiEncoder;
import dev.neuralsearch.encoder.EncoderOptions;
import dev.neuralsearch.encoder.Presets;
import dev.neuralsearch.eval.BeirDataset;
import dev.neuralsearch.eval.BeirEvaluator;
import dev.neuralsearch.eval.EvalReport;
import java.nio.file.Path;

/** Investigation: an int8 preset with batched (non-deterministic) encoding, exact search, no cache. Args: beirDir preset. */
public final class BatchedInt8Eval {
    public static void main(String[] args) {
        BeirDataset ds = BeirDataset.load(Path.of(args[0]), "test");
        try (BiEncoder enc = BiEncoder.load(Presets.byId(args[1]), EncoderOptions.defaults().withDeterministic(false))) {
            EvalReport r = BeirEvaluator.evaluate(ds, enc, null, null, BeirEvaluator.Options.defaults(args[1] + "-batched"),
                    BeirEvaluator.Listener.SILENT);
            System.out.println(args[1] + " batched (deterministic=false), " + enc.options());
            System.out.printf("encoding %.1f s%n", r.encoding().seconds());
            System.out.print(r.table());
        }
    }
}
