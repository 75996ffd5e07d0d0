package dev.neuralsearch.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Adam with decoupled weight decay (AdamW, as {@code torch.optim.AdamW} and sentence-transformers train) over
 * every parameter of a {@link TrainableParameters} (BERT weights, a cross-encoder), with state that can be saved and restored (for resumable training).
 *
 * <p>After a backward pass, {@link #step()} updates each parameter from its gradient and then sets the gradients
 * to zero. Per parameter p with gradient g, at step t (from 1):
 * <pre>
 *   m = b1 m + (1 - b1) g;   v = b2 v + (1 - b2) g²
 *   p = p - lr wd p                                   (not for biases and LayerNorm parameters)
 *   p = p - lr (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)
 * </pre>
 * The learning rate may change between steps ({@link #learningRate(float)}, for warm-up and decay). The moments
 * live in the weights' manager. Call outside a GradientCollector. Not thread-safe.
 */
public final class AdamW {
    public static final float DEFAULT_BETA1 = 0.9f;
    public static final float DEFAULT_BETA2 = 0.999f;
    public static final float DEFAULT_EPSILON = 1e-8f;

    private final TrainableParameters weights;
    private final float beta1;
    private final float beta2;
    private final float epsilon;
    private final float weightDecay;
    private final Map<String, NDArray> m = new LinkedHashMap<>();
    private final Map<String, NDArray> v = new LinkedHashMap<>();
    private float learningRate;
    private long steps;

    /** Betas 0.9 / 0.999, epsilon 1e-8. */
    public AdamW(TrainableParameters weights, float learningRate, float weightDecay) {
        this(weights, learningRate, weightDecay, DEFAULT_BETA1, DEFAULT_BETA2, DEFAULT_EPSILON);
    }

    public AdamW(TrainableParameters weights, float learningRate, float weightDecay, float beta1, float beta2, float epsilon) {
        this.weights = Objects.requireNonNull(weights, "weights");
        learningRate(learningRate);
        if (!(weightDecay >= 0) || !(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1) || !(epsilon > 0)) {
            throw new IllegalArgumentException("invalid AdamW settings: weight decay " + weightDecay + ", betas "
                    + beta1 + "/" + beta2 + ", epsilon " + epsilon);
        }
        this.weightDecay = weightDecay;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
    }

    /** Sets the learning rate for the next steps. */
    public void learningRate(float lr) {
        if (!(lr >= 0) || Float.isInfinite(lr)) {
            throw new IllegalArgumentException("learning rate must be >= 0, got " + lr);
        }
        this.learningRate = lr;
    }

    public float learningRate() {
        return learningRate;
    }

    /** Steps taken (restored ones included). */
    public long steps() {
        return steps;
    }

    /** Whether weight decay applies to a parameter: not to biases and LayerNorm parameters (BERT's convention). */
    public static boolean decays(String parameter) {
        return !parameter.endsWith(".bias") && !parameter.contains("LayerNorm");
    }

    /** Updates every parameter from its gradient, then sets the gradients to zero. */
    public void step() {
        if (!weights.trainable()) {
            throw new IllegalStateException("the weights are not trainable (call setTrainable(true) before the forward pass)");
        }
        steps++;
        float c1 = (float) (1 - Math.pow(beta1, steps));
        float c2 = (float) (1 - Math.pow(beta2, steps));
        NDManager owner = weights.manager();
        for (Map.Entry<String, NDArray> e : weights.parameters().entrySet()) {
            String name = e.getKey();
            NDArray p = e.getValue();
            NDArray mean = m.computeIfAbsent(name, k -> attach(p.zerosLike(), owner));
            NDArray var = v.computeIfAbsent(name, k -> attach(p.zerosLike(), owner));
            try (NDManager tmp = owner.newSubManager()) {
                // every intermediate lands in tmp; mean and var return to the weights' manager when it closes
                NDArray g = p.getGradient();
                g.attach(tmp);
                mean.tempAttach(tmp);
                var.tempAttach(tmp);
                mean.muli(beta1).addi(g.mul(1 - beta1));
                var.muli(beta2).addi(g.square().mul(1 - beta2));
                NDArray update = mean.div(c1).div(var.div(c2).sqrt().add(epsilon)).mul(learningRate);
                if (weightDecay > 0 && decays(name)) {
                    p.muli(1 - learningRate * weightDecay);
                }
                p.subi(update);
            }
        }
        weights.zeroGradients();
    }

    private static NDArray attach(NDArray a, NDManager manager) {
        a.attach(manager);
        return a;
    }

    /**
     * The optimizer state as plain arrays, for a checkpoint: {@code "m/<parameter>"} and {@code "v/<parameter>"}
     * moments (parameters not yet updated are absent). With {@link #steps()} and the learning rate this is all
     * {@link #restore(long, Map)} needs.
     */
    public Map<String, float[]> state() {
        Map<String, float[]> out = new LinkedHashMap<>();
        m.forEach((k, a) -> out.put("m/" + k, a.toFloatArray()));
        v.forEach((k, a) -> out.put("v/" + k, a.toFloatArray()));
        return out;
    }

    /** Restores a state saved by {@link #state()} after {@code stepsTaken} steps. */
    public void restore(long stepsTaken, Map<String, float[]> state) {
        if (stepsTaken < 0) {
            throw new IllegalArgumentException("steps must be >= 0");
        }
        NDManager owner = weights.manager();
        m.values().forEach(NDArray::close);
        v.values().forEach(NDArray::close);
        m.clear();
        v.clear();
        for (Map.Entry<String, float[]> e : state.entrySet()) {
            String key = e.getKey();
            boolean isMean = key.startsWith("m/");
            if (!isMean && !key.startsWith("v/")) {
                throw new IllegalArgumentException("unknown AdamW state entry " + key);
            }
            String name = key.substring(2);
            NDArray p = weights.parameters().get(name);
            if (p == null) {
                throw new IllegalArgumentException("AdamW state " + key + " names no parameter of this model");
            }
            if (e.getValue().length != p.size()) {
                throw new IllegalArgumentException("state " + key + " has " + e.getValue().length + " values, parameter has "
                        + p.size());
            }
            NDArray a = owner.create(e.getValue(), p.getShape());
            (isMean ? m : v).put(name, a);
        }
        this.steps = stepsTaken;
    }
}
