/**
 * Writing: the write buffer, the segment writer (graph build and files), flush, the merge policy and merger, and the heap budget of vector copies.
 *
 * <p>Internal to neural-search-ann: public only so that the other packages of the module can use it; no
 * compatibility promise. The public API is {@code dev.neuralsearch.ann}.
 */
package dev.neuralsearch.ann.write;
