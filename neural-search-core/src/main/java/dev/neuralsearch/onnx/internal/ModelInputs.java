package dev.neuralsearch.onnx.internal;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.TensorInfo;
import dev.neuralsearch.encoder.ModelMismatchException;
import java.util.List;
import java.util.Map;

/**
 * The token inputs a Hugging Face transformer export takes, discovered from the model: {@code input_ids} and
 * {@code attention_mask} always, {@code token_type_ids} when the model has it (BERT-style; XLM-R-style
 * models have none). All are int64 tensors, or all int32 (some exports narrow them). Any other input is
 * refused: the runner could not feed it.
 *
 * @param tokenTypes whether the model takes {@code token_type_ids}
 * @param int32      whether the inputs are int32 tensors rather than int64
 */
public record ModelInputs(boolean tokenTypes, boolean int32) {
    public static final String INPUT_IDS = "input_ids";
    public static final String ATTENTION_MASK = "attention_mask";
    public static final String TOKEN_TYPE_IDS = "token_type_ids";

    /**
     * Reads the inputs of a session.
     *
     * @param model names the model in messages
     * @throws ModelMismatchException when a required input is missing, an input is unknown or not an integer
     *                                tensor, or int32 and int64 inputs are mixed
     */
    public static ModelInputs discover(Map<String, NodeInfo> inputs, String model) {
        for (String required : List.of(INPUT_IDS, ATTENTION_MASK)) {
            if (!inputs.containsKey(required)) {
                throw new ModelMismatchException("model " + model + " has no input '" + required + "'; its inputs are "
                        + inputs.keySet() + " (expected a Hugging Face transformer export)");
            }
        }
        Boolean int32 = null;
        for (NodeInfo info : inputs.values()) {
            String name = info.getName();
            if (!name.equals(INPUT_IDS) && !name.equals(ATTENTION_MASK) && !name.equals(TOKEN_TYPE_IDS)) {
                throw new ModelMismatchException("model " + model + " has an input '" + name + "' that cannot be fed"
                        + " (known: " + INPUT_IDS + ", " + ATTENTION_MASK + ", " + TOKEN_TYPE_IDS + ")");
            }
            if (!(info.getInfo() instanceof TensorInfo t)
                    || (t.type != OnnxJavaType.INT64 && t.type != OnnxJavaType.INT32)) {
                throw new ModelMismatchException("model " + model + ": input '" + name + "' is " + info.getInfo()
                        + "; expected an int64 (or int32) tensor");
            }
            boolean is32 = t.type == OnnxJavaType.INT32;
            if (int32 != null && int32 != is32) {
                throw new ModelMismatchException("model " + model + ": inputs mix int32 and int64 tensors");
            }
            int32 = is32;
        }
        return new ModelInputs(inputs.containsKey(TOKEN_TYPE_IDS), int32);
    }
}
