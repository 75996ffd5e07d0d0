package dev.neuralsearch.core;

/**
 * Per-query knobs of an approximate index.
 *
 * @param overquery how many candidates the approximate (compressed) pass gathers per requested hit before
 *                  exact rescoring; 1 disables over-querying. Indexes may clamp it.
 */
public record SearchOptions(float overquery) {
    public static final SearchOptions DEFAULT = new SearchOptions(0f);

    public SearchOptions {
        if (Float.isNaN(overquery) || overquery < 0) {
            throw new IllegalArgumentException("overquery must be >= 0 (0 = index default), was " + overquery);
        }
    }

    /** True when the index should use its own default. */
    public boolean useDefault() {
        return overquery == 0f;
    }
}
