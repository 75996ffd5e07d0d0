package dev.neuralsearch.ann;

import dev.neuralsearch.core.IndexFactory;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The fluent options of {@link JVectorIndex.Factory} ({@code JVectorIndex.at(home).maxDegree(32)...}): each returns
 * a new factory with one option changed.
 *
 * @param <F> the factory type the setters return
 */
public abstract class IndexFactoryOptions<F extends IndexFactoryOptions<F>> implements IndexFactory {
    private final Path home;
    private final JVectorIndexOptions options;
    /** Whether {@link #open} opens the home read-only. */
    final boolean readOnly;

    IndexFactoryOptions(Path home, JVectorIndexOptions options, boolean readOnly) {
        this.readOnly = readOnly;
        this.home = Objects.requireNonNull(home, "home");
        this.options = Objects.requireNonNull(options, "options");
    }

    /** A factory like this one with options {@code o}. */
    abstract F with(JVectorIndexOptions o);

    public F options(JVectorIndexOptions o) {
        return with(o);
    }

    public F maxDegree(int v) {
        return with(options.withMaxDegree(v));
    }

    public F beamWidth(int v) {
        return with(options.withBeamWidth(v));
    }

    public F overquery(float v) {
        return with(options.withOverquery(v));
    }

    public F pqThreshold(int v) {
        return with(options.withPqThreshold(v));
    }

    public F pqLayout(PqLayout v) {
        return with(options.withPqLayout(v));
    }

    public F expectedDocuments(long v) {
        return with(options.withExpectedDocuments(v));
    }

    public F documentStore(DocumentStoreKind v) {
        return with(options.withDocumentStore(v));
    }

    public F maxSegments(int v) {
        return with(options.withMaxSegments(v));
    }

    public F buildThreads(int v) {
        return with(options.withBuildThreads(v));
    }

    /** Analyzer of the lexical route of a new home (an existing home keeps its recorded one). */
    public F lexicalAnalyzer(LexicalAnalyzer v) {
        return with(options.withLexicalAnalyzer(v));
    }

    /** BM25 parameters of lexical searches. */
    public F bm25(float k1, float b) {
        return with(options.withBm25(k1, b));
    }

    public JVectorIndexOptions options() {
        return options;
    }

    public Path home() {
        return home;
    }
}
