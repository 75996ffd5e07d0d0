package dev.neuralsearch.train.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.neuralsearch.train.Torch;
import dev.neuralsearch.train.TrainableParameters;
import dev.neuralsearch.train.onnx.BertParameterMap;
import dev.neuralsearch.train.onnx.OnnxModelFile;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A BERT model's parameters as fp32 NDArrays under their canonical names (see {@link BertParameterMap}), held by
 * their own NDManager. Linear weights keep the ONNX layout {@code [in, out]}.
 *
 * <p>{@link #setTrainable(boolean)} attaches gradients; after a backward pass {@link #gradient(String, NDManager)} gives
 * them and {@link #zeroGradients()} clears them (gradients accumulate across backward passes otherwise).
 * {@link #toInitializers()} gives the current values keyed by the ONNX initializer that holds each parameter,
 * ready for {@link OnnxModelFile#write}. Not thread-safe.
 */
public final class BertWeights implements TrainableParameters, AutoCloseable {
    private final NDManager manager;
    private final BertParameterMap map;
    private final Map<String, NDArray> parameters;
    private boolean trainable;

    private BertWeights(NDManager manager, BertParameterMap map, Map<String, NDArray> parameters) {
        this.manager = manager;
        this.map = map;
        this.parameters = Collections.unmodifiableMap(parameters);
    }

    /** Copies the model's parameters into a new child manager of {@code parent}. */
    public static BertWeights load(OnnxModelFile model, NDManager parent) {
        Objects.requireNonNull(model, "model");
        BertParameterMap map = model.bertParameters();
        NDManager m = parent.newSubManager();
        try {
            Map<String, NDArray> params = new LinkedHashMap<>();
            for (Map.Entry<String, String> e : map.initializerByParameter().entrySet()) {
                NDArray a = m.create(model.floats(e.getValue()), new Shape(map.shape(e.getKey())));
                a.setName(e.getKey());
                params.put(e.getKey(), a);
            }
            return new BertWeights(m, map, params);
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }

    /** Where each parameter lives in the source model. */
    public BertParameterMap map() {
        return map;
    }

    /** The manager holding the parameters (and their optimizer state, when an optimizer creates it from them). */
    @Override
    public NDManager manager() {
        return manager;
    }

    /** All parameters, embeddings first, then layer by layer, then the pooler when present. */
    @Override
    public Map<String, NDArray> parameters() {
        return parameters;
    }

    /** One parameter by canonical name. */
    public NDArray get(String parameter) {
        NDArray a = parameters.get(parameter);
        if (a == null) {
            throw new IllegalArgumentException("no parameter " + parameter);
        }
        return a;
    }

    /** Whether the model has this parameter. */
    public boolean has(String parameter) {
        return parameters.containsKey(parameter);
    }

    /** Number of scalar parameters. */
    public long parameterCount() {
        long n = 0;
        for (NDArray a : parameters.values()) {
            n += a.size();
        }
        return n;
    }

    /** Attaches (or detaches) gradients to every parameter. */
    public void setTrainable(boolean on) {
        for (NDArray a : parameters.values()) {
            a.setRequiresGradient(on);
        }
        trainable = on;
    }

    /** Whether gradients are attached. */
    @Override
    public boolean trainable() {
        return trainable;
    }

    /**
     * A parameter's accumulated gradient, as a new NDArray in {@code target} (a copy, so the caller may close it
     * or its manager freely).
     */
    public NDArray gradient(String parameter, NDManager target) {
        NDArray a = get(parameter);
        try (NDArray g = a.getGradient()) {
            NDArray copy = g.duplicate();
            copy.attach(target);
            return copy;
        }
    }

    /** Sets every parameter's gradient to zero. */
    @Override
    public void zeroGradients() {
        if (!trainable) {
            return;
        }
        for (NDArray a : parameters.values()) {
            Torch.zeroGradient(a);
        }
    }

    /** Every parameter's current values, keyed by canonical name. */
    public Map<String, float[]> toFloatArrays() {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : parameters.entrySet()) {
            out.put(e.getKey(), e.getValue().toFloatArray());
        }
        return out;
    }

    /** Every parameter's current values keyed by the ONNX initializer that holds it (for write-back). */
    public Map<String, float[]> toInitializers() {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : parameters.entrySet()) {
            out.put(map.initializer(e.getKey()), e.getValue().toFloatArray());
        }
        return out;
    }

    @Override
    public void close() {
        manager.close();
    }

    @Override
    public String toString() {
        return "BertWeights[" + parameters.size() + " tensors, " + parameterCount() + " parameters]";
    }
}
