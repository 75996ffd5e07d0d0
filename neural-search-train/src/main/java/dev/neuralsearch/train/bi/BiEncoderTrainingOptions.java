package dev.neuralsearch.train.bi;

/**
 * Settings of a bi-encoder fine-tuning run. The defaults ({@link #DEFAULTS}) are sentence-transformers' for
 * MultipleNegativesRankingLoss: batch 16, AdamW lr 2e-5 with 10 % linear warm-up then linear decay to 0, weight
 * decay 0.01, scale 20.
 *
 * @param epochs             passes over the training pairs
 * @param batchSize          pairs per step (each pair's positive is a negative for the other queries)
 * @param learningRate       peak AdamW learning rate
 * @param warmupFraction     fraction of the steps (of each stage) over which the rate rises linearly from 0
 * @param weightDecay        AdamW decoupled weight decay (not on biases and LayerNorm)
 * @param maxLength          tokens per text in training (special tokens included); the written model keeps the
 *                           source's maximum
 * @param scale              similarity scale of the in-batch loss (1 / temperature)
 * @param seed               shuffles, validation split, negative sampling and dropout
 * @param validationFraction fraction of the training queries held out for the validation loss (never test data)
 * @param hardNegatives      mined hard negatives per query (0 = off)
 * @param checkpointEvery    write a checkpoint every N steps (0 = only at the end of each epoch, when a
 *                           checkpoint directory is given)
 * @param simcseSteps        SimCSE steps before the pair stage (0 = none; needs unlabelled texts)
 * @param maxSteps           stop after this many steps in total (0 = no limit); for short runs and tests
 */
