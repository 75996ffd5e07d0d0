package dev.neuralsearch.core;

/**
 * Opens (or creates) an index for a schema. The search builder passes the schema its encoder defines,
 * so an index home made with another model or dimension is refused at open time.
 */
@FunctionalInterface
public interface IndexFactory {
    VectorIndex open(IndexSchema schema);

    /**
     * Opens for a schema whose texts are in {@code language} (the encoder's {@link TextEncoder#language()}, null when
     * unknown). A hint for choices an index makes when it creates a new home, such as the lexical route's analyzer;
     * it is not part of the schema. By default the hint is ignored.
     */
    default VectorIndex open(IndexSchema schema, String language) {
        return open(schema);
    }
}
