package dev.neuralsearch.onnx;

/** Where ONNX Runtime executes a model. */
public enum ExecutionProvider {
    /** The default CPU provider, always available. */
    CPU,
    /**
     * NVIDIA CUDA. Needs the {@code com.microsoft.onnxruntime:onnxruntime_gpu} artifact (build with
     * {@code -Pgpu}) and, on the machine, CUDA 12.x with cuDNN 9 on the dynamic-linker path. When any of
     * that is missing, session creation fails with a {@link GpuUnavailableException} that names it.
     */
    CUDA
}
