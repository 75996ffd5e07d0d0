/**
 * The lexical (BM25) route: a Lucene index next to the segments, committed in two phases with the manifest, and the translation of our filters into Lucene queries.
 *
 * <p>Internal to neural-search-ann: public only so that the other packages of the module can use it; no
 * compatibility promise. The public API is {@code dev.neuralsearch.ann}.
 */
package dev.neuralsearch.ann.lexical;
