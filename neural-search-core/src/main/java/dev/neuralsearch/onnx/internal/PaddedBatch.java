package dev.neuralsearch.onnx.internal;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import dev.neuralsearch.tokenize.TokenizedText;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Tokenized texts padded into {@code [rows, width]} arrays, width being the longest text: ids padded with
 * the tokenizer's pad id, attention mask and token types with 0. Readers of a model's output use
 * {@link #isToken} to skip padding.
 */
public final class PaddedBatch {
    private final int rows;
    private final int width;
    private final long[] ids;
    private final long[] mask;
    private final long[] types;

    private PaddedBatch(int rows, int width, long[] ids, long[] mask, long[] types) {
        this.rows = rows;
        this.width = width;
        this.ids = ids;
        this.mask = mask;
        this.types = types;
    }

    /** Pads {@code batch}; {@code types} only when the model takes token type ids. */
    static PaddedBatch of(TokenizedText[] batch, long padId, boolean tokenTypes) {
        int rows = batch.length;
        int width = 0;
        for (TokenizedText t : batch) {
            width = Math.max(width, t.tokenCount());
        }
        long[] ids = new long[rows * width];
        long[] mask = new long[rows * width];
        long[] types = tokenTypes ? new long[rows * width] : null;
        if (padId != 0) {
            Arrays.fill(ids, padId);
        }
        for (int r = 0; r < rows; r++) {
            TokenizedText t = batch[r];
            int n = t.tokenCount();
            System.arraycopy(t.ids(), 0, ids, r * width, n);
            System.arraycopy(t.attentionMask(), 0, mask, r * width, n);
            if (types != null) {
                System.arraycopy(t.typeIds(), 0, types, r * width, n);
            }
        }
        return new PaddedBatch(rows, width, ids, mask, types);
    }

    /** Texts in the batch. */
    public int rows() {
        return rows;
    }

    /** Tokens per row after padding: the longest text's token count. */
    public int width() {
        return width;
    }

    /** Whether position {@code position} of row {@code row} is a real token (attention mask 1), not padding. */
    public boolean isToken(int row, int position) {
        return mask[row * width + position] != 0;
    }

    /** The token id at a position (the pad id past the row's text); for tests and inspection. */
    public long id(int row, int position) {
        return ids[row * width + position];
    }

    /** The model's feeds, by input name; the caller closes them. */
    Map<String, OnnxTensor> tensors(OrtEnvironment env, ModelInputs inputs) throws OrtException {
        long[] shape = {rows, width};
        Map<String, OnnxTensor> feeds = new HashMap<>(4);
        try {
            feeds.put(ModelInputs.INPUT_IDS, tensor(env, ids, shape, inputs.int32()));
            feeds.put(ModelInputs.ATTENTION_MASK, tensor(env, mask, shape, inputs.int32()));
            if (types != null) {
                feeds.put(ModelInputs.TOKEN_TYPE_IDS, tensor(env, types, shape, inputs.int32()));
            }
            return feeds;
        } catch (OrtException | RuntimeException e) {
            feeds.values().forEach(OnnxTensor::close);
            throw e;
        }
    }

    private static OnnxTensor tensor(OrtEnvironment env, long[] data, long[] shape, boolean int32) throws OrtException {
        if (!int32) {
            return OnnxTensor.createTensor(env, LongBuffer.wrap(data), shape);
        }
        int[] narrow = new int[data.length];
        for (int i = 0; i < data.length; i++) {
            narrow[i] = Math.toIntExact(data[i]);
        }
        return OnnxTensor.createTensor(env, IntBuffer.wrap(narrow), shape);
    }
}
