package dev.neuralsearch.ann.commit;

import dev.neuralsearch.ann.IncompatibleIndexException;
import dev.neuralsearch.ann.LexicalAnalyzer;
import dev.neuralsearch.core.IndexSchema;
import java.nio.file.Path;

/** What a home must agree with to be opened: the schema it was made for and the analyzer of its lexical route. */
public final class Compatibility {
    private Compatibility() {
    }

    public static void checkSchema(Path home, Manifest m, IndexSchema wanted) {
        IndexSchema have = m.schema();
        if (!have.equals(wanted)) {
            throw new IncompatibleIndexException("index home " + home + " was built for model '" + have.modelId()
                    + "' (dimension " + have.dimension() + ", " + have.similarity() + "); it cannot be opened for model '"
                    + wanted.modelId() + "' (dimension " + wanted.dimension() + ", " + wanted.similarity()
                    + "). Use another home directory or re-index.");
        }
    }

    /** The analyzer of a home: the recorded one; a different explicit choice is refused. */
    public static LexicalAnalyzer checkAnalyzer(Path home, Manifest m, LexicalAnalyzer wanted,
                                               LexicalAnalyzer newHome) {
        if (m.lexical() == null) {
            return wanted != null ? wanted : newHome;
        }
        LexicalAnalyzer have = LexicalAnalyzer.valueOf(m.lexical().analyzer());
        if (wanted != null && wanted != have) {
            throw new IncompatibleIndexException("index home " + home + " has a lexical index made with the "
                    + have + " analyzer; it cannot be opened with " + wanted + " (re-index into another home, or "
                    + "leave the analyzer unset to use the recorded one)");
        }
        return have;
    }
}
