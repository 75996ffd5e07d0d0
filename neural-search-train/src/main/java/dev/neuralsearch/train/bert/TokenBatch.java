package dev.neuralsearch.train.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.neuralsearch.train.Torch;
import dev.neuralsearch.tokenize.TokenizedText;
import java.util.List;
import java.util.Objects;

/**
 * Tokenized texts padded to the longest of them (pad id 0, mask 0), row-major {@code [size, length]}.
 *
 * @param ids     token ids
 * @param mask    1 for real tokens, 0 for padding
 * @param typeIds segment ids
 * @param size    number of texts
 * @param length  tokens per row
 */
public record TokenBatch(long[] ids, long[] mask, long[] typeIds, int size, int length) {

    public TokenBatch {
        Objects.requireNonNull(ids, "ids");
        Objects.requireNonNull(mask, "mask");
        Objects.requireNonNull(typeIds, "typeIds");
        if (size < 1 || length < 1 || ids.length != (long) size * length || mask.length != ids.length
                || typeIds.length != ids.length) {
            throw new IllegalArgumentException("a batch of " + size + " x " + length + " needs arrays of that size");
        }
    }

    /** Pads tokenized texts into one batch. */
    public static TokenBatch of(List<TokenizedText> texts) {
        if (texts.isEmpty()) {
            throw new IllegalArgumentException("an empty batch");
        }
        int n = texts.size();
        int len = 1;
        for (TokenizedText t : texts) {
            len = Math.max(len, t.tokenCount());
        }
        long[] ids = new long[n * len];
        long[] mask = new long[n * len];
        long[] types = new long[n * len];
        for (int b = 0; b < n; b++) {
            TokenizedText t = texts.get(b);
            System.arraycopy(t.ids(), 0, ids, b * len, t.tokenCount());
            System.arraycopy(t.attentionMask(), 0, mask, b * len, t.tokenCount());
            System.arraycopy(t.typeIds(), 0, types, b * len, t.tokenCount());
        }
        return new TokenBatch(ids, mask, types, n, len);
    }

    /** Total real (unpadded) tokens. */
    public long tokenCount() {
        long c = 0;
        for (long m : mask) {
            c += m;
        }
        return c;
    }

    NDArray idsArray(NDManager manager) {
        return Torch.owned(manager.create(ids, new Shape(size, length)));
    }

    NDArray maskArray(NDManager manager) {
        return Torch.owned(manager.create(mask, new Shape(size, length)));
    }

    NDArray typeIdsArray(NDManager manager) {
        return Torch.owned(manager.create(typeIds, new Shape(size, length)));
    }
}
