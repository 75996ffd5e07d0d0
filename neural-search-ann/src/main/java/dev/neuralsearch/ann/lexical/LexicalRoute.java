package dev.neuralsearch.ann.lexical;

/**
 * The lexical index an index instance searches: replaced by the writer when its Lucene writer failed (see
 * {@code write.LexicalRecovery}), with no search running; read by searches at any time.
 */
public final class LexicalRoute {
    private volatile LexicalIndex index;

    public LexicalRoute(LexicalIndex index) {
        this.index = index;
    }

    public LexicalIndex get() {
        return index;
    }

    /** Swaps in {@code fresh}; the caller holds the write lock and has stopped the searches. */
    public void replace(LexicalIndex fresh) {
        index = fresh;
    }
}
