package dev.neuralsearch.onnx.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.neuralsearch.tokenize.TokenizedText;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LengthBatchesTest {

    private static List<TokenizedText> ofLengths(int... lengths) {
        List<TokenizedText> texts = new ArrayList<>();
        for (int len : lengths) {
            texts.add(new TokenizedText(new long[len], new long[len], new long[len], false));
        }
        return texts;
    }

    @Test
    void longestFirstUnderRowAndTokenBudgets() {
        // lengths 10, 50, 20, 50, 5: sorted 50(1), 50(3), 20(2), 10(0), 5(4); ties keep input order.
        // Budget 100 padded tokens, 3 rows: [1,3] (2*50=100), [2,0,4] (3*20=60).
        List<int[]> batches = LengthBatches.plan(ofLengths(10, 50, 20, 50, 5), 3, 100);
        assertThat(batches).containsExactly(new int[] {1, 3}, new int[] {2, 0, 4});
    }

    @Test
    void textLongerThanBudgetRunsAlone() {
        List<int[]> batches = LengthBatches.plan(ofLengths(300, 10, 10), 16, 100);
        assertThat(batches).containsExactly(new int[] {0}, new int[] {1, 2});
    }

    @Test
    void rejectsEmptyBudgets() {
        assertThatThrownBy(() -> LengthBatches.plan(ofLengths(1), 0, 10)).isInstanceOf(IllegalArgumentException.class);
    }
}
