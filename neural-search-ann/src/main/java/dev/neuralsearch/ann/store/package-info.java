/**
 * The document store: Chronicle Map (off-heap, persistent) or none (documents read from the segment doc files), and the choice between them.
 *
 * <p>Internal to neural-search-ann: public only so that the other packages of the module can use it; no
 * compatibility promise. The public API is {@code dev.neuralsearch.ann}.
 */
package dev.neuralsearch.ann.store;
