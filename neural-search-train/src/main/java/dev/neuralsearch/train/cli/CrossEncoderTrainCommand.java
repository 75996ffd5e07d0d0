package dev.neuralsearch.train.cli;

import dev.neuralsearch.encoder.BiEncoder;
import dev.neuralsearch.encoder.ModelSpec;
import dev.neuralsearch.encoder.Presets;
import dev.neuralsearch.eval.BeirDataset;
import dev.neuralsearch.train.crossencoder.CrossEncoderData;
import dev.neuralsearch.train.crossencoder.CrossEncoderExample;
import dev.neuralsearch.train.crossencoder.CrossEncoderLoss;
import dev.neuralsearch.train.crossencoder.CrossEncoderTrainer;
import dev.neuralsearch.train.crossencoder.DistillData;
import dev.neuralsearch.eval.PseudoQueries;
import dev.neuralsearch.eval.TeacherFile;
import dev.neuralsearch.train.crossencoder.NegativeMiner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code nsearch train cross-encoder}: a reranker trained from a bi-encoder backbone, exported as an ONNX model
 * directory that {@code CrossEncoderReranker.load(dir)} and {@code nsearch eval --reranker dir} load.
 */
@Command(name = "cross-encoder", mixinStandardHelpOptions = true,
        description = {"Train a cross-encoder reranker (BERT backbone + a new hidden->1 head on the CLS state) on a "
                + "BEIR folder's qrels/train.tsv with negatives mined by a bi-encoder, or on a TSV of "
                + "query<TAB>positive<TAB>negative... rows; write an ONNX model directory the rerank module loads.",
                "Test queries (qrels/test.tsv) are refused in the training data."})
