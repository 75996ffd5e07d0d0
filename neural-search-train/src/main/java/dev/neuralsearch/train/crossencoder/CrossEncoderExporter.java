package dev.neuralsearch.train.crossencoder;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import dev.neuralsearch.train.ModelDirectoryWriter;
import dev.neuralsearch.train.TrainFiles;
import dev.neuralsearch.train.bert.BertConfig;
import dev.neuralsearch.train.onnx.OnnxModelFile;
import dev.neuralsearch.train.onnx.UnsupportedModelException;
import dev.neuralsearch.train.onnx.proto.OnnxProto.AttributeProto;
import dev.neuralsearch.train.onnx.proto.OnnxProto.GraphProto;
import dev.neuralsearch.train.onnx.proto.OnnxProto.ModelProto;
import dev.neuralsearch.train.onnx.proto.OnnxProto.NodeProto;
import dev.neuralsearch.train.onnx.proto.OnnxProto.TensorProto;
import dev.neuralsearch.train.onnx.proto.OnnxProto.TensorShapeProto;
import dev.neuralsearch.train.onnx.proto.OnnxProto.TypeProto;
import dev.neuralsearch.train.onnx.proto.OnnxProto.ValueInfoProto;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Writes a trained cross-encoder as a model directory that the rerank module's
 * {@code CrossEncoderReranker.load(dir)} loads unchanged, by surgery on the backbone's ONNX graph:
 *
 * <ol>
 *   <li>the backbone's initializers get the trained values;</li>
 *   <li>after the last-hidden-state output {@code [n, seq, hidden]} come three new nodes:
 *       {@code Gather(axis=1, indices=0)} (the CLS row, {@code [n, hidden]}), {@code MatMul} with the new initializer
 *       {@code classifier.weight [hidden, 1]}, {@code Add} with the new initializer {@code classifier.bias [1]};</li>
 *   <li>the graph's outputs are replaced by that sum, named {@code logits}, float {@code [batch_size, 1]};</li>
 *   <li>nodes, initializers and value_info entries that no longer lead to {@code logits} are pruned (a pooler
 *       head, other outputs); the graph inputs stay ({@code input_ids}, {@code attention_mask},
 *       {@code token_type_ids}).</li>
 * </ol>
 *
 * Beside {@code model.onnx}: {@code tokenizer.json} (the backbone's, byte for byte), {@code config.json} (a
 * {@code BertForSequenceClassification} configuration with one label, so the directory also documents itself and
 * can be read by Hugging Face tools) and {@code tokenizer_config.json} whose {@code model_max_length} is the
 * length the model was trained at: the reranker reads it and cuts pairs there by default. Scores are raw logits;
 * a sigmoid (the reranker's {@code sigmoid(true)}) turns them into the probabilities the losses saw, without
 * changing the order. A new directory appears complete or not at all (written beside it, then renamed); an
 * existing one has each file replaced atomically.
 */
public final class CrossEncoderExporter {
    /** The output the reranker looks for. */
    public static final String LOGITS = "logits";
    static final String CLS_INDEX = "classifier.cls_index";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private CrossEncoderExporter() {
    }

    /**
     * The backbone graph with trained weights and the classification head, outputs replaced by {@code logits}.
     *
     * @param backbone         the ONNX model the backbone was loaded from
     * @param backboneWeights  trained values per backbone initializer name ({@code BertWeights.toInitializers()})
     * @param headWeight       {@code w}, hidden values
     * @param headBias         {@code b}
     */
    public static ModelProto graph(OnnxModelFile backbone, Map<String, float[]> backboneWeights, float[] headWeight,
                                   float headBias) {
        Objects.requireNonNull(backbone, "backbone");
        ModelProto trained = backbone.withInitializers(backboneWeights);
        ModelProto.Builder mb = trained.toBuilder();
        GraphProto.Builder g = mb.getGraphBuilder();
        String hiddenOut = lastHiddenState(g, backbone.name());
        long hidden = headWeight.length;

        Set<String> taken = new HashSet<>();
        for (NodeProto n : g.getNodeList()) {
            taken.addAll(n.getOutputList());
            taken.add(n.getName());
        }
        for (TensorProto t : g.getInitializerList()) {
            taken.add(t.getName());
        }
        for (String name : List.of(CrossEncoderModel.HEAD_WEIGHT, CrossEncoderModel.HEAD_BIAS, CLS_INDEX, LOGITS)) {
            if (taken.contains(name)) {
                throw new UnsupportedModelException("model " + backbone.name() + " already has a value named '" + name
                        + "' (is it a cross-encoder already?)");
            }
        }

        g.addInitializer(floatTensor(CrossEncoderModel.HEAD_WEIGHT, headWeight, hidden, 1));
        g.addInitializer(floatTensor(CrossEncoderModel.HEAD_BIAS, new float[] {headBias}, 1));
        g.addInitializer(TensorProto.newBuilder().setName(CLS_INDEX).setDataType(TensorProto.DataType.INT64_VALUE)
                .setRawData(ByteString.copyFrom(ByteBuffer.allocate(Long.BYTES).order(ByteOrder.LITTLE_ENDIAN)
                        .putLong(0L).array()))); // a scalar (no dims): Gather then drops axis 1
        String cls = "classifier.cls";
        String projected = "classifier.matmul";
        g.addNode(NodeProto.newBuilder().setName("classifier/Gather").setOpType("Gather")
                .addInput(hiddenOut).addInput(CLS_INDEX).addOutput(cls)
                .addAttribute(AttributeProto.newBuilder().setName("axis").setType(2 /* INT */).setI(1)));
        g.addNode(NodeProto.newBuilder().setName("classifier/MatMul").setOpType("MatMul")
                .addInput(cls).addInput(CrossEncoderModel.HEAD_WEIGHT).addOutput(projected));
        g.addNode(NodeProto.newBuilder().setName("classifier/Add").setOpType("Add")
                .addInput(projected).addInput(CrossEncoderModel.HEAD_BIAS).addOutput(LOGITS));

        String batchDim = batchDimension(g, hiddenOut);
        TensorShapeProto.Dimension batch = batchDim != null
                ? TensorShapeProto.Dimension.newBuilder().setDimParam(batchDim).build()
                : TensorShapeProto.Dimension.newBuilder().setDimParam("batch_size").build();
        g.clearOutput();
        g.addOutput(ValueInfoProto.newBuilder().setName(LOGITS).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE)
                        .setShape(TensorShapeProto.newBuilder().addDim(batch)
                                .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(1))))));
        prune(g);
        return mb.build();
    }

    /** The output holding the last hidden states: one named {@code last_hidden_state}, else the only rank-3 output. */
    static String lastHiddenState(GraphProto.Builder g, String model) {
        List<String> rank3 = new ArrayList<>();
        for (ValueInfoProto o : g.getOutputList()) {
            if (o.getName().equals("last_hidden_state")) {
                return o.getName();
            }
            if (o.getType().hasTensorType() && o.getType().getTensorType().getShape().getDimCount() == 3) {
                rank3.add(o.getName());
            }
        }
        if (rank3.size() == 1) {
            return rank3.get(0);
        }
        throw new UnsupportedModelException("model " + model + ": cannot tell which output holds the last hidden states "
                + "[batch, tokens, hidden] (no output named last_hidden_state; rank-3 outputs: " + rank3 + ")");
    }

    private static String batchDimension(GraphProto.Builder g, String output) {
        for (ValueInfoProto o : g.getOutputList()) {
            if (o.getName().equals(output) && o.getType().hasTensorType()
                    && o.getType().getTensorType().getShape().getDimCount() > 0) {
                TensorShapeProto.Dimension d = o.getType().getTensorType().getShape().getDim(0);
                return d.hasDimParam() ? d.getDimParam() : null;
            }
        }
        return null;
    }

    /**
     * Keeps the nodes the outputs depend on, and the initializers and value_info entries those nodes use; graph
     * inputs stay. Nodes keep their (topological) order.
     */
    static void prune(GraphProto.Builder g) {
        Map<String, Integer> producer = new HashMap<>();
        for (int i = 0; i < g.getNodeCount(); i++) {
            for (String o : g.getNode(i).getOutputList()) {
                producer.put(o, i);
            }
        }
        boolean[] keep = new boolean[g.getNodeCount()];
        Set<String> used = new HashSet<>();
        Deque<String> todo = new ArrayDeque<>();
        for (ValueInfoProto o : g.getOutputList()) {
            todo.add(o.getName());
        }
        while (!todo.isEmpty()) {
            String v = todo.poll();
            if (!used.add(v)) {
                continue;
            }
            Integer p = producer.get(v);
            if (p != null && !keep[p]) {
                keep[p] = true;
                NodeProto n = g.getNode(p);
                todo.addAll(n.getInputList());
                for (AttributeProto a : n.getAttributeList()) {
                    if (a.hasG() || a.getGraphsCount() > 0) {
                        throw new UnsupportedModelException("node " + n.getName() + " (" + n.getOpType()
                                + ") has a subgraph; pruning such graphs is not supported");
                    }
                }
            }
        }
        List<NodeProto> nodes = new ArrayList<>();
        for (int i = 0; i < g.getNodeCount(); i++) {
            if (keep[i]) {
                nodes.add(g.getNode(i));
            }
        }
        List<TensorProto> inits = new ArrayList<>();
        for (TensorProto t : g.getInitializerList()) {
            if (used.contains(t.getName())) {
                inits.add(t);
            }
        }
        List<ValueInfoProto> infos = new ArrayList<>();
        for (ValueInfoProto v : g.getValueInfoList()) {
            if (used.contains(v.getName())) {
                infos.add(v);
            }
        }
        Set<String> initNames = new HashSet<>();
        inits.forEach(t -> initNames.add(t.getName()));
        List<ValueInfoProto> inputs = new ArrayList<>();
        for (ValueInfoProto in : g.getInputList()) {
            // an input that doubles as a dropped initializer (old IR style) goes with it
            boolean droppedInitializer = !initNames.contains(in.getName()) && !used.contains(in.getName())
                    && g.getInitializerList().stream().anyMatch(t -> t.getName().equals(in.getName()));
            if (!droppedInitializer) {
                inputs.add(in);
            }
        }
        g.clearNode().addAllNode(nodes);
        g.clearInitializer().addAllInitializer(inits);
        g.clearValueInfo().addAllValueInfo(infos);
        g.clearInput().addAllInput(inputs);
    }

    private static TensorProto floatTensor(String name, float[] values, long... dims) {
        ByteBuffer buf = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(values);
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE)
                .setRawData(ByteString.copyFrom(buf.array()));
        for (long d : dims) {
            t.addDims(d);
        }
        return t.build();
    }

    /**
     * Writes the model directory: {@code model.onnx} (see {@link #graph}), {@code tokenizer.json},
     * {@code config.json}, {@code tokenizer_config.json} and, when given, {@code training.json}.
     *
     * @param maxLength the pair length trained at (the reranker's default cut)
     * @param training  facts about the training run to record (may be null)
     * @return {@code dir}, absolute
     */
    public static Path write(OnnxModelFile backbone, Map<String, float[]> backboneWeights, float[] headWeight,
                             float headBias, BertConfig config, byte[] tokenizerJson, int maxLength,
                             ObjectNode training, Path dir) {
        Objects.requireNonNull(tokenizerJson, "tokenizerJson");
        if (maxLength < 4 || maxLength > config.maxPositions()) {
            throw new IllegalArgumentException("max length " + maxLength + " outside [4, " + config.maxPositions() + "]");
        }
        ModelProto model = graph(backbone, backboneWeights, headWeight, headBias);
        Path target = dir.toAbsolutePath().normalize();
        try {
            if (Files.isDirectory(target)) {
                writeFiles(model, config, tokenizerJson, maxLength, training, target);
                return target;
            }
            Files.createDirectories(target.getParent());
            Path tmp = Files.createTempDirectory(target.getParent(), "." + target.getFileName() + ".");
            try {
                writeFiles(model, config, tokenizerJson, maxLength, training, tmp);
                try {
                    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, target);
                }
                tmp = null;
            } finally {
                if (tmp != null) {
                    TrainFiles.deleteTree(tmp);
                }
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write cross-encoder directory " + target + ": " + e.getMessage(), e);
        }
    }

    private static void writeFiles(ModelProto model, BertConfig config, byte[] tokenizer, int maxLength,
                                   ObjectNode training, Path d) throws IOException {
        OnnxModelFile.writeAtomically(model, d.resolve("model.onnx"));
        TrainFiles.writeAtomically(d.resolve("tokenizer.json"), tokenizer);

        ObjectNode bert = ModelDirectoryWriter.bertConfigJson(config, "BertForSequenceClassification");
        bert.put("num_labels", 1);
        bert.putObject("id2label").put("0", "LABEL_0");
        bert.putObject("label2id").put("LABEL_0", 0);
        bert.put("classifier_input", "last_hidden_state[:, 0] (no pooler)");
        TrainFiles.writeAtomically(d.resolve("config.json"), JSON.writeValueAsBytes(bert));

        ObjectNode tok = JSON.createObjectNode();
        tok.put("model_max_length", maxLength);
        TrainFiles.writeAtomically(d.resolve("tokenizer_config.json"), JSON.writeValueAsBytes(tok));

        if (training != null) {
            TrainFiles.writeAtomically(d.resolve("training.json"), JSON.writeValueAsBytes(training));
        }
    }
}
