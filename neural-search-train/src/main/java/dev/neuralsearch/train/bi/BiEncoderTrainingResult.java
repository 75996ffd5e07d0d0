package dev.neuralsearch.train.bi;

import java.nio.file.Path;
import java.util.List;

/**
 * What a training run did.
 *
 * @param output          the model directory written (null when the run stopped before the end, e.g. max steps)
 * @param steps           optimizer steps taken in total (SimCSE and pairs; restored ones included)
 * @param trainPairs      training pairs (after the validation split)
 * @param validationPairs held-out pairs
 * @param initialValidationLoss validation loss of the starting model (NaN when resumed or no validation pairs)
 * @param epochs          one entry per finished epoch of the pair stage
 * @param stepLosses      the training loss of every step, in order (SimCSE steps first)
 * @param seconds         wall time of this process's part of the run (mining and writing included)
 * @param pairsPerSecond  training pairs (or SimCSE texts) per second over the steps this process ran
 * @param simcseLoss      mean SimCSE loss (NaN when there was no SimCSE stage)
 */
public record BiEncoderTrainingResult(Path output, long steps, int trainPairs, int validationPairs,
                                      double initialValidationLoss,
                                      List<Epoch> epochs, List<Float> stepLosses, double seconds,
                                      double pairsPerSecond, double simcseLoss) {

    /**
     * One epoch of the pair stage.
     *
     * @param epoch          1-based
     * @param trainLoss      mean training loss over the epoch's steps
     * @param validationLoss in-batch loss on the held-out pairs after the epoch, without dropout (NaN when none)
     * @param steps          steps in the epoch
     * @param seconds        wall time of the epoch in this process
     */
    public record Epoch(int epoch, double trainLoss, double validationLoss, int steps, double seconds) {
    }
}
