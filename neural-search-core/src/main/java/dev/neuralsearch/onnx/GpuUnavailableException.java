package dev.neuralsearch.onnx;

/**
 * A GPU execution provider was asked for but cannot be used: the CPU-only ONNX Runtime artifact is on the
 * classpath, or the CUDA/cuDNN libraries it needs are not found. The message names what is missing.
 */
public class GpuUnavailableException extends OnnxException {
    private static final long serialVersionUID = 1L;

    public GpuUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
