/**
 * ONNX Runtime settings and errors: <b>API</b>. Users configure sessions with {@link
 * dev.neuralsearch.onnx.SessionConfig} and {@link dev.neuralsearch.onnx.ExecutionProvider} (bi-encoders
 * through {@code EncoderOptions}, cross-encoders through their builder) and catch {@link
 * dev.neuralsearch.onnx.OnnxException} and {@link dev.neuralsearch.onnx.GpuUnavailableException}.
 * {@link dev.neuralsearch.onnx.OnnxEnvironment} is public for applications that create their own ONNX
 * Runtime sessions in the same process and want the library's environment and native-library set-up.
 *
 * <p>How the library runs its models (input discovery, padding, sessions, batching) is in {@code
 * dev.neuralsearch.onnx.internal}, which is not API.
 */
package dev.neuralsearch.onnx;
