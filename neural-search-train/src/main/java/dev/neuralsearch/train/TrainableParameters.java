package dev.neuralsearch.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Map;

/**
 * What an optimizer ({@link AdamW}) and a checkpoint need from a model: its named parameters, the manager that
 * owns them, whether gradients are attached, and a way to clear the gradients. Implemented by the BERT weights
 * (bi-encoder training) and by the cross-encoder (backbone weights plus its head).
 */
public interface TrainableParameters {
    /** Every trainable parameter by name, in a stable order. */
    Map<String, NDArray> parameters();

    /** The manager that owns the parameters (optimizer state is kept there too). */
    NDManager manager();

    /** Whether gradients are attached. */
    boolean trainable();

    /** Sets every gradient to zero. */
    void zeroGradients();

    /** Replaces a parameter's values in place (same element count; gradients stay attached). */
    default void set(String parameter, float[] values) {
        NDArray a = parameters().get(parameter);
        if (a == null) {
            throw new IllegalArgumentException("no parameter " + parameter);
        }
        if (values.length != a.size()) {
            throw new IllegalArgumentException(parameter + " has " + a.size() + " values, got " + values.length);
        }
        a.set(values);
    }
}
