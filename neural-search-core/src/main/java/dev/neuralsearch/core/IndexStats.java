package dev.neuralsearch.core;

/**
 * A snapshot of an index's size.
 *
 * @param documents live documents visible to search (committed and not yet committed)
 * @param segments on-disk segments in the last commit
 * @param tombstones deleted or replaced entries still occupying space in segments
 * @param bytesOnDisk total size of the index home
 * @param uncommitted documents added since the last commit
 */
public record IndexStats(long documents, int segments, long tombstones, long bytesOnDisk, long uncommitted) {
}
