/**
 * <b>Not API.</b> The machinery the library's own modules share to run tokenized-text ONNX models: {@link
 * dev.neuralsearch.onnx.internal.OnnxModelRunner} (used by {@code BiEncoder} and {@code
 * CrossEncoderReranker}), its input discovery, padding and session pool, and {@link
 * dev.neuralsearch.onnx.internal.LengthBatches}. The classes are public only so that other modules of
 * neural-search can use them; they may change or go in any release without notice. Applications use
 * {@code BiEncoder} and {@code CrossEncoderReranker} instead.
 */
package dev.neuralsearch.onnx.internal;
