package dev.neuralsearch.train.onnx;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.neuralsearch.encoder.ModelSource;
import dev.neuralsearch.train.onnx.proto.OnnxProto.AttributeProto;
import dev.neuralsearch.train.onnx.proto.OnnxProto.GraphProto;
import dev.neuralsearch.train.onnx.proto.OnnxProto.ModelProto;
import dev.neuralsearch.train.onnx.proto.OnnxProto.NodeProto;
import dev.neuralsearch.train.onnx.proto.OnnxProto.TensorProto;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * An fp32 ONNX model held as its protobuf message, for reading weights out and writing trained weights back.
 *
 * <p>Reading refuses, with an {@link UnsupportedModelException} naming the file and the reason: files over 2 GB
 * (the protobuf limit; such models keep their weights in external files), weights stored in external data files,
 * quantized models (any int8/uint8 initializer or a quantization operator such as {@code QuantizeLinear},
 * {@code DynamicQuantizeLinear} or {@code MatMulInteger}), half-precision weights, and bytes that do not parse as a
 * complete model (a truncated download, for example).
 *
 * <p>Writing ({@link #write(Path, Map)}) replaces the data of named initializers, leaves everything else of the
 * message as it was (fields this code does not declare included) and writes atomically: a temporary file in the
 * target folder, then a rename.
 */
public final class OnnxModelFile {
    /** The largest file protobuf can parse (2 GB - 1). */
    public static final long MAX_BYTES = Integer.MAX_VALUE;

    /** Operators of quantized graphs (default and com.microsoft domains). */
    static final Set<String> QUANTIZATION_OPS = Set.of("QuantizeLinear", "DequantizeLinear", "DynamicQuantizeLinear",
            "MatMulInteger", "ConvInteger", "QLinearMatMul", "QLinearConv", "QLinearAdd", "QLinearMul",
            "MatMulIntegerToFloat", "DynamicQuantizeMatMul", "QAttention", "QGemm", "QOrderedMatMul",
            "MatMulNBits", "DynamicQuantizeLSTM");

    private final String name;
    private final ModelProto model;
    private final Map<String, TensorProto> initializers;
    private BertParameterMap bertParameters;

    private OnnxModelFile(String name, ModelProto model) {
        this.name = name;
        this.model = model;
        Map<String, TensorProto> byName = new LinkedHashMap<>();
        for (TensorProto t : model.getGraph().getInitializerList()) {
            byName.put(t.getName(), t);
        }
        this.initializers = Collections.unmodifiableMap(byName);
    }

    /** Reads a {@code .onnx} file. */
    public static OnnxModelFile read(Path file) {
        Objects.requireNonNull(file, "file");
        Path p = file.toAbsolutePath().normalize();
        byte[] bytes;
        try {
            long size = Files.size(p);
            if (size > MAX_BYTES) {
                throw new UnsupportedModelException("model " + p + " is " + size + " bytes; models over 2 GB (the "
                        + "protobuf limit, which such models meet by keeping weights in external data files) cannot be trained");
            }
            bytes = Files.readAllBytes(p);
        } catch (NoSuchFileException e) {
            throw new UnsupportedModelException("model file not found: " + p, e);
        } catch (IOException e) {
            throw new UnsupportedModelException("cannot read model file " + p + ": " + e.getMessage(), e);
        }
        return parse(bytes, p.toString());
    }

    /** Reads a model from a {@link ModelSource} (a file, or a resource of a packaged model jar). */
    public static OnnxModelFile read(ModelSource source) {
        Objects.requireNonNull(source, "source");
        if (source instanceof ModelSource.File f) {
            return read(f.path());
        }
        return parse(source.readAllBytes(), source.describe());
    }

    /** Parses the bytes of a {@code .onnx} file; {@code name} labels messages. */
    public static OnnxModelFile parse(byte[] bytes, String name) {
        Objects.requireNonNull(bytes, "bytes");
        Objects.requireNonNull(name, "name");
        ModelProto model;
        try {
            CodedInputStream in = CodedInputStream.newInstance(bytes);
            in.setSizeLimit(Integer.MAX_VALUE);
            model = ModelProto.parseFrom(in);
            in.checkLastTagWas(0);
        } catch (InvalidProtocolBufferException e) {
            throw new UnsupportedModelException("model " + name + " is not a valid ONNX file (truncated or corrupt?): "
                    + e.getMessage(), e);
        } catch (IOException e) {
            throw new UnsupportedModelException("cannot parse model " + name + ": " + e.getMessage(), e);
        }
        if (!model.hasGraph() || model.getGraph().getNodeCount() == 0 || model.getOpsetImportCount() == 0) {
            throw new UnsupportedModelException("model " + name + " is not a complete ONNX model (no graph"
                    + (model.hasGraph() ? " nodes" : "") + (model.getOpsetImportCount() == 0 ? " or no opset import" : "")
                    + "); is the file truncated?");
        }
        checkTrainable(model.getGraph(), name);
        return new OnnxModelFile(name, model);
    }

    private static void checkTrainable(GraphProto graph, String name) {
        List<String> external = new ArrayList<>();
        List<String> quantized = new ArrayList<>();
        List<String> halves = new ArrayList<>();
        for (TensorProto t : graph.getInitializerList()) {
            if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL || t.getExternalDataCount() > 0) {
                external.add(t.getName());
            }
            int type = t.getDataType();
            if (type == TensorProto.DataType.INT8_VALUE || type == TensorProto.DataType.UINT8_VALUE) {
                quantized.add(t.getName());
            } else if (type == TensorProto.DataType.FLOAT16_VALUE || type == TensorProto.DataType.BFLOAT16_VALUE) {
                halves.add(t.getName());
            }
        }
        if (!external.isEmpty()) {
            throw new UnsupportedModelException("model " + name + " keeps weights in external data files ("
                    + describe(external) + "); only models with all weights inside the .onnx file can be trained");
        }
        Set<String> quantOps = new TreeSet<>();
        for (NodeProto n : graph.getNodeList()) {
            if (QUANTIZATION_OPS.contains(n.getOpType())) {
                quantOps.add(n.getOpType());
            }
        }
        if (!quantized.isEmpty() || !quantOps.isEmpty()) {
            throw new UnsupportedModelException("model " + name + " is quantized ("
                    + (quantized.isEmpty() ? "" : quantized.size() + " int8/uint8 weights, e.g. " + describe(quantized))
                    + (quantized.isEmpty() || quantOps.isEmpty() ? "" : "; ")
                    + (quantOps.isEmpty() ? "" : "operators " + quantOps)
                    + "); train the fp32 model it was made from (e.g. the preset without the -q suffix)");
        }
        if (!halves.isEmpty()) {
            throw new UnsupportedModelException("model " + name + " has half-precision weights (" + describe(halves)
                    + "); only fp32 models can be trained");
        }
    }

    private static String describe(List<String> names) {
        return names.size() <= 3 ? String.join(", ", names)
                : String.join(", ", names.subList(0, 3)) + " and " + (names.size() - 3) + " more";
    }

    /** The file name or resource this model was read from. */
    public String name() {
        return name;
    }

    /** The whole model message. */
    public ModelProto proto() {
        return model;
    }

    /** The graph's initializers by name, in file order. */
    public Map<String, TensorProto> initializers() {
        return initializers;
    }

    /** An initializer by name. */
    public Optional<TensorProto> initializer(String initializerName) {
        return Optional.ofNullable(initializers.get(initializerName));
    }

    /** An fp32 initializer's values (row-major), from {@code raw_data} or {@code float_data}. */
    public float[] floats(String initializerName) {
        TensorProto t = initializers.get(initializerName);
        if (t == null) {
            throw new IllegalArgumentException("model " + name + " has no initializer '" + initializerName + "'");
        }
        return floats(t);
    }

    /** An fp32 tensor's values (row-major), from {@code raw_data} or {@code float_data}. */
    public static float[] floats(TensorProto t) {
        if (t.getDataType() != TensorProto.DataType.FLOAT_VALUE) {
            throw new IllegalArgumentException("tensor '" + t.getName() + "' is of ONNX data type " + t.getDataType()
                    + ", not float (1)");
        }
        long count = elementCount(t);
        float[] out;
        if (t.hasRawData()) {
            ByteBuffer b = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            if (b.remaining() != count * Float.BYTES) {
                throw new UnsupportedModelException("tensor '" + t.getName() + "' holds " + b.remaining()
                        + " bytes for " + count + " floats");
            }
            out = new float[(int) count];
            b.asFloatBuffer().get(out);
        } else {
            if (t.getFloatDataCount() != count) {
                throw new UnsupportedModelException("tensor '" + t.getName() + "' holds " + t.getFloatDataCount()
                        + " floats for shape " + t.getDimsList());
            }
            out = new float[(int) count];
            for (int i = 0; i < out.length; i++) {
                out[i] = t.getFloatData(i);
            }
        }
        return out;
    }

    /** An int64 tensor's values, from {@code raw_data} or {@code int64_data}. */
    public static long[] longs(TensorProto t) {
        if (t.getDataType() != TensorProto.DataType.INT64_VALUE) {
            throw new IllegalArgumentException("tensor '" + t.getName() + "' is of ONNX data type " + t.getDataType()
                    + ", not int64 (7)");
        }
        if (t.hasRawData()) {
            ByteBuffer b = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            long[] out = new long[b.remaining() / Long.BYTES];
            b.asLongBuffer().get(out);
            return out;
        }
        return t.getInt64DataList().stream().mapToLong(Long::longValue).toArray();
    }

    /** The tensor's shape. */
    public static long[] shape(TensorProto t) {
        return t.getDimsList().stream().mapToLong(Long::longValue).toArray();
    }

    /** Number of elements (1 for a scalar). */
    public static long elementCount(TensorProto t) {
        long n = 1;
        for (long d : t.getDimsList()) {
            n *= d;
        }
        return n;
    }

    /**
     * The BERT parameters of this model: which initializer holds which parameter (see {@link BertParameterMap}).
     *
     * @throws UnsupportedModelException when a weight cannot be mapped, naming it
     */
    public synchronized BertParameterMap bertParameters() {
        if (bertParameters == null) {
            bertParameters = BertParameterMap.of(this);
        }
        return bertParameters;
    }

    /**
     * The number of attention heads as the graph's exporter wrote it: the constant target shape
     * {@code [batch, tokens, heads, headSize]} that splits the query/key/value projections (a {@code Reshape}
     * whose shape is an initializer or a {@code Constant}, or a {@code Concat} of constant pieces), for the
     * given hidden size. Empty when no such shape is in the graph.
     */
    public java.util.OptionalInt attentionHeads(long hidden) {
        GraphProto g = model.getGraph();
        Map<String, long[]> constants = new HashMap<>();
        for (TensorProto t : g.getInitializerList()) {
            if (t.getDataType() == TensorProto.DataType.INT64_VALUE && elementCount(t) <= 8) {
                constants.put(t.getName(), longs(t));
            }
        }
        for (NodeProto n : g.getNodeList()) {
            if (n.getOpType().equals("Constant") && n.getOutputCount() == 1) {
                for (AttributeProto a : n.getAttributeList()) {
                    if (a.getName().equals("value") && a.hasT() && a.getT().getDataType() == TensorProto.DataType.INT64_VALUE
                            && elementCount(a.getT()) <= 8) {
                        constants.put(n.getOutput(0), longs(a.getT()));
                    } else if (a.getName().equals("value_ints")) {
                        constants.put(n.getOutput(0), a.getIntsList().stream().mapToLong(Long::longValue).toArray());
                    } else if (a.getName().equals("value_int")) {
                        constants.put(n.getOutput(0), new long[] {a.getI()});
                    }
                }
            }
        }
        // Unsqueeze of a constant scalar, and Concat of constant pieces, are constant too (dynamic-batch exports).
        for (NodeProto n : g.getNodeList()) {
            if (n.getOpType().equals("Unsqueeze") && n.getInputCount() >= 1 && constants.containsKey(n.getInput(0))
                    && n.getOutputCount() == 1) {
                constants.put(n.getOutput(0), constants.get(n.getInput(0)));
            }
        }
        Map<Long, Integer> votes = new java.util.TreeMap<>();
        for (NodeProto n : g.getNodeList()) {
            if (!n.getOpType().equals("Reshape") || n.getInputCount() < 2) {
                continue;
            }
            long[] shape = constants.get(n.getInput(1));
            if (shape == null) {
                shape = concatShape(g, n.getInput(1), constants);
            }
            if (shape != null && shape.length == 4 && shape[2] > 0 && shape[3] > 0 && shape[2] * shape[3] == hidden) {
                votes.merge(shape[2], 1, Integer::sum);
            }
        }
        return votes.entrySet().stream().max(Map.Entry.comparingByValue())
                .map(e -> java.util.OptionalInt.of(e.getKey().intValue())).orElse(java.util.OptionalInt.empty());
    }

    /**
     * The LayerNorm epsilon as the exporter wrote it: LayerNorm exported as primitive operators computes
     * {@code Sqrt(Add(variance, eps))}, with {@code eps} a float constant; the value found most often is returned.
     * Empty when the graph has no such pattern (a fused LayerNormalization operator, for example).
     */
    public java.util.OptionalDouble layerNormEpsilon() {
        GraphProto g = model.getGraph();
        Map<String, Float> scalars = new HashMap<>();
        for (TensorProto t : g.getInitializerList()) {
            if (t.getDataType() == TensorProto.DataType.FLOAT_VALUE && elementCount(t) == 1) {
                scalars.put(t.getName(), floats(t)[0]);
            }
        }
        Map<String, NodeProto> producer = new HashMap<>();
        for (NodeProto n : g.getNodeList()) {
            for (String o : n.getOutputList()) {
                producer.put(o, n);
            }
            if (n.getOpType().equals("Constant") && n.getOutputCount() == 1) {
                for (AttributeProto a : n.getAttributeList()) {
                    if (a.getName().equals("value") && a.hasT() && a.getT().getDataType() == TensorProto.DataType.FLOAT_VALUE
                            && elementCount(a.getT()) == 1) {
                        scalars.put(n.getOutput(0), floats(a.getT())[0]);
                    } else if (a.getName().equals("value_float")) {
                        scalars.put(n.getOutput(0), a.getF());
                    }
                }
            }
        }
        Map<Float, Integer> votes = new HashMap<>();
        for (NodeProto n : g.getNodeList()) {
            if (n.getOpType().equals("Sqrt") && n.getInputCount() == 1) {
                NodeProto add = producer.get(n.getInput(0));
                if (add != null && add.getOpType().equals("Add") && add.getInputCount() == 2) {
                    Float eps = scalars.containsKey(add.getInput(1)) ? scalars.get(add.getInput(1)) : scalars.get(add.getInput(0));
                    if (eps != null && eps > 0 && eps < 1e-3f) {
                        votes.merge(eps, 1, Integer::sum);
                    }
                }
            }
        }
        return votes.entrySet().stream().max(Map.Entry.comparingByValue())
                .map(e -> java.util.OptionalDouble.of(e.getKey())).orElse(java.util.OptionalDouble.empty());
    }

    /** The last two entries of a 4-piece Concat when they are constant (the first two are usually not). */
    private static long[] concatShape(GraphProto g, String value, Map<String, long[]> constants) {
        for (NodeProto n : g.getNodeList()) {
            if (n.getOpType().equals("Concat") && n.getOutputCount() == 1 && n.getOutput(0).equals(value)
                    && n.getInputCount() == 4) {
                long[] heads = constants.get(n.getInput(2));
                long[] size = constants.get(n.getInput(3));
                if (heads != null && size != null && heads.length == 1 && size.length == 1) {
                    return new long[] {-1, -1, heads[0], size[0]};
                }
            }
        }
        return null;
    }

    /**
     * Writes this model to {@code target} with the data of some fp32 initializers replaced (by initializer name;
     * each array must hold exactly the initializer's element count). Everything else is written as read. Atomic:
     * the file appears complete or not at all.
     */
    public void write(Path target, Map<String, float[]> replacements) {
        writeAtomically(withInitializers(replacements), target);
    }

    /** This model's message with the data of some fp32 initializers replaced (see {@link #write(Path, Map)}). */
    public ModelProto withInitializers(Map<String, float[]> replacements) {
        Objects.requireNonNull(replacements, "replacements");
        ModelProto.Builder mb = model.toBuilder();
        GraphProto.Builder gb = mb.getGraphBuilder();
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < gb.getInitializerCount(); i++) {
            index.put(gb.getInitializer(i).getName(), i);
        }
        for (Map.Entry<String, float[]> e : replacements.entrySet()) {
            Integer i = index.get(e.getKey());
            if (i == null) {
                throw new IllegalArgumentException("model " + name + " has no initializer '" + e.getKey() + "'");
            }
            TensorProto.Builder tb = gb.getInitializerBuilder(i);
            if (tb.getDataType() != TensorProto.DataType.FLOAT_VALUE) {
                throw new IllegalArgumentException("initializer '" + e.getKey() + "' is not fp32");
            }
            long count = 1;
            for (long d : tb.getDimsList()) {
                count *= d;
            }
            float[] data = e.getValue();
            if (data.length != count) {
                throw new IllegalArgumentException("initializer '" + e.getKey() + "' has " + count + " elements "
                        + tb.getDimsList() + ", replacement has " + data.length);
            }
            ByteBuffer buf = ByteBuffer.allocate(data.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            buf.asFloatBuffer().put(data);
            tb.setRawData(ByteString.copyFrom(buf.array())).clearFloatData();
        }
        return mb.build();
    }

    /** Writes a model message to a file atomically (temporary file in the same folder, then a rename). */
    public static void writeAtomically(ModelProto model, Path target) {
        Path t = target.toAbsolutePath().normalize();
        Path dir = t.getParent();
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            tmp = Files.createTempFile(dir, "." + t.getFileName() + ".", ".tmp");
            try (OutputStream out = Files.newOutputStream(tmp)) {
                model.writeTo(out);
            }
            try {
                Files.move(tmp, t, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, t, StandardCopyOption.REPLACE_EXISTING);
            }
            tmp = null;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot write model " + t + ": " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort
                }
            }
        }
    }

    @Override
    public String toString() {
        return "OnnxModelFile[" + name + ", " + initializers.size() + " initializers, "
                + model.getGraph().getNodeCount() + " nodes]";
    }
}
