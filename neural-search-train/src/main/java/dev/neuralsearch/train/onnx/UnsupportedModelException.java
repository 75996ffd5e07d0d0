package dev.neuralsearch.train.onnx;

/**
 * The ONNX file cannot be trained: quantized (int8/uint8) or half-precision weights, weights in external data
 * files, a file over 2 GB, a file that is not a complete ONNX model, or a graph whose weights cannot be mapped to
 * BERT parameters. The message names the file and the reason.
 */
public class UnsupportedModelException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UnsupportedModelException(String message) {
        super(message);
    }

    public UnsupportedModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
