package dev.neuralsearch.onnx.internal;

import dev.neuralsearch.tokenize.TokenizedText;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Plans dynamic-padding batches: texts sorted longest first (ties keep input order), each batch padded to
 * its first (longest) text, cut when it would exceed {@code maxRows} texts or {@code maxPaddedTokens}
 * padded tokens. A text longer than the token budget still gets a batch of its own. Used by
 * {@link OnnxModelRunner#runAll} (for the bi-encoder and the cross-encoder alike).
 */
public final class LengthBatches {
    private LengthBatches() {
    }

    /** Batches of indices into {@code texts}, in the order they should run. */
    public static List<int[]> plan(List<TokenizedText> texts, int maxRows, int maxPaddedTokens) {
        if (maxRows < 1 || maxPaddedTokens < 1) {
            throw new IllegalArgumentException("maxRows and maxPaddedTokens must be >= 1, were "
                    + maxRows + " and " + maxPaddedTokens);
        }
        Integer[] order = new Integer[texts.size()];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, (x, y) -> Integer.compare(texts.get(y).tokenCount(), texts.get(x).tokenCount()));
        List<int[]> batches = new ArrayList<>();
        for (int start = 0; start < order.length; ) {
            int width = Math.max(1, texts.get(order[start]).tokenCount());
            int rows = Math.min(order.length - start, Math.min(maxRows, Math.max(1, maxPaddedTokens / width)));
            int[] batch = new int[rows];
            for (int r = 0; r < rows; r++) {
                batch[r] = order[start + r];
            }
            batches.add(batch);
            start += rows;
        }
        return batches;
    }
}
