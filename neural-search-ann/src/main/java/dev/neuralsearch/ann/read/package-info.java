/**
 * Reading: snapshots (segments + write buffer) and their reference counts, the open segment reader, graph search, filter planning, the search fan-out and merge, and the gate that close() waits on.
 *
 * <p>Internal to neural-search-ann: public only so that the other packages of the module can use it; no
 * compatibility promise. The public API is {@code dev.neuralsearch.ann}.
 */
package dev.neuralsearch.ann.read;
