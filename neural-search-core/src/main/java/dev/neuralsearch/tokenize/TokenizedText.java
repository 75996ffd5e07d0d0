package dev.neuralsearch.tokenize;

import java.util.Arrays;
import java.util.Objects;

/**
 * One tokenized text (or text pair), special tokens included, never padded.
 *
 * @param ids           token ids
 * @param attentionMask 1 for every token (there is no padding here; batching pads later)
 * @param typeIds       segment ids: 0 for the first text, 1 for the second text of a pair
 * @param truncated     whether tokens were cut to fit the tokenizer's maximum length
 */
public record TokenizedText(long[] ids, long[] attentionMask, long[] typeIds, boolean truncated) {

    public TokenizedText {
        Objects.requireNonNull(ids, "ids");
        Objects.requireNonNull(attentionMask, "attentionMask");
        Objects.requireNonNull(typeIds, "typeIds");
        if (attentionMask.length != ids.length || typeIds.length != ids.length) {
            throw new IllegalArgumentException("ids, attentionMask and typeIds differ in length: "
                    + ids.length + ", " + attentionMask.length + ", " + typeIds.length);
        }
    }

    /** Number of tokens, special tokens included. */
    public int tokenCount() {
        return ids.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TokenizedText t && truncated == t.truncated && Arrays.equals(ids, t.ids)
                && Arrays.equals(attentionMask, t.attentionMask) && Arrays.equals(typeIds, t.typeIds);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(ids) + Arrays.hashCode(typeIds)) + Boolean.hashCode(truncated);
    }

    @Override
    public String toString() {
        return "TokenizedText[tokens=" + ids.length + ", truncated=" + truncated + ", ids=" + Arrays.toString(ids) + "]";
    }
}
