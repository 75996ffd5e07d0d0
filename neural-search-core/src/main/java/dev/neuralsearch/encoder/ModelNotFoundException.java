package dev.neuralsearch.encoder;

/** A model or tokenizer file is missing; the message names the file, or the Maven artifact that ships it. */
public class ModelNotFoundException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ModelNotFoundException(String message) {
        super(message);
    }

    public ModelNotFoundException(String message, Throwable cause) {
        super(message, cause);
    }
}
