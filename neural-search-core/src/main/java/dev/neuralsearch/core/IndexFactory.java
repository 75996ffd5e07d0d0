package dev.neuralsearch.core;

/**
 * Opens (or creates) an index for a schema. The search builder passes the schema its encoder defines,
 * so an index home made with another model or dimension is refused at open time.
 */
@FunctionalInterface
public interface IndexFactory {
    VectorIndex open(IndexSchema schema);
}
