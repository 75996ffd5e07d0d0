package dev.neuralsearch.train.crossencoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.neuralsearch.encoder.ModelSource;
import dev.neuralsearch.encoder.ModelSpec;
import dev.neuralsearch.tokenize.TextTokenizer;
import dev.neuralsearch.tokenize.TokenizedText;
import dev.neuralsearch.train.AdamW;
import dev.neuralsearch.train.Torch;
import dev.neuralsearch.train.TrainingCheckpoint;
import dev.neuralsearch.train.bert.BertConfig;
import dev.neuralsearch.train.bert.BertModel;
import dev.neuralsearch.train.bert.BertWeights;
import dev.neuralsearch.train.bert.TokenBatch;
import dev.neuralsearch.train.onnx.OnnxModelFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains a {@link CrossEncoderModel} on (query, positive, negatives) examples and exports it with
 * {@link CrossEncoderExporter}.
 *
 * <p>A step takes {@link Options#queriesPerBatch()} examples; each contributes its positive and
 * {@link Options#negativesPerPositive()} negatives sampled (without replacement) from its pool, so a step scores
 * {@code queriesPerBatch * (1 + negatives)} pairs in one padded batch. {@link AdamW} (betas 0.9/0.999, decoupled
 * weight decay, not on biases and LayerNorm) with a learning rate that rises linearly over the warm-up steps and
 * then falls linearly to zero at the last step of the last epoch. Validation: a seeded fraction of the query ids
 * (all their examples) is held out; before training and after each epoch the trainer reports their loss (no
 * dropout, fixed negatives: the first of each pool) and the share of groups where the positive outscores every
 * negative. The model directory is written after each epoch (and every {@link Options#saveEverySteps()} steps
 * when set), so an interrupted run leaves its last export.
 *
 * <p>Determinism and resuming: the epoch order is shuffled from the seed and the epoch number, the negatives of a
 * step are sampled and its dropout drawn from the seed and the step number ({@link Torch#stepSeed}), so a run
 * resumed from a {@link TrainingCheckpoint} (weights, head, AdamW moments, losses so far) takes exactly the steps
 * of an uninterrupted one.
 */
public final class CrossEncoderTrainer {
    private static final Logger LOG = LoggerFactory.getLogger(CrossEncoderTrainer.class);
    /**
     * A step whose loss or gradients are not finite is skipped (no update); this many in a row stop the run. Seen on
     * 2026-11-28: one bge run stopped with a NaN loss near step 40 that the same steps resumed from a checkpoint did
     * not reproduce.
     */
    static final int MAX_CONSECUTIVE_SKIPS = 3;

    /**
     * Training options.
     *
     * @param epochs              passes over the training examples
     * @param queriesPerBatch     examples (query + positive) per step
     * @param negativesPerPositive negatives scored next to each positive
     * @param learningRate        peak learning rate (2e-5)
     * @param warmupFraction      share of the steps spent warming up (0.1)
     * @param weightDecay         AdamW decoupled weight decay (0.01; not on biases and LayerNorm)
     * @param maxLength           pair length in tokens (query kept, passage cut)
     * @param seed                seeds the head, the sampling, the split and dropout
     * @param validationFraction  share of query ids held out (0 for none)
     * @param loss                loss kind
     * @param margin              pairwise margin on sigmoid scores
     * @param maxSteps            stop after this many steps (0: all epochs); the schedule stays that of all epochs,
     *                            so a stopped run can be resumed
     * @param saveEverySteps      also export every this many steps (0: only after each epoch)
     * @param checkpointEvery     with a checkpoint directory: also write a checkpoint every this many steps (0: after
     *                            each epoch and when stopping early)
     * @param teacherTemperature  distillation: the teacher's scores (z-scored per query) are divided by this before
     *                            the softmax of the listwise loss (1)
     */
    public record Options(int epochs, int queriesPerBatch, int negativesPerPositive, float learningRate,
                          float warmupFraction, float weightDecay, int maxLength, long seed, double validationFraction,
                          CrossEncoderLoss.Kind loss, float margin, int maxSteps, int saveEverySteps,
                          int checkpointEvery, float teacherTemperature) {
        public Options {
            if (epochs < 1 || queriesPerBatch < 1 || negativesPerPositive < 1) {
                throw new IllegalArgumentException("epochs, queries per batch and negatives must be >= 1");
            }
            if (!(learningRate > 0) || !(warmupFraction >= 0 && warmupFraction < 1)) {
                throw new IllegalArgumentException("learning rate must be > 0 and warm-up fraction in [0, 1)");
            }
            if (!(weightDecay >= 0 && weightDecay < 1)) {
                throw new IllegalArgumentException("weight decay must be in [0, 1), was " + weightDecay);
            }
            if (maxLength < 8) {
                throw new IllegalArgumentException("max length must be >= 8, was " + maxLength);
            }
            if (!(validationFraction >= 0 && validationFraction < 1)) {
                throw new IllegalArgumentException("validation fraction must be in [0, 1), was " + validationFraction);
            }
            Objects.requireNonNull(loss, "loss");
            if (!(teacherTemperature > 0)) {
                throw new IllegalArgumentException("teacher temperature must be > 0, was " + teacherTemperature);
            }
            if (maxSteps < 0 || saveEverySteps < 0 || checkpointEvery < 0) {
                throw new IllegalArgumentException("max steps, save interval and checkpoint interval must be >= 0");
            }
        }

        /**
         * 1 epoch, 4 queries x (1 + 3 negatives), lr 2e-5, 10% warm-up, weight decay 0.01, 256 tokens, seed 42,
         * 10% validation, pairwise, teacher temperature 1.
         */
        public static Options defaults() {
            return new Options(1, 4, 3, 2e-5f, 0.1f, 0.01f, 256, 42, 0.1, CrossEncoderLoss.Kind.PAIRWISE,
                    CrossEncoderLoss.DEFAULT_MARGIN, 0, 0, 0, 1f);
        }

        public Options withEpochs(int e) {
            return new Options(e, queriesPerBatch, negativesPerPositive, learningRate, warmupFraction, weightDecay,
                    maxLength, seed, validationFraction, loss, margin, maxSteps, saveEverySteps, checkpointEvery,
                    teacherTemperature);
        }

        public Options withBatch(int queries, int negatives) {
            return new Options(epochs, queries, negatives, learningRate, warmupFraction, weightDecay, maxLength, seed,
                    validationFraction, loss, margin, maxSteps, saveEverySteps, checkpointEvery, teacherTemperature);
        }

        public Options withLearningRate(float lr, float warmup) {
            return new Options(epochs, queriesPerBatch, negativesPerPositive, lr, warmup, weightDecay, maxLength, seed,
                    validationFraction, loss, margin, maxSteps, saveEverySteps, checkpointEvery, teacherTemperature);
        }

        public Options withWeightDecay(float wd) {
            return new Options(epochs, queriesPerBatch, negativesPerPositive, learningRate, warmupFraction, wd,
                    maxLength, seed, validationFraction, loss, margin, maxSteps, saveEverySteps, checkpointEvery,
                    teacherTemperature);
        }

        public Options withMaxLength(int tokens) {
            return new Options(epochs, queriesPerBatch, negativesPerPositive, learningRate, warmupFraction, weightDecay,
                    tokens, seed, validationFraction, loss, margin, maxSteps, saveEverySteps, checkpointEvery,
                    teacherTemperature);
        }

        public Options withSeed(long s) {
            return new Options(epochs, queriesPerBatch, negativesPerPositive, learningRate, warmupFraction, weightDecay,
                    maxLength, s, validationFraction, loss, margin, maxSteps, saveEverySteps, checkpointEvery,
                    teacherTemperature);
        }

        public Options withValidation(double fraction) {
            return new Options(epochs, queriesPerBatch, negativesPerPositive, learningRate, warmupFraction, weightDecay,
                    maxLength, seed, fraction, loss, margin, maxSteps, saveEverySteps, checkpointEvery,
                    teacherTemperature);
        }

        public Options withLoss(CrossEncoderLoss.Kind kind, float m) {
            return new Options(epochs, queriesPerBatch, negativesPerPositive, learningRate, warmupFraction, weightDecay,
                    maxLength, seed, validationFraction, kind, m, maxSteps, saveEverySteps, checkpointEvery,
                    teacherTemperature);
        }

        public Options withSteps(int max, int saveEvery) {
            return new Options(epochs, queriesPerBatch, negativesPerPositive, learningRate, warmupFraction, weightDecay,
                    maxLength, seed, validationFraction, loss, margin, max, saveEvery, checkpointEvery,
                    teacherTemperature);
        }

        public Options withCheckpointEvery(int steps) {
            return new Options(epochs, queriesPerBatch, negativesPerPositive, learningRate, warmupFraction, weightDecay,
                    maxLength, seed, validationFraction, loss, margin, maxSteps, saveEverySteps, steps,
                    teacherTemperature);
        }

        public Options withTeacherTemperature(float t) {
            return new Options(epochs, queriesPerBatch, negativesPerPositive, learningRate, warmupFraction, weightDecay,
                    maxLength, seed, validationFraction, loss, margin, maxSteps, saveEverySteps, checkpointEvery, t);
        }

        /** Whether a checkpoint written under {@code other} can be continued with these options (all that shapes the steps equal). */
        public boolean resumableFrom(Options other) {
            return withSteps(0, 0).withCheckpointEvery(0).equals(other.withSteps(0, 0).withCheckpointEvery(0));
        }
    }

    /** Hears about steps and epochs (progress bars, logs). */
    public interface Listener {
        Listener NONE = new Listener() {
        };

        /** Before the first step. */
        default void start(int totalSteps, int trainExamples, int validationExamples) {
        }

        /** After each step: its loss and scored pairs per second. */
        default void step(int step, int totalSteps, float loss, double pairsPerSecond, float learningRate) {
        }

        /** After each epoch's validation (NaN without a validation set). */
        default void epoch(int epoch, double trainLoss, double validationLoss, double validationAccuracy) {
        }

        /** After an export. */
        default void saved(Path dir, int step) {
        }
    }

    /** Validation figures: mean loss and the share of groups whose positive outscores every negative. */
    public record Validation(double loss, double accuracy, int groups) {
    }

    /** What a run did. */
    public record Result(Path output, int steps, double seconds, List<Float> stepLosses, List<Validation> validations,
                         Validation initialValidation) {
    }

    private CrossEncoderTrainer() {
    }

    /**
     * What a {@link TrainingCheckpoint} of this trainer records besides the tensors (backbone, head, AdamW moments).
     *
     * @param step              steps done
     * @param optimizerSteps    AdamW's step count
     * @param backbone          id of the backbone model
     * @param options           the run's options
     * @param stepLosses        loss of every step done
     * @param validations       validation after each finished epoch
     * @param initialValidation validation before training (null without a validation set)
     * @param seconds           training time spent so far (all processes)
     */
    public record CheckpointState(int step, long optimizerSteps, String backbone, Options options, List<Float> stepLosses,
                                  List<Validation> validations, Validation initialValidation, double seconds) {
    }

    /** Trains a cross-encoder on {@code backbone} (an fp32 BERT bi-encoder) and writes it to {@code output}; no checkpoints. */
    public static Result train(ModelSpec backbone, List<CrossEncoderExample> examples, Options o, Path output,
                               Listener listener) {
        return train(backbone, examples, o, output, listener, null, false);
    }

    /**
     * Trains a cross-encoder on {@code backbone} (an fp32 BERT bi-encoder) and writes it to {@code output}.
     *
     * @param checkpointDir where checkpoints go (null: none): after each epoch, every
     *                      {@link Options#checkpointEvery()} steps, and when {@link Options#maxSteps()} stops the run
     * @param resume        continue from the checkpoint in {@code checkpointDir} (when there is one)
     */
    public static Result train(ModelSpec backbone, List<CrossEncoderExample> examples, Options o, Path output,
                               Listener listener, Path checkpointDir, boolean resume) {
        Objects.requireNonNull(backbone, "backbone");
        Objects.requireNonNull(output, "output");
        Listener ls = listener == null ? Listener.NONE : listener;
        if (examples.isEmpty()) {
            throw new IllegalArgumentException("no training examples");
        }
        if (resume && checkpointDir == null) {
            throw new IllegalArgumentException("resume needs a checkpoint directory");
        }
        OnnxModelFile onnx = OnnxModelFile.read(backbone.model());
        BertConfig config = backbone.model() instanceof ModelSource.File f && f.path().getParent() != null
                ? BertConfig.from(onnx, f.path().getParent()) : BertConfig.from(onnx);
        if (o.maxLength() > config.maxPositions()) {
            throw new IllegalArgumentException("max length " + o.maxLength() + " exceeds the backbone's "
                    + config.maxPositions() + " positions");
        }
        byte[] tokenizerJson = backbone.tokenizer().readAllBytes();

        CrossEncoderLoss.Kind kind = o.loss();
        if (kind.distills() && examples.stream().anyMatch(e -> e.teacher() == null)) {
            throw new IllegalArgumentException(kind + " distils teacher scores: train on --distill data");
        }
        // Validation split by query id, seeded. Pseudo-queries are never held out: the held-out queries are judged
        // ones, on which the rerank depth and mix can be chosen afterwards (they are written to training.json).
        List<String> queryIds = new ArrayList<>(new LinkedHashSet<>(examples.stream().map(CrossEncoderExample::queryId)
                .filter(id -> !dev.neuralsearch.eval.PseudoQueries.isPseudo(id)).toList()));
        Collections.shuffle(queryIds, new Random(o.seed()));
        int nVal = (int) Math.floor(queryIds.size() * o.validationFraction());
        Set<String> valIds = Set.copyOf(queryIds.subList(0, nVal));
        List<String> valOrder = List.copyOf(queryIds.subList(0, nVal));
        queryIds = new ArrayList<>(new LinkedHashSet<>(examples.stream().map(CrossEncoderExample::queryId).toList()));
        List<CrossEncoderExample> train = new ArrayList<>();
        List<CrossEncoderExample> val = new ArrayList<>();
        for (CrossEncoderExample e : examples) {
            (valIds.contains(e.queryId()) ? val : train).add(e);
        }
        if (train.isEmpty()) {
            throw new IllegalArgumentException("no training examples left after holding out " + nVal + " queries");
        }
        int perEpoch = (train.size() + o.queriesPerBatch() - 1) / o.queriesPerBatch();
        final int scheduleSteps = o.epochs() * perEpoch;
        final int stopAt = o.maxSteps() > 0 ? Math.min(scheduleSteps, o.maxSteps()) : scheduleSteps;
        int warmup = Math.round(o.warmupFraction() * scheduleSteps);
        LOG.info("cross-encoder training on {}: {} train examples ({} queries), {} validation examples ({} queries), "
                + "{} steps of {} x (1 + {}) pairs at {} tokens, {} loss", backbone.id(), train.size(),
                queryIds.size() - nVal, val.size(), nVal, stopAt, o.queriesPerBatch(), o.negativesPerPositive(),
                o.maxLength(), o.loss());

        CrossEncoderLoss loss = new CrossEncoderLoss(o.loss(), o.margin(), o.teacherTemperature());
        int group = 1 + o.negativesPerPositive();
        long t0 = System.nanoTime();
        List<Float> stepLosses = new ArrayList<>();
        List<Validation> validations = new ArrayList<>();
        Torch.seed((int) o.seed());
        try (TextTokenizer tokenizer = TextTokenizer.fromBytes(tokenizerJson, backbone.id(), o.maxLength());
             NDManager root = Torch.engine().newBaseManager();
             BertWeights weights = BertWeights.load(onnx, root)) {
            CrossEncoderModel model = CrossEncoderModel.withNewHead(new BertModel(config, weights), o.seed());
            model.setTrainable(true);
            AdamW adam = new AdamW(model, o.learningRate(), o.weightDecay());
            int done = 0;
            double earlierSeconds = 0;
            Validation initial = null;
            if (resume) {
                Optional<TrainingCheckpoint.Loaded<CheckpointState>> cp =
                        TrainingCheckpoint.read(checkpointDir, CheckpointState.class);
                if (cp.isPresent()) {
                    CheckpointState s = cp.get().state();
                    if (!s.backbone().equals(backbone.id()) || !o.resumableFrom(s.options())) {
                        throw new IllegalArgumentException("checkpoint " + checkpointDir + " was written by another run ("
                                + s.backbone() + ", " + s.options() + "); this run: " + backbone.id() + ", " + o);
                    }
                    cp.get().weights().forEach(model::set);
                    adam.restore(s.optimizerSteps(), cp.get().optimizer());
                    done = s.step();
                    stepLosses.addAll(s.stepLosses());
                    validations.addAll(s.validations());
                    initial = s.initialValidation();
                    earlierSeconds = s.seconds();
                    LOG.info("resumed from {} at step {} of {}", checkpointDir, done, stopAt);
                } else {
                    LOG.info("no checkpoint in {}: starting from the beginning", checkpointDir);
                }
            }
            if (done == 0 && !val.isEmpty()) {
                initial = validate(model, tokenizer, val, loss, group, o);
                LOG.info("validation before training: loss {}, accuracy {}", String.format("%.4f", initial.loss()),
                        String.format("%.3f", initial.accuracy()));
            }
            ls.start(stopAt, train.size(), val.size());
            Run run = new Run(backbone.id(), o, checkpointDir, earlierSeconds, t0, stepLosses, validations, initial,
                    valOrder);
            int step = 0;
            int consecutiveSkips = 0;
            for (int epoch = 1; epoch <= o.epochs() && step < stopAt; epoch++) {
                int epochStart = step;
                int epochEnd = Math.min(stopAt, step + perEpoch);
                if (epochEnd <= done && (epochEnd - epochStart == perEpoch)) {
                    step = epochEnd; // finished (and validated) before the resume
                    continue;
                }
                List<CrossEncoderExample> order = new ArrayList<>(train);
                Collections.shuffle(order, new Random(o.seed() * 31 + epoch));
                for (int from = 0; from < order.size() && step < stopAt; from += o.queriesPerBatch()) {
                    step++;
                    if (step <= done) {
                        continue; // taken before the resume
                    }
                    List<CrossEncoderExample> batch = order.subList(from, Math.min(order.size(), from + o.queriesPerBatch()));
                    long s0 = System.nanoTime();
                    adam.learningRate(learningRate(o.learningRate(), warmup, scheduleSteps, step));
                    float l = step(model, tokenizer, batch, loss, group, Torch.stepSeed(o.seed(), step), adam);
                    stepLosses.add(l);
                    consecutiveSkips = Float.isFinite(l) ? 0 : consecutiveSkips + 1;
                    if (consecutiveSkips >= MAX_CONSECUTIVE_SKIPS) {
                        throw new IllegalStateException(MAX_CONSECUTIVE_SKIPS + " consecutive steps (up to step " + step
                                + ") had a non-finite loss or gradients; stopping (lower --lr, or resume from the last"
                                + " checkpoint)");
                    }
                    double secs = (System.nanoTime() - s0) / 1e9;
                    ls.step(step, stopAt, l, batch.size() * group / secs, adam.learningRate());
                    if (o.saveEverySteps() > 0 && step % o.saveEverySteps() == 0 && step < stopAt) {
                        export(model, onnx, config, tokenizerJson, run, output, step);
                        ls.saved(output, step);
                    }
                    if (o.checkpointEvery() > 0 && step % o.checkpointEvery() == 0 && step < epochEnd) {
                        run.checkpoint(model, adam, step);
                    }
                }
                boolean fullEpoch = step - epochStart == perEpoch;
                Validation v = val.isEmpty() ? null : validate(model, tokenizer, val, loss, group, o);
                if (v != null && fullEpoch) {
                    validations.add(v);
                }
                double trainLoss = stepLosses.subList(epochStart, step).stream().mapToDouble(Float::doubleValue)
                        .filter(Double::isFinite).average().orElse(Double.NaN);
                ls.epoch(epoch, trainLoss, v == null ? Double.NaN : v.loss(), v == null ? Double.NaN : v.accuracy());
                export(model, onnx, config, tokenizerJson, run, output, step);
                ls.saved(output, step);
                run.checkpoint(model, adam, step);
            }
            return new Result(output.toAbsolutePath().normalize(), step, run.seconds(), List.copyOf(stepLosses),
                    List.copyOf(validations), initial);
        }
    }

    /** The state of one run that exports and checkpoints need. */
    private record Run(String backbone, Options options, Path checkpointDir, double earlierSeconds, long t0,
                       List<Float> stepLosses, List<Validation> validations, Validation initial,
                       List<String> validationQueries) {
        double seconds() {
            return earlierSeconds + (System.nanoTime() - t0) / 1e9;
        }

        void checkpoint(CrossEncoderModel model, AdamW adam, int step) {
            if (checkpointDir == null) {
                return;
            }
            long tc = System.nanoTime();
            Map<String, float[]> values = new LinkedHashMap<>();
            model.parameters().forEach((k, a) -> values.put(k, a.toFloatArray()));
            TrainingCheckpoint.write(checkpointDir, new CheckpointState(step, adam.steps(), backbone, options,
                    List.copyOf(stepLosses), List.copyOf(validations), initial, seconds()), values, adam.state());
            LOG.info(String.format(Locale.ROOT, "checkpoint at step %d written to %s (%.1f s)", step, checkpointDir,
                    (System.nanoTime() - tc) / 1e9));
        }
    }

    /** Warm-up from 0 to {@code peak} over {@code warmup} steps, then linear decay to 0 at {@code total}. Steps are 1-based. */
    static float learningRate(float peak, int warmup, int total, int step) {
        if (warmup > 0 && step <= warmup) {
            return peak * step / warmup;
        }
        int decay = Math.max(1, total - warmup);
        return peak * Math.max(0f, (float) (total - step + 1) / decay);
    }

    /**
     * One optimizer step on a batch of examples; returns the loss before the update. The negatives are sampled and
     * the dropout drawn from {@code stepSeed} ({@code -1}: no sampling, the first negatives of each pool, and the
     * engine's current random state). When the loss or a gradient is not finite the update is skipped (the
     * gradients are cleared, the weights and the optimizer state stay as they were) and NaN is returned.
     */
    static float step(CrossEncoderModel model, TextTokenizer tokenizer, List<CrossEncoderExample> batch,
                      CrossEncoderLoss loss, int group, int stepSeed, AdamW optimizer) {
        List<TokenizedText> texts = new ArrayList<>();
        float[] teacher = pairs(tokenizer, batch, group, stepSeed < 0 ? null : new Random(stepSeed), texts);
        TokenBatch tokens = TokenBatch.of(texts);
        if (stepSeed >= 0) {
            Torch.seed(stepSeed);
        }
        float value;
        NDManager root = model.weights().manager().getParentManager();
        try (NDManager bm = root.newSubManager(); GradientCollector gc = Torch.engine().newGradientCollector()) {
            NDArray logits = model.scores(bm, tokens, true);
            NDArray l = loss.compute(logits, group, teacher == null ? null : bm.create(teacher));
            gc.backward(l);
            value = l.getFloat();
        }
        List<String> bad = Float.isFinite(value) ? nonFiniteGradients(model) : List.of();
        if (!Float.isFinite(value) || !bad.isEmpty()) {
            LOG.warn("non-finite {} at this step (loss {}{}): the update is skipped", Float.isFinite(value) ? "gradients"
                    : "loss", value, bad.isEmpty() ? "" : ", gradients of " + bad.size() + " parameters, e.g. "
                    + bad.subList(0, Math.min(5, bad.size())));
            model.zeroGradients();
            return Float.NaN;
        }
        optimizer.step(); // updates every parameter, head included, then zeroes the gradients
        return value;
    }

    /** Names of the parameters whose gradient holds a NaN or an infinity. */
    static List<String> nonFiniteGradients(CrossEncoderModel model) {
        List<String> bad = new ArrayList<>();
        try (NDManager tmp = model.manager().newSubManager()) {
            for (Map.Entry<String, NDArray> e : model.parameters().entrySet()) {
                NDArray g = e.getValue().getGradient();
                g.attach(tmp); // the handle and the intermediates below close with tmp; the gradient stays
                if (!Float.isFinite(g.abs().sum().getFloat())) {
                    bad.add(e.getKey());
                }
            }
        }
        return bad;
    }

    /** Tokenized groups: per example its positive, then negatives (sampled when {@code sampler} is set, else the first ones). */
    static List<TokenizedText> pairs(TextTokenizer tokenizer, List<CrossEncoderExample> batch, int group, Random sampler) {
        List<TokenizedText> out = new ArrayList<>();
        pairs(tokenizer, batch, group, sampler, out);
        return out;
    }

    /**
     * As above, into {@code out}; returns the teacher scores of the pairs (null when the examples have none). A
     * distillation group is {@code group} of the example's candidates (positive and negatives alike) drawn without
     * replacement when {@code sampler} is set, else the first {@code group}, in the teacher's order (best first).
     */
    static float[] pairs(TextTokenizer tokenizer, List<CrossEncoderExample> batch, int group, Random sampler,
                         List<TokenizedText> out) {
        List<String> queries = new ArrayList<>();
        List<String> passages = new ArrayList<>();
        boolean distill = batch.stream().allMatch(e -> e.teacher() != null);
        float[] teacher = distill ? new float[batch.size() * group] : null;
        int t = 0;
        for (CrossEncoderExample e : batch) {
            if (distill) {
                int n = 1 + e.negatives().size();
                List<Integer> idx = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    idx.add(i);
                }
                if (sampler != null) {
                    Collections.shuffle(idx, sampler);
                }
                List<Integer> take = new ArrayList<>();
                for (int k = 0; k < group; k++) {
                    take.add(idx.get(k % n)); // fewer candidates than the group repeats some
                }
                take.sort(null); // the teacher's order
                for (int i : take) {
                    queries.add(e.query());
                    passages.add(i == 0 ? e.positive() : e.negatives().get(i - 1));
                    teacher[t++] = e.teacher().get(i);
                }
                continue;
            }
            queries.add(e.query());
            passages.add(e.positive());
            List<String> pool = e.negatives();
            List<Integer> idx = new ArrayList<>();
            for (int i = 0; i < pool.size(); i++) {
                idx.add(i);
            }
            if (sampler != null) {
                Collections.shuffle(idx, sampler);
            }
            for (int k = 0; k < group - 1; k++) {
                queries.add(e.query());
                passages.add(pool.get(idx.get(k % idx.size()))); // a pool smaller than k repeats
            }
        }
        out.addAll(CrossEncoderModel.tokenizePairs(tokenizer, queries, passages));
        return teacher;
    }

    /** Loss and accuracy of held-out examples, no dropout, the first negatives of each pool. */
    public static Validation validate(CrossEncoderModel model, TextTokenizer tokenizer, List<CrossEncoderExample> val,
                                      CrossEncoderLoss loss, int group, Options o) {
        double sum = 0;
        int correct = 0;
        int groups = 0;
        NDManager root = model.weights().manager().getParentManager();
        int chunk = Math.max(1, o.queriesPerBatch());
        for (int from = 0; from < val.size(); from += chunk) {
            List<CrossEncoderExample> b = val.subList(from, Math.min(val.size(), from + chunk));
            List<TokenizedText> texts = new ArrayList<>();
            float[] teacher = pairs(tokenizer, b, group, null, texts);
            TokenBatch tokens = TokenBatch.of(texts);
            try (NDManager bm = root.newSubManager()) {
                NDArray logits = model.scores(bm, tokens, false);
                sum += loss.compute(logits, group, teacher == null ? null : bm.create(teacher)).getFloat() * b.size();
                float[] s = logits.toFloatArray();
                for (int g = 0; g < b.size(); g++) {
                    boolean best = true;
                    for (int k = 1; k < group; k++) {
                        best &= s[g * group] > s[g * group + k];
                    }
                    correct += best ? 1 : 0;
                }
                groups += b.size();
            }
        }
        return new Validation(sum / groups, (double) correct / groups, groups);
    }

    private static void export(CrossEncoderModel model, OnnxModelFile onnx, BertConfig config, byte[] tokenizer,
                               Run run, Path output, int step) {
        Options o = run.options();
        ObjectNode info = new ObjectMapper().createObjectNode();
        info.put("backbone", run.backbone());
        info.put("steps", step);
        info.put("seconds", Math.round(run.seconds() * 100) / 100.0);
        info.put("loss", o.loss().name().toLowerCase(Locale.ROOT));
        info.put("margin", o.margin());
        info.put("epochs", o.epochs());
        info.put("queriesPerBatch", o.queriesPerBatch());
        info.put("negativesPerPositive", o.negativesPerPositive());
        info.put("learningRate", o.learningRate());
        info.put("warmupFraction", o.warmupFraction());
        info.put("weightDecay", o.weightDecay());
        info.put("maxLength", o.maxLength());
        info.put("seed", o.seed());
        info.put("validationFraction", o.validationFraction());
        if (o.loss().distills()) {
            info.put("teacherTemperature", o.teacherTemperature());
        }
        // The judged queries kept out of training: `nsearch eval` chooses the rerank depth and mix on them.
        var vq = info.putArray("validationQueries");
        run.validationQueries().forEach(vq::add);
        info.put("skippedSteps", run.stepLosses().stream().filter(x -> !Float.isFinite(x)).count());
        var l = info.putArray("stepLosses"); // a skipped step (non-finite loss or gradients) is written as "NaN"
        run.stepLosses().forEach(l::add);
        if (run.initial() != null) {
            info.putObject("initialValidation").put("loss", run.initial().loss())
                    .put("accuracy", run.initial().accuracy()).put("groups", run.initial().groups());
        }
        var v = info.putArray("validation");
        for (Validation x : run.validations()) {
            v.addObject().put("loss", x.loss()).put("accuracy", x.accuracy()).put("groups", x.groups());
        }
        CrossEncoderExporter.write(onnx, model.weights().toInitializers(), model.headWeight(), model.headBias(), config,
                tokenizer, o.maxLength(), info, output);
        LOG.info("cross-encoder written to {} after {} steps", output, step);
    }
}
