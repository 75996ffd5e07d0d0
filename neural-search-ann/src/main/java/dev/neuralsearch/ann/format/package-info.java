/**
 * One reader/writer pair per file kind of a segment (doc file, vector file, PQ code file, tombstone file, graph adjacency), the segment feature set, file names and the fsync/CRC helpers. Layouts older than the current one sit in {@code format.legacy}.
 *
 * <p>Internal to neural-search-ann: public only so that the other packages of the module can use it; no
 * compatibility promise. The public API is {@code dev.neuralsearch.ann}.
 */
package dev.neuralsearch.ann.format;
