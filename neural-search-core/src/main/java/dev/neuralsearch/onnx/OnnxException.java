package dev.neuralsearch.onnx;

/** A failure to set up ONNX Runtime, load a model or run it; the message says what to fix. */
public class OnnxException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public OnnxException(String message) {
        super(message);
    }

    public OnnxException(String message, Throwable cause) {
        super(message, cause);
    }
}
