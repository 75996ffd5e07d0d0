package dev.neuralsearch.train.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code nsearch train ...}: the training commands, run on the train module's own class path (the search CLI does
 * not carry PyTorch).
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Fine-tune encoders and train rerankers in Java; results are ONNX model directories.",
        subcommands = {
                CrossEncoderTrainCommand.class,
        })
public final class TrainCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.err);
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new TrainCommand()).execute(args));
    }
}
