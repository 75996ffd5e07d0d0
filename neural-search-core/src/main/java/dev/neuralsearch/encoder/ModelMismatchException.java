package dev.neuralsearch.encoder;

/** The tokenizer, the model and the spec do not fit together (vocabulary, dimension, inputs or outputs). */
public class ModelMismatchException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ModelMismatchException(String message) {
        super(message);
    }

    public ModelMismatchException(String message, Throwable cause) {
        super(message, cause);
    }
}
