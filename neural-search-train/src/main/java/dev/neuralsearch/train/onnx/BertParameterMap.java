package dev.neuralsearch.train.onnx;

import dev.neuralsearch.train.onnx.proto.OnnxProto.NodeProto;
import dev.neuralsearch.train.onnx.proto.OnnxProto.TensorProto;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which initializer of an exported BERT model holds which parameter, under the canonical Hugging Face names
 * ({@code embeddings.word_embeddings.weight}, {@code encoder.layer.3.attention.self.query.weight}, ...; see
 * {@link #layerNames(int)} and {@link #EMBEDDING_NAMES}).
 *
 * <p>The rule. Exporters keep the Hugging Face name on embeddings, LayerNorm parameters and biases (any prefix
 * before {@code embeddings.}, {@code encoder.} or {@code pooler.}, such as {@code bert.}, is dropped), but the
 * weights of the Linear layers become anonymous ({@code onnx::MatMul_1525}) and are stored transposed,
 * {@code [in, out]}, as the right-hand input of a {@code MatMul}. Each such {@code MatMul} feeds exactly one
 * {@code Add} whose other input is a named bias; the weight takes the bias's name with {@code .bias} replaced by
 * {@code .weight}. The weight's output size must equal the bias's length. Linear weights keep the stored
 * {@code [in, out]} layout here (the forward pass multiplies by them as they are), so weights go back into the
 * file unchanged in layout.
 *
 * <p>Initializers that are not parameters are skipped and listed in {@link #skipped()}: non-float constants
 * (such as the int64 {@code position_ids} buffer or reshape targets) and fp32 scalars. Any other fp32
 * initializer that cannot be mapped, a missing parameter, a parameter found twice, or a Linear weight used
 * otherwise than as a {@code MatMul}'s right-hand input ({@code Gemm}, {@code Transpose}) is refused with an
 * {@link UnsupportedModelException} naming the initializers concerned.
 */
public final class BertParameterMap {
    /** Embedding parameters; {@code token_type_embeddings} is optional. */
    public static final List<String> EMBEDDING_NAMES = List.of("embeddings.word_embeddings.weight",
            "embeddings.position_embeddings.weight", "embeddings.token_type_embeddings.weight",
            "embeddings.LayerNorm.weight", "embeddings.LayerNorm.bias");
    /** The optional pooler (dense + tanh over [CLS]); kept and written back, not used by the encoder. */
    public static final List<String> POOLER_NAMES = List.of("pooler.dense.weight", "pooler.dense.bias");
    /** The parameters of every layer, after {@code encoder.layer.<i>.}. */
    public static final List<String> LAYER_SUFFIXES = List.of(
            "attention.self.query.weight", "attention.self.query.bias",
            "attention.self.key.weight", "attention.self.key.bias",
            "attention.self.value.weight", "attention.self.value.bias",
            "attention.output.dense.weight", "attention.output.dense.bias",
            "attention.output.LayerNorm.weight", "attention.output.LayerNorm.bias",
            "intermediate.dense.weight", "intermediate.dense.bias",
            "output.dense.weight", "output.dense.bias",
            "output.LayerNorm.weight", "output.LayerNorm.bias");

    private static final Pattern CANONICAL = Pattern.compile(
            "(embeddings\\.(word_embeddings|position_embeddings|token_type_embeddings)\\.weight"
            + "|embeddings\\.LayerNorm\\.(weight|bias)"
            + "|encoder\\.layer\\.(\\d+)\\.(attention\\.self\\.(query|key|value)|attention\\.output\\.dense"
            + "|attention\\.output\\.LayerNorm|intermediate\\.dense|output\\.dense|output\\.LayerNorm)\\.(weight|bias)"
            + "|pooler\\.dense\\.(weight|bias))$");
    private static final Pattern LAYER = Pattern.compile("^encoder\\.layer\\.(\\d+)\\.");

    private final Map<String, String> initializerByParameter;
    private final Map<String, long[]> shapes;
    private final int layers;
    private final List<String> skipped;

    private BertParameterMap(Map<String, String> initializerByParameter, Map<String, long[]> shapes, int layers,
                             List<String> skipped) {
        this.initializerByParameter = Collections.unmodifiableMap(initializerByParameter);
        this.shapes = shapes;
        this.layers = layers;
        this.skipped = List.copyOf(skipped);
    }

    /** The canonical names of one layer's parameters. */
    public static List<String> layerNames(int layer) {
        List<String> out = new ArrayList<>(LAYER_SUFFIXES.size());
        for (String s : LAYER_SUFFIXES) {
            out.add("encoder.layer." + layer + "." + s);
        }
        return out;
    }

    /** The canonical name of a Hugging Face parameter name (any prefix before the BERT part dropped), or null. */
    public static String canonicalName(String initializerName) {
        Matcher m = CANONICAL.matcher(initializerName);
        if (!m.find()) {
            return null;
        }
        int start = m.start();
        if (start > 0 && initializerName.charAt(start - 1) != '.' && initializerName.charAt(start - 1) != '/') {
            return null;
        }
        return m.group(1);
    }

    static BertParameterMap of(OnnxModelFile file) {
        String model = file.name();
        Map<String, TensorProto> inits = file.initializers();
        Map<String, String> byParam = new LinkedHashMap<>();
        List<String> skipped = new ArrayList<>();
        List<String> unmapped = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        Map<String, List<NodeProto>> consumers = new HashMap<>();
        for (NodeProto n : file.proto().getGraph().getNodeList()) {
            for (String in : n.getInputList()) {
                consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(n);
            }
        }
        for (TensorProto t : inits.values()) {
            String name = t.getName();
            if (t.getDataType() != TensorProto.DataType.FLOAT_VALUE) {
                skipped.add(name);
                continue;
            }
            String canonical = canonicalName(name);
            if (canonical == null) {
                canonical = linearWeightName(t, consumers, inits, problems);
            }
            if (canonical == null) {
                if (OnnxModelFile.elementCount(t) <= 1) {
                    skipped.add(name);
                } else {
                    unmapped.add(name + " " + Arrays.toString(OnnxModelFile.shape(t)));
                }
                continue;
            }
            String before = byParam.putIfAbsent(canonical, name);
            if (before != null) {
                problems.add("both '" + before + "' and '" + name + "' map to " + canonical);
            }
        }
        if (!unmapped.isEmpty()) {
            problems.add(unmapped.size() + " fp32 initializer(s) are neither named BERT parameters nor MatMul weights "
                    + "feeding an Add of a named bias: " + limit(unmapped));
        }
        // Linear weights must be used as MatMul's right-hand input ([in, out]); anything else would need a transpose.
        for (Map.Entry<String, String> e : byParam.entrySet()) {
            if (isLinearWeight(e.getKey())) {
                for (NodeProto n : consumers.getOrDefault(e.getValue(), List.of())) {
                    if (!n.getOpType().equals("MatMul") || n.getInputCount() < 2 || !n.getInput(1).equals(e.getValue())) {
                        problems.add("weight " + e.getKey() + " ('" + e.getValue() + "') is used by a " + n.getOpType()
                                + " node, not as the right-hand input of a MatMul");
                    }
                }
            }
        }
        int layers = 0;
        for (String p : byParam.keySet()) {
            Matcher m = LAYER.matcher(p);
            if (m.find()) {
                layers = Math.max(layers, Integer.parseInt(m.group(1)) + 1);
            }
        }
        List<String> missing = new ArrayList<>();
        for (String p : EMBEDDING_NAMES) {
            if (!byParam.containsKey(p) && !p.equals("embeddings.token_type_embeddings.weight")) {
                missing.add(p);
            }
        }
        for (int l = 0; l < layers; l++) {
            for (String p : layerNames(l)) {
                if (!byParam.containsKey(p)) {
                    missing.add(p);
                }
            }
        }
        if (byParam.containsKey(POOLER_NAMES.get(0)) != byParam.containsKey(POOLER_NAMES.get(1))) {
            missing.add(byParam.containsKey(POOLER_NAMES.get(0)) ? POOLER_NAMES.get(1) : POOLER_NAMES.get(0));
        }
        if (layers == 0) {
            problems.add("no encoder layers found (no initializer named like encoder.layer.<i>.…)");
        }
        if (!missing.isEmpty()) {
            problems.add("parameters not found: " + limit(missing));
        }
        if (!problems.isEmpty()) {
            throw new UnsupportedModelException("cannot map the weights of model " + model
                    + " to BERT parameters (only BERT-family encoders exported with MatMul + Add linear layers are "
                    + "supported): " + String.join("; ", problems));
        }
        Map<String, String> ordered = new LinkedHashMap<>();
        Map<String, long[]> shapes = new HashMap<>();
        List<String> order = new ArrayList<>(EMBEDDING_NAMES);
        for (int l = 0; l < layers; l++) {
            order.addAll(layerNames(l));
        }
        order.addAll(POOLER_NAMES);
        for (String p : order) {
            String init = byParam.get(p);
            if (init != null) {
                ordered.put(p, init);
                shapes.put(p, OnnxModelFile.shape(inits.get(init)));
            }
        }
        return new BertParameterMap(ordered, shapes, layers, skipped);
    }

    /** The MatMul -> Add-of-a-named-bias rule; null when it does not apply. */
    private static String linearWeightName(TensorProto weight, Map<String, List<NodeProto>> consumers,
                                           Map<String, TensorProto> inits, List<String> problems) {
        if (weight.getDimsCount() != 2) {
            return null;
        }
        List<NodeProto> users = consumers.getOrDefault(weight.getName(), List.of());
        if (users.size() != 1 || !users.get(0).getOpType().equals("MatMul") || users.get(0).getInputCount() != 2
                || !users.get(0).getInput(1).equals(weight.getName())) {
            return null;
        }
        NodeProto matMul = users.get(0);
        List<NodeProto> next = consumers.getOrDefault(matMul.getOutput(0), List.of());
        if (next.size() != 1 || !next.get(0).getOpType().equals("Add")) {
            return null;
        }
        NodeProto add = next.get(0);
        String biasName = add.getInput(0).equals(matMul.getOutput(0)) ? add.getInput(1) : add.getInput(0);
        TensorProto bias = inits.get(biasName);
        String canonicalBias = bias == null ? null : canonicalName(biasName);
        if (canonicalBias == null || !canonicalBias.endsWith(".bias") || canonicalBias.contains("LayerNorm")) {
            return null;
        }
        long out = weight.getDims(1);
        if (bias.getDimsCount() != 1 || bias.getDims(0) != out) {
            problems.add("weight '" + weight.getName() + "' " + weight.getDimsList() + " feeds the Add of bias '"
                    + biasName + "' " + bias.getDimsList() + " of another size");
            return null;
        }
        return canonicalBias.substring(0, canonicalBias.length() - ".bias".length()) + ".weight";
    }

    /** Whether a canonical parameter is a Linear layer's weight (stored {@code [in, out]}). */
    public static boolean isLinearWeight(String parameter) {
        return parameter.endsWith(".weight") && !parameter.contains("LayerNorm") && !parameter.startsWith("embeddings.");
    }

    private static String limit(List<String> items) {
        return items.size() <= 8 ? items.toString()
                : items.subList(0, 8) + " and " + (items.size() - 8) + " more";
    }

    /** Canonical parameter name -> initializer name, embeddings first, then layer by layer, then the pooler. */
    public Map<String, String> initializerByParameter() {
        return initializerByParameter;
    }

    /** The initializer holding a parameter. */
    public String initializer(String parameter) {
        String i = initializerByParameter.get(parameter);
        if (i == null) {
            throw new IllegalArgumentException("no parameter " + parameter + "; known: " + initializerByParameter.keySet());
        }
        return i;
    }

    /** Whether the model has this parameter. */
    public boolean has(String parameter) {
        return initializerByParameter.containsKey(parameter);
    }

    /** A parameter's stored shape (Linear weights {@code [in, out]}). */
    public long[] shape(String parameter) {
        long[] s = shapes.get(parameter);
        if (s == null) {
            throw new IllegalArgumentException("no parameter " + parameter);
        }
        return s.clone();
    }

    /** Number of encoder layers. */
    public int layers() {
        return layers;
    }

    /** Initializers that are not parameters (non-float constants such as {@code position_ids}, fp32 scalars). */
    public List<String> skipped() {
        return skipped;
    }

    /** Parameters by group, for messages. */
    @Override
    public String toString() {
        Map<String, Integer> groups = new TreeMap<>();
        for (String p : initializerByParameter.keySet()) {
            groups.merge(p.startsWith("encoder.") ? "encoder" : p.substring(0, p.indexOf('.')), 1, Integer::sum);
        }
        return "BertParameterMap[" + layers + " layers, " + groups + ", skipped " + skipped + "]";
    }

}