public record BiEncoderTrainingOptions(int epochs, int batchSize, float learningRate, float warmupFraction,
                                       float weightDecay, int maxLength, float scale, long seed,
                                       double validationFraction, int hardNegatives, int checkpointEvery,
                                       int simcseSteps, int maxSteps) {

    public static final BiEncoderTrainingOptions DEFAULTS =
            new BiEncoderTrainingOptions(1, 16, 2e-5f, 0.1f, 0.01f, 256, 20f, 42, 0.05, 0, 0, 0, 0);

    public BiEncoderTrainingOptions {
        if (epochs < 1) {
            throw new IllegalArgumentException("epochs must be >= 1, got " + epochs);
        }
        if (batchSize < 2) {
            throw new IllegalArgumentException("batch size must be >= 2 (in-batch negatives need other pairs), got "
                    + batchSize);
        }
        if (!(learningRate > 0) || Float.isInfinite(learningRate)) {
            throw new IllegalArgumentException("learning rate must be > 0, got " + learningRate);
        }
        if (!(warmupFraction >= 0 && warmupFraction < 1)) {
            throw new IllegalArgumentException("warm-up fraction must be in [0, 1), got " + warmupFraction);
        }
        if (!(weightDecay >= 0)) {
            throw new IllegalArgumentException("weight decay must be >= 0, got " + weightDecay);
        }
        if (maxLength < 4) {
            throw new IllegalArgumentException("max length must be >= 4, got " + maxLength);
        }
        if (!(scale > 0) || Float.isInfinite(scale)) {
            throw new IllegalArgumentException("scale must be > 0, got " + scale);
        }
        if (!(validationFraction >= 0 && validationFraction < 0.5)) {
            throw new IllegalArgumentException("validation fraction must be in [0, 0.5), got " + validationFraction);
        }
        if (hardNegatives < 0 || checkpointEvery < 0 || simcseSteps < 0 || maxSteps < 0) {
            throw new IllegalArgumentException("hard negatives, checkpoint interval, SimCSE steps and max steps must be >= 0");
        }
    }

    public BiEncoderTrainingOptions withEpochs(int v) {
        return new BiEncoderTrainingOptions(v, batchSize, learningRate, warmupFraction, weightDecay, maxLength, scale,
                seed, validationFraction, hardNegatives, checkpointEvery, simcseSteps, maxSteps);
    }

    public BiEncoderTrainingOptions withBatchSize(int v) {
        return new BiEncoderTrainingOptions(epochs, v, learningRate, warmupFraction, weightDecay, maxLength, scale,
                seed, validationFraction, hardNegatives, checkpointEvery, simcseSteps, maxSteps);
    }

    public BiEncoderTrainingOptions withLearningRate(float v) {
        return new BiEncoderTrainingOptions(epochs, batchSize, v, warmupFraction, weightDecay, maxLength, scale,
                seed, validationFraction, hardNegatives, checkpointEvery, simcseSteps, maxSteps);
    }

    public BiEncoderTrainingOptions withWarmupFraction(float v) {
        return new BiEncoderTrainingOptions(epochs, batchSize, learningRate, v, weightDecay, maxLength, scale,
                seed, validationFraction, hardNegatives, checkpointEvery, simcseSteps, maxSteps);
    }

    public BiEncoderTrainingOptions withWeightDecay(float v) {
        return new BiEncoderTrainingOptions(epochs, batchSize, learningRate, warmupFraction, v, maxLength, scale,
                seed, validationFraction, hardNegatives, checkpointEvery, simcseSteps, maxSteps);
    }

    public BiEncoderTrainingOptions withMaxLength(int v) {
        return new BiEncoderTrainingOptions(epochs, batchSize, learningRate, warmupFraction, weightDecay, v, scale,
                seed, validationFraction, hardNegatives, checkpointEvery, simcseSteps, maxSteps);
    }

    public BiEncoderTrainingOptions withScale(float v) {
        return new BiEncoderTrainingOptions(epochs, batchSize, learningRate, warmupFraction, weightDecay, maxLength, v,
                seed, validationFraction, hardNegatives, checkpointEvery, simcseSteps, maxSteps);
    }

    public BiEncoderTrainingOptions withSeed(long v) {
        return new BiEncoderTrainingOptions(epochs, batchSize, learningRate, warmupFraction, weightDecay, maxLength,
                scale, v, validationFraction, hardNegatives, checkpointEvery, simcseSteps, maxSteps);
    }

    public BiEncoderTrainingOptions withValidationFraction(double v) {
        return new BiEncoderTrainingOptions(epochs, batchSize, learningRate, warmupFraction, weightDecay, maxLength,
                scale, seed, v, hardNegatives, checkpointEvery, simcseSteps, maxSteps);
    }

    public BiEncoderTrainingOptions withHardNegatives(int v) {
        return new BiEncoderTrainingOptions(epochs, batchSize, learningRate, warmupFraction, weightDecay, maxLength,
                scale, seed, validationFraction, v, checkpointEvery, simcseSteps, maxSteps);
    }

    public BiEncoderTrainingOptions withCheckpointEvery(int v) {
        return new BiEncoderTrainingOptions(epochs, batchSize, learningRate, warmupFraction, weightDecay, maxLength,
                scale, seed, validationFraction, hardNegatives, v, simcseSteps, maxSteps);
    }

    public BiEncoderTrainingOptions withSimcseSteps(int v) {
        return new BiEncoderTrainingOptions(epochs, batchSize, learningRate, warmupFraction, weightDecay, maxLength,
                scale, seed, validationFraction, hardNegatives, checkpointEvery, v, maxSteps);
    }

    public BiEncoderTrainingOptions withMaxSteps(int v) {
        return new BiEncoderTrainingOptions(epochs, batchSize, learningRate, warmupFraction, weightDecay, maxLength,
                scale, seed, validationFraction, hardNegatives, checkpointEvery, simcseSteps, v);
    }

    /**
     * Whether a run with these options may continue a checkpoint written with {@code other}: everything that
     * shapes the sequence of updates must be equal ({@code checkpointEvery} and {@code maxSteps} may differ).
     */
    public boolean resumableFrom(BiEncoderTrainingOptions other) {
        return withCheckpointEvery(0).withMaxSteps(0).equals(other.withCheckpointEvery(0).withMaxSteps(0));
    }
}
