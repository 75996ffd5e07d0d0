package dev.neuralsearch.train.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code nsearch train ...}: the training commands, on the train module's own class path (PyTorch stays out of the
 * main command line). The {@code ./nsearch} launcher runs this class for {@code ./nsearch train}, with jemalloc
 * preloaded when it is installed.
 */
@Command(name = "nsearch train", mixinStandardHelpOptions = true,
        description = "Fine-tune encoders in Java (DJL PyTorch) and write them back as ONNX model directories.",
        subcommands = {BiEncoderTrainCommand.class, CrossEncoderTrainCommand.class})
public final class TrainCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a subcommand: bi-encoder or cross-encoder");
    }

    public static void main(String[] args) {
        setIfAbsent("org.slf4j.simpleLogger.showDateTime", "true");
        setIfAbsent("org.slf4j.simpleLogger.dateTimeFormat", "HH:mm:ss");
        setIfAbsent("org.slf4j.simpleLogger.showShortLogName", "true");
        setIfAbsent("org.slf4j.simpleLogger.log.ai.djl", "warn");
        System.exit(commandLine().execute(args));
    }

    /** The configured command line (also for tests). */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new TrainCommand());
        cl.setExecutionExceptionHandler((e, line, parsed) -> {
            // not a user error: a bug or an environment failure; the trace helps
            e.printStackTrace(line.getErr());
            line.getErr().flush();
            return 70;
        });
        return cl;
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
