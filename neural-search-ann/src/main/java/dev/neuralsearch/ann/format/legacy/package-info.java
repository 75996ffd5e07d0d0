/**
 * Reading what older versions wrote: full vectors inside the JVector graph file (the INLINE, FUSED_PQ and
 * PQ_IN_MEMORY segment layouts), and the upgrade of a home that predates the lexical route. Segments in these
 * layouts are read as they are and rewritten in the current layout by a compaction.
 *
 * <p>Internal to neural-search-ann: public only so that the other packages of the module can use it; no
 * compatibility promise. The public API is {@code dev.neuralsearch.ann}.
 */
package dev.neuralsearch.ann.format.legacy;
