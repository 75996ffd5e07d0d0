package dev.neuralsearch.train.bi;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.neuralsearch.encoder.ModelSource;
import dev.neuralsearch.encoder.ModelSpec;
import dev.neuralsearch.tokenize.TextTokenizer;
import dev.neuralsearch.train.AdamW;
import dev.neuralsearch.train.InBatchNegativesLoss;
import dev.neuralsearch.train.ModelDirectoryWriter;
import dev.neuralsearch.train.Torch;
import dev.neuralsearch.train.TrainingCheckpoint;
import dev.neuralsearch.train.bert.BertConfig;
import dev.neuralsearch.train.bert.BertModel;
import dev.neuralsearch.train.bert.BertWeights;
import dev.neuralsearch.train.bert.TokenBatch;
import dev.neuralsearch.train.onnx.OnnxModelFile;
import dev.neuralsearch.train.onnx.UnsupportedModelException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fine-tunes a bi-encoder (any fp32 BERT-family ONNX model the library loads) with in-batch negatives
 * ({@link InBatchNegativesLoss}: each query's positive is a negative for the other queries of the batch, plus any
 * hard negatives), optionally after a SimCSE stage on unlabelled texts (each text encoded twice in training mode,
 * dropout being the noise), and writes the result as a model directory ({@link ModelDirectoryWriter}) that
 * {@code BiEncoder.load(dir)} and {@code nsearch eval --model dir} load like a preset.
 *
 * <p>Texts get the model's prefixes ({@link ModelSpec#queryPrefix()} for queries, {@link ModelSpec#passagePrefix()}
 * for passages and SimCSE texts), so a model trained from a spec without a query instruction is served without
 * one. Vectors are pooled as the spec pools and normalized for the loss (cosine similarity, as
 * sentence-transformers' MultipleNegativesRankingLoss).
 *
 * <p>Optimizer: AdamW, linear warm-up over {@code warmupFraction} of each stage's steps, then linear decay to 0.
 * A batch never holds the same query or the same positive twice (it would be a false negative). A fraction of
 * the training queries (all their pairs) is held out for the validation loss after each epoch.
 *
 * <p>Deterministic under {@link BiEncoderTrainingOptions#seed()}: the validation split and each epoch's shuffle
 * use {@code Random}s seeded from it, and PyTorch's generator (dropout) is re-seeded before every step from the
 * seed and the step number, so a run resumed from a {@link TrainingCheckpoint} takes exactly the steps of an
 * uninterrupted one.
 */
public final class BiEncoderTrainer {
    private static final Logger LOG = LoggerFactory.getLogger(BiEncoderTrainer.class);
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final ModelSpec source;
    private final BiEncoderTrainingOptions options;
    private boolean progressBar = true;

    /**
     * @param source  the starting model: a preset or {@code ModelSpec.fromDirectory(dir)}; its prefixes, pooling
     *                and normalization are trained and kept
     * @param options the run's settings
     */
    public BiEncoderTrainer(ModelSpec source, BiEncoderTrainingOptions options) {
        this.source = Objects.requireNonNull(source, "source");
        this.options = Objects.requireNonNull(options, "options");
    }

    /** Shows (default) or hides the progress bar on stderr. */
    public BiEncoderTrainer progressBar(boolean on) {
        this.progressBar = on;
        return this;
    }

    public BiEncoderTrainingOptions options() {
        return options;
    }

    public ModelSpec source() {
        return source;
    }

    /** Held-out and training pairs. */
    public record Split(List<TrainingPair> train, List<TrainingPair> validation) {
    }

    /**
     * Holds out {@code fraction} of the queries (rounded, at least one when the fraction is &gt; 0 and there
     * are at least 10 queries) with all their pairs, chosen by a Random seeded with {@code seed}.
     */
    public static Split split(List<TrainingPair> pairs, double fraction, long seed) {
        List<String> groups = new ArrayList<>(new java.util.LinkedHashSet<>(pairs.stream().map(TrainingPair::queryId).toList()));
        int held = 0;
        if (fraction > 0 && groups.size() >= 10) {
            held = Math.max(2, (int) Math.round(groups.size() * fraction));
        }
        Collections.shuffle(groups, new Random(seed));
        Set<String> validation = new HashSet<>(groups.subList(0, held));
        List<TrainingPair> t = new ArrayList<>();
        List<TrainingPair> v = new ArrayList<>();
        for (TrainingPair p : pairs) {
            (validation.contains(p.queryId()) ? v : t).add(p);
        }
        return new Split(t, v);
    }

    /**
     * One epoch's batches: the pairs shuffled by {@code random}, then cut into batches of {@code size} in which no
     * query id and no positive occurs twice (a pair that would repeat one waits for the next batch). A last batch
     * of one pair without negatives is dropped (it has nothing to contrast with).
     */
    public static List<List<TrainingPair>> batches(List<TrainingPair> pairs, int size, Random random) {
        List<TrainingPair> shuffled = new ArrayList<>(pairs);
        Collections.shuffle(shuffled, random);
        Deque<TrainingPair> pending = new ArrayDeque<>(shuffled);
        List<List<TrainingPair>> out = new ArrayList<>();
        while (!pending.isEmpty()) {
            List<TrainingPair> batch = new ArrayList<>(size);
            Set<String> queries = new HashSet<>();
            Set<String> positives = new HashSet<>();
            List<TrainingPair> deferred = new ArrayList<>();
            while (batch.size() < size && !pending.isEmpty()) {
                TrainingPair p = pending.poll();
                if (queries.contains(p.queryId()) || positives.contains(p.positive())) {
                    deferred.add(p);
                } else {
                    batch.add(p);
                    queries.add(p.queryId());
                    positives.add(p.positive());
                }
            }
            for (int i = deferred.size() - 1; i >= 0; i--) {
                pending.addFirst(deferred.get(i));
            }
            if (batch.size() > 1 || !batch.get(0).negatives().isEmpty()) {
                out.add(batch);
            }
        }
        return out;
    }

    /** Learning rate at step {@code s} (0-based) of a stage of {@code total} steps: linear warm-up, linear decay. */
    static float learningRate(float peak, float warmupFraction, int s, int total) {
        int warmup = (int) Math.ceil(total * (double) warmupFraction - 1e-6); // 10 x 0.2f is 2.0000000298
        if (s < warmup) {
            return peak * (s + 1) / warmup;
        }
        return peak * (total - s) / (float) Math.max(1, total - warmup);
    }

    /**
     * Trains and writes the model directory.
     *
     * @param pairs         labelled pairs (the validation queries are split off here)
     * @param simcseTexts   unlabelled texts for the SimCSE stage (null or empty, or {@code simcseSteps} 0: none)
     * @param output        the model directory to write; must not exist or be empty, and its name (the new
     *                      model's id) must differ from the source's id
     * @param checkpointDir where checkpoints go (null: none)
     * @param resume        continue from the checkpoint in {@code checkpointDir} (when there is one)
     */
    public BiEncoderTrainingResult train(List<TrainingPair> pairs, List<String> simcseTexts, Path output,
                                         Path checkpointDir, boolean resume) {
        Objects.requireNonNull(pairs, "pairs");
        Objects.requireNonNull(output, "output");
        if (pairs.isEmpty()) {
            throw new TrainingDataException("no training pairs");
        }
        if (resume && checkpointDir == null) {
            throw new IllegalArgumentException("resume needs a checkpoint directory");
        }
        Path out = output.toAbsolutePath().normalize();
        checkOutput(out);
        lastCheckpointStep = -1;
        long t0 = System.nanoTime();
        OnnxModelFile onnx = OnnxModelFile.read(source.model());
        BertConfig config = source.model() instanceof ModelSource.File f && f.path().getParent() != null
                ? BertConfig.from(onnx, f.path().getParent()) : BertConfig.from(onnx);
        if (options.maxLength() > config.maxPositions()) {
            throw new IllegalArgumentException("max length " + options.maxLength() + " exceeds the model's "
                    + config.maxPositions() + " positions");
        }
        int simcseSteps = simcseTexts == null || simcseTexts.isEmpty() ? 0 : options.simcseSteps();
        if (options.simcseSteps() > 0 && simcseSteps == 0) {
            throw new TrainingDataException("SimCSE steps were asked for but no unlabelled texts were given");
        }
        Split split = split(pairs, options.validationFraction(), options.seed());
        List<List<List<TrainingPair>>> plan = new ArrayList<>();
        int pairSteps = 0;
        for (int e = 0; e < options.epochs(); e++) {
            List<List<TrainingPair>> b = batches(split.train(), options.batchSize(), new Random(options.seed() * 1_000_003L + e));
            plan.add(b);
            pairSteps += b.size();
        }
        if (pairSteps == 0) {
            throw new TrainingDataException("the training pairs give no batch (" + split.train().size()
                    + " pairs after holding out " + split.validation().size() + " for validation)");
        }
        long totalSteps = simcseSteps + (long) pairSteps;
        long stopAt = options.maxSteps() > 0 ? Math.min(totalSteps, options.maxSteps()) : totalSteps;
        LOG.info("training {} ({} layers, hidden {}) from {}: {} training pairs, {} validation pairs, {} SimCSE steps,"
                        + " {} pair steps ({} epochs x batch {}), max length {}, lr {}, seed {}",
                source.id(), config.layers(), config.hidden(), source.model().describe(), split.train().size(),
                split.validation().size(), simcseSteps, pairSteps, options.epochs(), options.batchSize(),
                options.maxLength(), options.learningRate(), options.seed());

        InBatchNegativesLoss loss = new InBatchNegativesLoss(options.scale());
        List<Float> stepLosses = new ArrayList<>();
        List<BiEncoderTrainingResult.Epoch> epochs = new ArrayList<>();
        double earlierSeconds = 0;
        long trainedItems = 0;
        double stepNanos = 0;
        try (TextTokenizer tokenizer = TextTokenizer.fromBytes(source.tokenizer().readAllBytes(), source.id(),
                options.maxLength());
             NDManager root = Torch.engine().newBaseManager();
             BertWeights weights = BertWeights.load(onnx, root)) {
            checkVocabulary(tokenizer, config);
            BertModel model = new BertModel(config, weights);
            weights.setTrainable(true);
            AdamW adam = new AdamW(weights, options.learningRate(), options.weightDecay());
            long step = 0;
            if (resume) {
                Optional<TrainingCheckpoint.Loaded<CheckpointState>> cp = TrainingCheckpoint.read(checkpointDir, CheckpointState.class);
                if (cp.isPresent()) {
                    CheckpointState s = cp.get().state();
                    if (!s.sourceModel().equals(source.id()) || !options.resumableFrom(s.options())) {
                        throw new IllegalArgumentException("checkpoint " + checkpointDir + " was written by another run ("
                                + s.sourceModel() + ", " + s.options() + "); this run: " + source.id() + ", " + options);
                    }
                    cp.get().weights().forEach(weights::set);
                    adam.restore(s.optimizerSteps(), cp.get().optimizer());
                    step = s.step();
                    stepLosses.addAll(s.stepLosses());
                    epochs.addAll(s.epochs());
                    earlierSeconds = s.seconds();
                    LOG.info("resumed from {} at step {} of {}", checkpointDir, step, totalSteps);
                } else {
                    LOG.info("no checkpoint in {}: starting from the beginning", checkpointDir);
                }
            }
            long firstStep = step;
            double initialValidation = Double.NaN;
            if (step == 0 && !split.validation().isEmpty()) {
                initialValidation = validationLoss(model, tokenizer, loss, root, split.validation());
                LOG.info(String.format(Locale.ROOT, "validation loss of the starting model: %.4f (%d pairs)",
                        initialValidation, split.validation().size()));
            }
            try (ProgressBar bar = bar(totalSteps, step)) {
                // SimCSE stage
                while (step < simcseSteps && step < stopAt) {
                    List<String> texts = simcseBatch(simcseTexts, (int) step);
                    adam.learningRate(learningRate(options.learningRate(), options.warmupFraction(), (int) step, simcseSteps));
                    long ts = System.nanoTime();
                    float l = simcseStep(model, tokenizer, loss, root, texts, step);
                    adam.step();
                    stepNanos += System.nanoTime() - ts;
                    trainedItems += texts.size();
                    stepLosses.add(l);
                    step++;
                    report(bar, step, totalSteps, l, adam.learningRate(), trainedItems, stepNanos, "simcse");
                    if (step == simcseSteps) {
                        adam.restore(0, Map.of()); // a fresh optimizer for the pair stage
                    }
                    maybeCheckpoint(checkpointDir, step, adam, weights, stepLosses, epochs, earlierSeconds, t0, false);
                }
                // pair stage
                long base = simcseSteps;
                for (int e = 0; e < plan.size() && step < stopAt; e++) {
                    List<List<TrainingPair>> batches = plan.get(e);
                    long epochStart = base;
                    long epochEnd = base + batches.size();
                    base = epochEnd;
                    if (step >= epochEnd) {
                        continue; // finished before the resume
                    }
                    long te = System.nanoTime();
                    while (step < epochEnd && step < stopAt) {
                        List<TrainingPair> batch = batches.get((int) (step - epochStart));
                        int s = (int) (step - simcseSteps);
                        adam.learningRate(learningRate(options.learningRate(), options.warmupFraction(), s, pairSteps));
                        long ts = System.nanoTime();
                        float l = pairStep(model, tokenizer, loss, root, batch, step);
                        adam.step();
                        stepNanos += System.nanoTime() - ts;
                        trainedItems += batch.size();
                        stepLosses.add(l);
                        step++;
                        report(bar, step, totalSteps, l, adam.learningRate(), trainedItems, stepNanos, "epoch " + (e + 1));
                        if (step < epochEnd) {
                            maybeCheckpoint(checkpointDir, step, adam, weights, stepLosses, epochs, earlierSeconds, t0, false);
                        }
                    }
                    if (step == epochEnd) {
                        double trainLoss = stepLosses.subList((int) epochStart, (int) epochEnd).stream()
                                .mapToDouble(Float::doubleValue).average().orElse(Double.NaN);
                        double val = validationLoss(model, tokenizer, loss, root, split.validation());
                        BiEncoderTrainingResult.Epoch done = new BiEncoderTrainingResult.Epoch(e + 1, trainLoss, val,
                                batches.size(), (System.nanoTime() - te) / 1e9);
                        epochs.add(done);
                        LOG.info(String.format(Locale.ROOT, "epoch %d: train loss %.4f, %s, %d steps, %.1f s", e + 1,
                                trainLoss, Double.isNaN(val) ? "no validation pairs"
                                        : String.format(Locale.ROOT, "validation loss %.4f (%d pairs)", val,
                                        split.validation().size()), batches.size(), done.seconds()));
                        maybeCheckpoint(checkpointDir, step, adam, weights, stepLosses, epochs, earlierSeconds, t0, true);
                    } else {
                        maybeCheckpoint(checkpointDir, step, adam, weights, stepLosses, epochs, earlierSeconds, t0, true);
                    }
                }
            }
            ModelSpec outSpec = source.withId(out.getFileName().toString());
            ModelDirectoryWriter.write(onnx, weights, config, outSpec, out);
            double seconds = (System.nanoTime() - t0) / 1e9;
            double rate = stepNanos > 0 ? trainedItems / (stepNanos / 1e9) : 0;
            BiEncoderTrainingResult result = new BiEncoderTrainingResult(out, step, split.train().size(),
                    split.validation().size(), initialValidation, List.copyOf(epochs), List.copyOf(stepLosses), earlierSeconds + seconds,
                    rate, simcseSteps == 0 ? Double.NaN
                    : stepLosses.subList(0, Math.min(simcseSteps, stepLosses.size())).stream()
                            .mapToDouble(Float::doubleValue).average().orElse(Double.NaN));
            writeTrainingRecord(out, result);
            LOG.info(String.format(Locale.ROOT, "wrote %s after %d steps in %.1f s (%.2f pairs/s, %.2f s/step)%s", out, step,
                    result.seconds(), rate, step > firstStep ? stepNanos / 1e9 / (step - firstStep) : 0.0, peakRss()));
            return result;
        }
    }

    /**
     * What a {@link TrainingCheckpoint} of this trainer records besides the tensors.
     *
     * @param step           optimizer steps done in total (SimCSE and pairs)
     * @param optimizerSteps AdamW's own step count (it restarts at the pair stage)
     * @param sourceModel    id of the model training started from
     * @param options        the run's options
     * @param stepLosses     loss of every step done
     * @param epochs         finished epochs of the pair stage
     * @param seconds        training time spent so far (all processes)
     */
    public record CheckpointState(long step, long optimizerSteps, String sourceModel, BiEncoderTrainingOptions options,
                                  List<Float> stepLosses, List<BiEncoderTrainingResult.Epoch> epochs, double seconds) {
    }

    private long lastCheckpointStep = -1;

    private void maybeCheckpoint(Path dir, long step, AdamW adam, BertWeights weights, List<Float> stepLosses,
                                 List<BiEncoderTrainingResult.Epoch> epochs, double earlierSeconds, long t0,
                                 boolean force) {
        if (dir == null || step == lastCheckpointStep) {
            return;
        }
        boolean due = options.checkpointEvery() > 0 && step % options.checkpointEvery() == 0;
        if (!due && !force) {
            return;
        }
        long tc = System.nanoTime();
        TrainingCheckpoint.write(dir, new CheckpointState(step, adam.steps(), source.id(), options,
                        List.copyOf(stepLosses), List.copyOf(epochs), earlierSeconds + (System.nanoTime() - t0) / 1e9),
                weights.toFloatArrays(), adam.state());
        lastCheckpointStep = step;
        LOG.info(String.format(Locale.ROOT, "checkpoint at step %d written to %s (%.1f s)", step, dir,
                (System.nanoTime() - tc) / 1e9));
    }

    private float pairStep(BertModel model, TextTokenizer tokenizer, InBatchNegativesLoss loss, NDManager root,
                           List<TrainingPair> batch, long step) {
        List<String> queries = new ArrayList<>(batch.size());
        List<String> candidates = new ArrayList<>(batch.size());
        for (TrainingPair p : batch) {
            queries.add(source.queryPrefix() + p.query());
            candidates.add(source.passagePrefix() + p.positive());
        }
        for (TrainingPair p : batch) {
            for (String n : p.negatives()) {
                candidates.add(source.passagePrefix() + n);
            }
        }
        TokenBatch q = TokenBatch.of(tokenizer.encodeAll(queries));
        TokenBatch c = TokenBatch.of(tokenizer.encodeAll(candidates));
        Torch.seed(Torch.stepSeed(options.seed(), step));
        try (NDManager m = root.newSubManager(); GradientCollector gc = Torch.engine().newGradientCollector()) {
            NDArray l = loss.compute(model.encode(m, q, source.pooling(), true, true),
                    model.encode(m, c, source.pooling(), true, true));
            float value = l.getFloat();
            checkFinite(value, step);
            gc.backward(l);
            return value;
        }
    }

    private float simcseStep(BertModel model, TextTokenizer tokenizer, InBatchNegativesLoss loss, NDManager root,
                             List<String> texts, long step) {
        List<String> prefixed = texts.stream().map(t -> source.passagePrefix() + t).toList();
        TokenBatch b = TokenBatch.of(tokenizer.encodeAll(prefixed));
        Torch.seed(Torch.stepSeed(options.seed(), step));
        try (NDManager m = root.newSubManager(); GradientCollector gc = Torch.engine().newGradientCollector()) {
            // the same texts twice through the model in training mode: two dropout masks, two views
            NDArray a = model.encode(m, b, source.pooling(), true, true);
            NDArray c = model.encode(m, b, source.pooling(), true, true);
            NDArray l = loss.compute(a, c);
            float value = l.getFloat();
            checkFinite(value, step);
            gc.backward(l);
            return value;
        }
    }

    /** SimCSE batch of step {@code k}: consecutive texts of per-pass shuffles, duplicates within a batch dropped. */
    private List<String> simcseBatch(List<String> texts, int k) {
        int n = texts.size();
        List<String> out = new ArrayList<>(options.batchSize());
        Set<String> seen = new HashSet<>();
        int cachedPass = -1;
        List<Integer> perm = null;
        for (long pos = (long) k * options.batchSize(); pos < (long) (k + 1) * options.batchSize(); pos++) {
            int pass = (int) (pos / n);
            if (pass != cachedPass) {
                perm = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    perm.add(i);
                }
                Collections.shuffle(perm, new Random(options.seed() * 7_919L + pass + 0x5C5EL));
                cachedPass = pass;
            }
            String t = texts.get(perm.get((int) (pos % n)));
            if (seen.add(t)) {
                out.add(t);
            }
        }
        return out;
    }

    /** Mean in-batch loss over the validation pairs in batches of the training size, without dropout. */
    private double validationLoss(BertModel model, TextTokenizer tokenizer, InBatchNegativesLoss loss, NDManager root,
                                  List<TrainingPair> validation) {
        if (validation.size() < 2) {
            return Double.NaN;
        }
        List<List<TrainingPair>> batches = batches(validation, options.batchSize(), new Random(options.seed()));
        double sum = 0;
        int n = 0;
        for (List<TrainingPair> batch : batches) {
            List<String> queries = batch.stream().map(p -> source.queryPrefix() + p.query()).toList();
            List<String> candidates = new ArrayList<>();
            batch.forEach(p -> candidates.add(source.passagePrefix() + p.positive()));
            batch.forEach(p -> p.negatives().forEach(x -> candidates.add(source.passagePrefix() + x)));
            try (NDManager m = root.newSubManager()) {
                float l = loss.compute(
                        model.encode(m, TokenBatch.of(tokenizer.encodeAll(queries)), source.pooling(), true, false),
                        model.encode(m, TokenBatch.of(tokenizer.encodeAll(candidates)), source.pooling(), true, false))
                        .getFloat();
                sum += l * batch.size();
                n += batch.size();
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    private static void checkFinite(float value, long step) {
        if (!Float.isFinite(value)) {
            throw new IllegalStateException("the loss is " + value + " at step " + (step + 1)
                    + " (learning rate too high?)");
        }
    }

    private void report(ProgressBar bar, long step, long total, float loss, float lr, long items, double nanos,
                        String stage) {
        double rate = nanos > 0 ? items / (nanos / 1e9) : 0;
        String msg = String.format(Locale.ROOT, "%s loss %.4f, %.2f pairs/s", stage, loss, rate);
        bar.stepTo(step);
        bar.setExtraMessage(msg);
        String line = String.format(Locale.ROOT, "step %d/%d %s: loss %.4f, lr %.3g, %.2f pairs/s", step, total, stage,
                loss, lr, rate);
        if (progressBar) {
            LOG.debug(line); // the bar shows it
        } else {
            LOG.info(line);
        }
    }

    private ProgressBar bar(long total, long start) {
        ProgressBarBuilder b = new ProgressBarBuilder().setTaskName("train").setInitialMax(total)
                .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(1000).setUnit(" steps", 1)
                .startsFrom(start, java.time.Duration.ZERO).continuousUpdate();
        b.setConsumer(progressBar ? new ConsoleProgressBarConsumer(System.err) : new DelegatingProgressBarConsumer(s -> { }));
        return b.build();
    }

    /** Refuses a tokenizer whose vocabulary is not the model's embedding table. */
    static void checkVocabulary(TextTokenizer tokenizer, BertConfig config) {
        if (tokenizer.vocabularySize() != config.vocabSize()) {
            throw new UnsupportedModelException("the tokenizer (" + tokenizer.name() + ") has "
                    + tokenizer.vocabularySize() + " tokens but the model's word embedding table has "
                    + config.vocabSize() + " rows: they do not belong together");
        }
    }

    private void checkOutput(Path out) {
        if (out.getFileName().toString().equals(source.id())) {
            throw new IllegalArgumentException("the output directory's name is the model id; '" + source.id()
                    + "' is the source model's id: choose another name for " + out);
        }
        if (Files.isDirectory(out)) {
            try (Stream<Path> s = Files.list(out)) {
                if (s.findAny().isPresent()) {
                    throw new IllegalArgumentException("output directory " + out + " exists and is not empty");
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        } else if (Files.exists(out)) {
            throw new IllegalArgumentException("output " + out + " exists and is not a directory");
        }
    }

    private void writeTrainingRecord(Path out, BiEncoderTrainingResult result) {
        Map<String, Object> rec = new LinkedHashMap<>();
        rec.put("sourceModel", source.id());
        rec.put("options", options);
        rec.put("result", result);
        try {
            Files.write(out.resolve("training.json"), JSON.writeValueAsBytes(rec));
        } catch (IOException e) {
            LOG.warn("could not write {}: {}", out.resolve("training.json"), e.toString());
        }
    }

    /** ", peak RSS x GiB" from /proc (Linux), else "". */
    static String peakRss() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    long kb = Long.parseLong(line.replaceAll("[^0-9]", ""));
                    return String.format(Locale.ROOT, ", peak RSS %.2f GiB", kb / 1024.0 / 1024.0);
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // not Linux
        }
        return "";
    }
}