public final class CrossEncoderTrainCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(CrossEncoderTrainCommand.class);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--backbone", required = true, paramLabel = "<preset|dir>",
            description = "fp32 BERT bi-encoder to start from: a preset (bge-small-en-v1.5, all-minilm-l6-v2, ...) or a model directory")
    String backbone;

    @Option(names = "--beir", paramLabel = "<dir>", description = "BEIR folder: positives from qrels/<--split>.tsv, test queries refused")
    Path beir;

    @Option(names = "--split", defaultValue = "train", description = "qrels split to train on (default: ${DEFAULT-VALUE})")
    String split;

    @Option(names = "--pairs", paramLabel = "<tsv>", description = "query<TAB>positive<TAB>negative... rows instead of --beir mining")
    Path pairs;

    @Option(names = "--negatives-from", paramLabel = "<preset|dir>",
            description = "bi-encoder whose ranking of the corpus gives the negatives (default: the backbone)")
    String negativesFrom;

    @Option(names = "--instruction", description = "use the miner's query instruction (default: none, as eval --no-instruction)")
    boolean instruction;

    @Option(names = "--skip-top", defaultValue = "3", description = "top ranks never used as negatives, often unlabelled positives (default: ${DEFAULT-VALUE})")
    int skipTop;

    @Option(names = "--mine-depth", defaultValue = "50", description = "deepest rank used for negatives (default: ${DEFAULT-VALUE})")
    int depth;

    @Option(names = "--cache-dir", paramLabel = "<dir>", defaultValue = "target/eval-cache",
            description = "corpus-vector cache shared with nsearch eval (default: ${DEFAULT-VALUE})")
    Path cacheDir;

    @Option(names = "--output", required = true, paramLabel = "<dir>", description = "model directory to write")
    Path output;

    @Option(names = "--epochs", defaultValue = "1") int epochs;
    @Option(names = "--batch", defaultValue = "4", description = "queries per step (default: ${DEFAULT-VALUE})") int batch;
    @Option(names = "--negatives", defaultValue = "3", description = "negatives per positive (default: ${DEFAULT-VALUE})") int negatives;
    @Option(names = "--lr", defaultValue = "2e-5") float lr;
    @Option(names = "--warmup", defaultValue = "0.1", description = "warm-up share of the steps (default: ${DEFAULT-VALUE})") float warmup;
    @Option(names = "--weight-decay", defaultValue = "0.01", description = "AdamW weight decay, not on biases and LayerNorm (default: ${DEFAULT-VALUE})") float weightDecay;
    @Option(names = "--max-length", defaultValue = "256", description = "pair length in tokens (default: ${DEFAULT-VALUE})") int maxLength;
    @Option(names = "--seed", defaultValue = "42") long seed;
    @Option(names = "--validation", defaultValue = "0.1", description = "share of queries held out (default: ${DEFAULT-VALUE})") double validation;
    @Option(names = "--loss", description = "pairwise (margin ranking on sigmoid scores), bce, both; with --distill"
            + " listwise (KL of the teacher's and the student's softmax over a group) or margin-mse (default: pairwise,"
            + " listwise with --distill)") String loss;
    @Option(names = "--distill", paramLabel = "<jsonl>",
            description = "distil a teacher: the file `nsearch eval --pipeline F --split train --teacher-out` writes"
                    + " (each query's fused top candidates with scores; pseudo-queries included); needs --beir for the"
                    + " corpus. Groups of 1 + --negatives candidates are sampled from each query's list")
    Path distill;
    @Option(names = "--teacher-temperature", defaultValue = "1", paramLabel = "<T>",
            description = "listwise: the teacher's z-scored scores are divided by T before the softmax (default: ${DEFAULT-VALUE})")
    float teacherTemperature;
    @Option(names = "--margin", defaultValue = "0.1") float margin;
    @Option(names = "--max-steps", defaultValue = "0", description = "stop after this many steps (0: all epochs)") int maxSteps;
    @Option(names = "--save-every", defaultValue = "0", description = "also export every N steps (0: after each epoch)") int saveEvery;
    @Option(names = "--checkpoint-dir", paramLabel = "<dir>",
            description = "write resumable checkpoints here (weights, head, optimizer state) after each epoch, when --max-steps stops the run, and every --checkpoint-every steps")
    Path checkpointDir;
    @Option(names = "--checkpoint-every", defaultValue = "0", paramLabel = "<steps>",
            description = "also checkpoint every N steps (0: at epoch ends)") int checkpointEvery;
    @Option(names = "--resume", description = "continue from the checkpoint in --checkpoint-dir (same options, same data)") boolean resume;
    @Option(names = "--write-negatives", paramLabel = "<tsv>",
            description = "with --beir: write the mined (query, positive, negatives) rows to this TSV and stop (train later with --pairs)")
    Path writeNegatives;
    @Option(names = "--no-progress", description = "no progress bar") boolean noProgress;

    @Override
    public Integer call() {
        if (beir == null && pairs == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "give --beir <dir> or --pairs <tsv>");
        }
        if (writeNegatives != null && beir == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--write-negatives needs --beir");
        }
        if (resume && checkpointDir == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--resume needs --checkpoint-dir");
        }
        if (distill != null && (beir == null || pairs != null)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--distill needs --beir (the corpus) and no --pairs");
        }
        String lossName = loss != null ? loss : distill != null ? "listwise" : "pairwise";
        ModelSpec backboneSpec = spec(backbone);
        CrossEncoderTrainer.Options o;
        try {
            o = CrossEncoderTrainer.Options.defaults().withEpochs(epochs).withBatch(batch, negatives)
                    .withLearningRate(lr, warmup).withWeightDecay(weightDecay).withMaxLength(maxLength).withSeed(seed).withValidation(validation)
                    .withLoss(CrossEncoderLoss.Kind.parse(lossName), margin).withSteps(maxSteps, saveEvery)
                    .withCheckpointEvery(checkpointEvery).withTeacherTemperature(teacherTemperature);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        List<CrossEncoderExample> examples;
        if (distill != null) {
            BeirDataset train = BeirDataset.load(beir, split);
            examples = DistillData.fromTeacher(TeacherFile.read(distill), train, CrossEncoderData.testQueryIds(beir),
                    CrossEncoderData.testQueryTexts(beir));
            long pseudo = examples.stream().filter(e -> PseudoQueries.isPseudo(e.queryId())).count();
            LOG.info("distilling {}: {} queries ({} judged, {} pseudo-queries)", distill, examples.size(),
                    examples.size() - pseudo, pseudo);
        } else if (pairs != null) {
            Set<String> testTexts = beir != null ? CrossEncoderData.testQueryTexts(beir) : Set.of();
            examples = CrossEncoderData.fromTsv(pairs, testTexts);
        } else {
            BeirDataset train = BeirDataset.load(beir, split);
            Set<String> testIds = CrossEncoderData.testQueryIds(beir);
            CrossEncoderData.refuseTestQueries(train, testIds);
            String miner = negativesFrom != null ? negativesFrom : backbone;
            ModelSpec minerSpec = spec(miner);
            String passageId = minerSpec.id();
            if (!instruction) {
                minerSpec = minerSpec.withoutQueryPrefix();
            }
            long t0 = System.nanoTime();
            Map<String, List<String>> mined;
            try (BiEncoder encoder = BiEncoder.load(minerSpec);
                 ProgressBar bar = bar("encode corpus", train.corpus().size())) {
                mined = NegativeMiner.mine(train, encoder, miner, passageId, cacheDir, skipTop, depth,
                        (done, total) -> bar.stepTo(done));
            }
            LOG.info("negatives mined with {} for {} queries in {} s (ranks {}..{}, judged positives skipped)", miner,
                    mined.size(), String.format(Locale.ROOT, "%.1f", (System.nanoTime() - t0) / 1e9), skipTop + 1, depth);
            examples = CrossEncoderData.fromBeir(train, testIds, CrossEncoderData.testQueryTexts(beir), mined);
            if (writeNegatives != null) {
                CrossEncoderData.writeTsv(examples, writeNegatives);
                System.out.printf(Locale.ROOT, "%d training rows written to %s%n", examples.size(), writeNegatives);
                return 0;
            }
        }
        ProgressBar[] holder = new ProgressBar[1];
        CrossEncoderTrainer.Listener listener = new CrossEncoderTrainer.Listener() {
            @Override
            public void start(int totalSteps, int trainExamples, int validationExamples) {
                holder[0] = bar("train", totalSteps);
            }

            @Override
            public void step(int step, int totalSteps, float l, double pairsPerSecond, float learningRate) {
                holder[0].stepTo(step);
                holder[0].setExtraMessage(String.format(Locale.ROOT, " loss %.4f %.1f pairs/s", l, pairsPerSecond));
                LOG.debug("step {}/{} loss {} lr {} {} pairs/s", step, totalSteps, l, learningRate, pairsPerSecond);
            }

            @Override
            public void epoch(int epoch, double trainLoss, double validationLoss, double validationAccuracy) {
                LOG.info("epoch {}: train loss {}, validation loss {}, validation accuracy {}", epoch,
                        String.format(Locale.ROOT, "%.4f", trainLoss), String.format(Locale.ROOT, "%.4f", validationLoss),
                        String.format(Locale.ROOT, "%.3f", validationAccuracy));
            }

            @Override
            public void saved(Path dir, int step) {
                LOG.info("model directory written: {} (step {})", dir, step);
            }
        };
        CrossEncoderTrainer.Result r;
        try {
            r = CrossEncoderTrainer.train(backboneSpec, examples, o, output, listener, checkpointDir, resume);
        } finally {
            if (holder[0] != null) {
                holder[0].close();
            }
        }
        System.out.printf(Locale.ROOT, "cross-encoder written to %s: %d steps in %.1f s%s%n", r.output(), r.steps(),
                r.seconds(), r.validations().isEmpty() ? "" : String.format(Locale.ROOT,
                        "; validation loss %.4f -> %.4f, accuracy %.3f -> %.3f", r.initialValidation().loss(),
                        r.validations().get(r.validations().size() - 1).loss(), r.initialValidation().accuracy(),
                        r.validations().get(r.validations().size() - 1).accuracy()));
        return 0;
    }

    private ProgressBar bar(String task, long total) {
        ProgressBarBuilder b = new ProgressBarBuilder().setTaskName(task).setInitialMax(total)
                .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(1000).showSpeed();
        if (noProgress) {
            b.setConsumer(new me.tongfei.progressbar.ConsoleProgressBarConsumer(
                    new java.io.PrintStream(java.io.OutputStream.nullOutputStream())));
        }
        return b.build();
    }

    /** A preset id or a model directory. */
    static ModelSpec spec(String model) {
        Path dir = Path.of(model);
        if (Files.isDirectory(dir)) {
            return ModelSpec.fromDirectory(dir);
        }
        for (ModelSpec s : Presets.all()) {
            if (s.id().equalsIgnoreCase(model)) {
                return s;
            }
        }
        return Presets.byId(model); // names the known ones
    }
}
