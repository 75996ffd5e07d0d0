package dev.neuralsearch.cli;

import dev.neuralsearch.core.ProgressListener;
import dev.neuralsearch.eval.BeirEvaluator;
import java.io.PrintStream;
import java.util.concurrent.atomic.AtomicLong;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;

/** Shows the evaluator's long steps as progress bars on stderr (stdout keeps only the results). */
final class EvalProgressBars implements BeirEvaluator.Listener {
    private final PrintStream err;
    private final boolean quiet;
    private ProgressBar bar;

    EvalProgressBars(PrintStream err, boolean quiet) {
        this.err = err;
        this.quiet = quiet;
    }

    @Override
    public synchronized ProgressListener beginStep(String name, long total) {
        if (quiet) {
            return ProgressListener.NONE;
        }
        closeBar();
        ProgressBar pb = new ProgressBarBuilder()
                .setTaskName(name)
                .setInitialMax(total)
                .setConsumer(new ConsoleProgressBarConsumer(err))
                .setUpdateIntervalMillis(500)
                .showSpeed()
                .build();
        bar = pb;
        AtomicLong high = new AtomicLong();
        // Encoders report from worker threads, possibly out of order: only move forward.
        return (done, t) -> {
            long prev = high.getAndAccumulate(done, Math::max);
            if (done > prev) {
                pb.stepTo(done);
            }
        };
    }

    @Override
    public synchronized void endStep(String name) {
        closeBar();
    }

    @Override
    public synchronized void info(String message) {
        err.println(message);
    }

    private void closeBar() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }
}
