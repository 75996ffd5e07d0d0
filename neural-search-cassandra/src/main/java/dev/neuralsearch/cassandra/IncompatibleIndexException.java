package dev.neuralsearch.cassandra;

/**
 * The Cassandra table was created for another model, dimension, similarity or set of filterable fields. The same
 * message shape as {@code dev.neuralsearch.ann.IncompatibleIndexException} for an index home; a class of its own
 * because this module does not depend on the embedded index.
 */
public class IncompatibleIndexException extends IllegalStateException {
    public IncompatibleIndexException(String message) {
        super(message);
    }
}
