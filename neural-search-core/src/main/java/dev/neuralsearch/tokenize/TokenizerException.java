package dev.neuralsearch.tokenize;

/** A tokenizer could not be found or loaded; the message names the file or resource. */
public class TokenizerException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TokenizerException(String message) {
        super(message);
    }

    public TokenizerException(String message, Throwable cause) {
        super(message, cause);
    }
}
