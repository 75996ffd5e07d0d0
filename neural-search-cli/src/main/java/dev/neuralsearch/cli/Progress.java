package dev.neuralsearch.cli;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** Progress bars on stderr (stdout stays machine-readable). */
final class Progress {
    private Progress() {
    }

    /** A bar of {@code total} steps (-1 when unknown); {@code quiet} gives one that prints nothing. */
    static ProgressBar bar(String task, long total, boolean quiet) {
        ProgressBarBuilder b = new ProgressBarBuilder().setTaskName(task).setInitialMax(total)
                .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(250).setUnit(" docs", 1)
                .showSpeed().continuousUpdate();
        if (quiet) {
            b.setConsumer(new me.tongfei.progressbar.DelegatingProgressBarConsumer(s -> { }));
        } else {
            b.setConsumer(new ConsoleProgressBarConsumer(System.err));
        }
        return b.build();
    }
}
