/**
 * Exact vector scoring on the heap and on mapped files: {@code DefaultVectorization} (Java 17+) and {@code PanamaVectorization} (Vector API, Java 22+, in the multi-release part of the jar).
 *
 * <p>Internal to neural-search-ann: public only so that the other packages of the module can use it; no
 * compatibility promise. The public API is {@code dev.neuralsearch.ann}.
 */
package dev.neuralsearch.ann.vector;
