package dev.neuralsearch.ann;

import dev.neuralsearch.ann.store.ChronicleAvailability;
import dev.neuralsearch.ann.store.DocumentStore;

/**
 * Which {@link DocumentStore} an index uses for the documents it returns with search hits
 * ({@link JVectorIndexOptions#documentStore()}).
 */
public enum DocumentStoreKind {
    /**
     * {@link #CHRONICLE} where this JVM allows it (the JVM flags of {@link #CHRONICLE} are present, a full JDK, not
     * Windows), else {@link #SEGMENT_FILES}; the choice is logged once per JVM at INFO. The default.
     */
    AUTO,
    /**
     * A persisted Chronicle Map per home ({@code store/docs-N.cmap}): hits are read from one off-heap map. Needs the
     * JVM flags {@code ChronicleAvailability.FLAGS} (README, "JVM flags"); opening an index with this kind in a JVM
     * without them fails with an error naming the missing flags.
     */
    CHRONICLE,
    /**
     * Keeps no copy: hits are read from the segments' own document files ({@code seg-N.docs}, by record offset). Needs
     * no JVM flag and no disk space of its own.
     */
    SEGMENT_FILES
}
