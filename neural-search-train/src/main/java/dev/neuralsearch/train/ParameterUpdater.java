package dev.neuralsearch.train;

import ai.djl.ndarray.NDArray;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import dev.neuralsearch.train.bert.BertWeights;
import java.util.Map;
import java.util.Objects;

/**
 * Applies an optimizer to every parameter of a {@link BertWeights} after a backward pass, then clears the
 * gradients. The optimizer keeps its state (Adam's moments) per parameter name, in the weights' manager.
 *
 * <pre>{@code
 * weights.setTrainable(true);
 * ParameterUpdater updater = new ParameterUpdater(weights, ParameterUpdater.adam(2e-5f));
 * try (NDManager batch = root.newSubManager(); GradientCollector gc = Torch.engine().newGradientCollector()) {
 *     NDArray loss = new InBatchNegativesLoss().compute(model.encode(batch, q, ...), model.encode(batch, p, ...));
 *     gc.backward(loss);
 * }
 * updater.step();
 * }</pre>
 */
public final class ParameterUpdater {
    private final BertWeights weights;
    private final Optimizer optimizer;
    private long steps;

    public ParameterUpdater(BertWeights weights, Optimizer optimizer) {
        this.weights = Objects.requireNonNull(weights, "weights");
        this.optimizer = Objects.requireNonNull(optimizer, "optimizer");
    }

    /** DJL's Adam with a fixed learning rate (betas 0.9/0.999, epsilon 1e-8, no weight decay). */
    public static Optimizer adam(float learningRate) {
        return Optimizer.adam().optLearningRateTracker(Tracker.fixed(learningRate)).build();
    }

    /** Updates every parameter from its gradient, then sets the gradients to zero. */
    public void step() {
        if (!weights.trainable()) {
            throw new IllegalStateException("the weights are not trainable (call setTrainable(true) before the forward pass)");
        }
        for (Map.Entry<String, NDArray> e : weights.parameters().entrySet()) {
            NDArray p = e.getValue();
            try (NDArray g = p.getGradient()) {
                optimizer.update(e.getKey(), p, g);
            }
        }
        weights.zeroGradients();
        steps++;
    }

    /** Steps taken. */
    public long steps() {
        return steps;
    }

    public Optimizer optimizer() {
        return optimizer;
    }
}
