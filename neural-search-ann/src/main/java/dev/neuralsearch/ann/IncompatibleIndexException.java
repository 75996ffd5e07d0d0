package dev.neuralsearch.ann;

/** The index home was created for another model, dimension, similarity or by a newer format version. */
public class IncompatibleIndexException extends IllegalStateException {
    public IncompatibleIndexException(String message) {
        super(message);
    }
}
