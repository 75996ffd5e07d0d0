package dev.neuralsearch.train.cli;

import dev.neuralsearch.encoder.ModelSpec;
import dev.neuralsearch.encoder.Presets;
import dev.neuralsearch.train.bi.BiEncoderTrainer;
import dev.neuralsearch.train.bi.BiEncoderTrainingOptions;
import dev.neuralsearch.train.bi.BiEncoderTrainingResult;
import dev.neuralsearch.train.bi.HardNegativeMiner;
import dev.neuralsearch.train.bi.TrainingData;
import dev.neuralsearch.train.bi.TrainingPair;
import dev.neuralsearch.train.onnx.UnsupportedModelException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code nsearch train bi-encoder}: in-batch negatives fine-tuning (optionally SimCSE first), see docs/train.md. */
@Command(name = "bi-encoder", mixinStandardHelpOptions = true,
        description = {"Fine-tune a bi-encoder on (query, positive) pairs with in-batch negatives (optionally hard"
                + " negatives mined with the starting model, and a SimCSE stage on unlabelled text first) and write a"
                + " model directory that every command loads with --model <dir>."})
public final class BiEncoderTrainCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, paramLabel = "<preset|dir>",
            description = "Starting model: a preset id (e.g. bge-small-en-v1.5-noinstr) or a model directory (fp32)")
    String model;

    static final class Source {
        @Option(names = "--beir", paramLabel = "<dir>", description = "BEIR folder: pairs from qrels/<split>.tsv (score > 0)")
        Path beir;

        @Option(names = "--pairs", paramLabel = "<tsv>", description = "TSV of query<TAB>positive[<TAB>negative...]")
        Path pairs;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    @Option(names = "--split", defaultValue = "train", paramLabel = "<name>",
            description = "qrels split to train on with --beir (default: ${DEFAULT-VALUE}); test/dev are refused")
    String split;

    @Option(names = "--simcse", paramLabel = "<file>",
            description = "Unlabelled texts for a SimCSE stage first: a corpus.jsonl or a text file (one per line)")
    Path simcse;

    @Option(names = "--simcse-steps", defaultValue = "0", paramLabel = "<n>",
            description = "SimCSE steps (default: ${DEFAULT-VALUE}; needs --simcse)")
    int simcseSteps;

    @Option(names = "--epochs", defaultValue = "1", paramLabel = "<n>", description = "Epochs (default: ${DEFAULT-VALUE})")
    int epochs;

    @Option(names = "--batch", defaultValue = "16", paramLabel = "<n>", description = "Pairs per step (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--lr", defaultValue = "2e-5", paramLabel = "<rate>", description = "Peak learning rate (default: ${DEFAULT-VALUE})")
    float lr;

    @Option(names = "--warmup", defaultValue = "0.1", paramLabel = "<fraction>",
            description = "Warm-up fraction of the steps, then linear decay (default: ${DEFAULT-VALUE})")
    float warmup;

    @Option(names = "--weight-decay", defaultValue = "0.01", paramLabel = "<wd>", description = "AdamW weight decay (default: ${DEFAULT-VALUE})")
    float weightDecay;

    @Option(names = "--max-length", defaultValue = "256", paramLabel = "<tokens>",
            description = "Tokens per text in training (default: ${DEFAULT-VALUE}); the model keeps its own maximum")
    int maxLength;

    @Option(names = "--scale", defaultValue = "20", paramLabel = "<s>", description = "Similarity scale of the loss (default: ${DEFAULT-VALUE})")
    float scale;

    @Option(names = "--hard-negatives", defaultValue = "0", paramLabel = "<n>",
            description = "Hard negatives per query mined with the starting model (ranks 11-50; needs --beir) (default: ${DEFAULT-VALUE})")
    int hardNegatives;

    @Option(names = "--validation", defaultValue = "0.05", paramLabel = "<fraction>",
            description = "Fraction of the training queries held out for the validation loss (default: ${DEFAULT-VALUE})")
    double validation;

    @Option(names = "--seed", defaultValue = "42", paramLabel = "<n>", description = "Seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--max-steps", defaultValue = "0", paramLabel = "<n>",
            description = "Stop after this many steps in total and write the model (default: 0 = all)")
    int maxSteps;

    @Option(names = "--output", required = true, paramLabel = "<dir>",
            description = "Model directory to write (must not exist or be empty; its name is the model id)")
    Path output;

    @Option(names = "--checkpoint-dir", paramLabel = "<dir>", description = "Write checkpoints here (each epoch, and every --checkpoint-every steps)")
    Path checkpointDir;

    @Option(names = "--checkpoint-every", defaultValue = "0", paramLabel = "<steps>",
            description = "Checkpoint interval in steps (default: 0 = end of each epoch only)")
    int checkpointEvery;

    @Option(names = "--resume", description = "Continue from the checkpoint in --checkpoint-dir")
    boolean resume;

    @Option(names = "--cache-dir", defaultValue = "target/eval-cache", paramLabel = "<dir>",
            description = "Corpus embedding cache shared with `nsearch eval` (mining) (default: ${DEFAULT-VALUE})")
    Path cacheDir;

    @Option(names = "--quiet", description = "No progress bar (every step is logged instead)")
    boolean quiet;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter out = spec.commandLine().getOut();
        try {
            if (resume && checkpointDir == null) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--resume needs --checkpoint-dir");
            }
            if (hardNegatives > 0 && source.beir == null) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--hard-negatives mines from a corpus: it needs --beir (a pair file can carry negatives in extra columns)");
            }
            if (simcseSteps > 0 && simcse == null) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--simcse-steps needs --simcse <file>");
            }
            ModelSpec start = resolve(model);
            BiEncoderTrainingOptions opts = new BiEncoderTrainingOptions(epochs, batch, lr, warmup, weightDecay,
                    maxLength, scale, seed, validation, hardNegatives, checkpointEvery,
                    simcse == null ? 0 : simcseSteps, maxSteps);
            List<TrainingPair> pairs = source.beir != null ? TrainingData.fromBeir(source.beir, split)
                    : TrainingData.fromTsv(source.pairs);
            List<String> texts = simcse == null ? null : TrainingData.texts(simcse);
            if (simcse != null && simcseSteps == 0) {
                err.println("note: --simcse without --simcse-steps: no SimCSE stage");
            }
            if (hardNegatives > 0) {
                pairs = new HardNegativeMiner(start, model, hardNegatives, seed).cacheDir(cacheDir)
                        .progressBar(!quiet).mine(pairs, source.beir);
            }
            BiEncoderTrainingResult r = new BiEncoderTrainer(start, opts).progressBar(!quiet)
                    .train(pairs, texts, output, checkpointDir, resume);
            print(out, r);
            return 0;
        } catch (CommandLine.ParameterException e) {
            throw e;
        } catch (IllegalArgumentException | UnsupportedModelException | IllegalStateException e) {
            // a refusal or a user error: one line, no stack trace (exit codes as in docs/cli.md)
            err.println("error: " + e.getMessage());
            err.flush();
            return 1;
        }
    }

    static ModelSpec resolve(String model) {
        Path dir = Path.of(model);
        if (Files.isDirectory(dir)) {
            return ModelSpec.fromDirectory(dir);
        }
        try {
            return Presets.byId(model);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--model " + model + " is neither a model directory nor a preset ("
                    + Presets.all().stream().map(ModelSpec::id).toList() + ")");
        }
    }

    private static void print(PrintWriter out, BiEncoderTrainingResult r) {
        out.printf(Locale.ROOT, "model written to %s%n", r.output());
        out.printf(Locale.ROOT, "%d steps, %d training pairs, %d validation pairs, %.1f s, %.2f pairs/s%n", r.steps(),
                r.trainPairs(), r.validationPairs(), r.seconds(), r.pairsPerSecond());
        if (!Double.isNaN(r.initialValidationLoss())) {
            out.printf(Locale.ROOT, "validation loss before training: %.4f%n", r.initialValidationLoss());
        }
        if (!Double.isNaN(r.simcseLoss())) {
            out.printf(Locale.ROOT, "SimCSE mean loss: %.4f%n", r.simcseLoss());
        }
        for (BiEncoderTrainingResult.Epoch e : r.epochs()) {
            out.printf(Locale.ROOT, "epoch %d: train loss %.4f, %s, %d steps, %.1f s%n", e.epoch(), e.trainLoss(),
                    Double.isNaN(e.validationLoss()) ? "no validation pairs"
                            : String.format(Locale.ROOT, "validation loss %.4f", e.validationLoss()), e.steps(), e.seconds());
        }
        out.flush();
    }
}
