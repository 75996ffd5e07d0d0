package dev.neuralsearch.core;

/**
 * Per-query knobs of an approximate index.
 *
 * @param overquery how many candidates the approximate (compressed) pass gathers per requested hit before
 *                  exact rescoring; 1 disables over-querying. Indexes may clamp it.
 * @param rescore   how many of those candidates per requested hit are rescored exactly, the best by their
 *                  approximate score; 0 (the default) rescores all of them. Fewer rescores read fewer full vectors,
 *                  which pays where the approximate order is close to the exact one (int8 codes) and the full
 *                  vectors are not in memory. Indexes that do not rescore ignore it; more than {@code overquery}
 *                  rescores all.
 */
public record SearchOptions(float overquery, float rescore) {
    public static final SearchOptions DEFAULT = new SearchOptions(0f);

    public SearchOptions {
        if (Float.isNaN(overquery) || overquery < 0) {
            throw new IllegalArgumentException("overquery must be >= 0 (0 = index default), was " + overquery);
        }
        if (Float.isNaN(rescore) || rescore < 0) {
            throw new IllegalArgumentException("rescore must be >= 0 (0 = all candidates), was " + rescore);
        }
    }

    /** Rescores all the candidates. */
    public SearchOptions(float overquery) {
        this(overquery, 0f);
    }

    /** True when the index should use its own default. */
    public boolean useDefault() {
        return overquery == 0f;
    }
}
