package dev.neuralsearch.train.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.neuralsearch.encoder.ModelSpec;
import dev.neuralsearch.encoder.Presets;
import dev.neuralsearch.train.onnx.proto.OnnxProto.GraphProto;
import dev.neuralsearch.train.onnx.proto.OnnxProto.ModelProto;
import dev.neuralsearch.train.onnx.proto.OnnxProto.NodeProto;
import dev.neuralsearch.train.onnx.proto.OnnxProto.OperatorSetIdProto;
import dev.neuralsearch.train.onnx.proto.OnnxProto.StringStringEntryProto;
import dev.neuralsearch.train.onnx.proto.OnnxProto.TensorProto;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class OnnxModelFileTest {
    @TempDir
    Path tmp;

    static Stream<Arguments> fp32Models() {
        // spec, layers, heads, hidden
        return Stream.of(Arguments.of(Presets.ALL_MINILM_L6_V2, 6, 12, 384),
                Arguments.of(Presets.BGE_SMALL_EN_V15, 12, 12, 384),
                Arguments.of(Presets.E5_SMALL_V2, 12, 12, 384),
                Arguments.of(Presets.BGE_SMALL_ZH_V15, 4, 8, 512));
    }

    @ParameterizedTest
    @MethodSource("fp32Models")
    void everyFloatInitializerMapsToABertParameter(ModelSpec spec, int layers, int heads, int hidden) {
        OnnxModelFile f = OnnxModelFile.read(spec.model());
        BertParameterMap map = f.bertParameters();
        assertThat(map.layers()).isEqualTo(layers);
        Set<String> mapped = new HashSet<>(map.initializerByParameter().values());
        assertThat(mapped).as("one initializer per parameter").hasSameSizeAs(map.initializerByParameter().values());
        for (TensorProto t : f.initializers().values()) {
            if (t.getDataType() == TensorProto.DataType.FLOAT_VALUE) {
                assertThat(mapped).as("fp32 initializer %s is mapped", t.getName()).contains(t.getName());
            } else {
                assertThat(map.skipped()).contains(t.getName());
            }
        }
        // the skipped ones are only non-float buffers (MiniLM and e5 carry int64 position_ids)
        for (String s : map.skipped()) {
            assertThat(f.initializers().get(s).getDataType()).isNotEqualTo(TensorProto.DataType.FLOAT_VALUE);
        }
        assertThat(map.initializerByParameter()).hasSize(5 + 16 * layers);
        // the MatMul->Add rule gives [in, out] weights whose out matches the named bias
        for (int l = 0; l < layers; l++) {
            for (String w : List.of("attention.self.query", "attention.self.key", "attention.self.value",
                    "attention.output.dense", "intermediate.dense", "output.dense")) {
                String p = "encoder.layer." + l + "." + w;
                assertThat(map.shape(p + ".weight")[1]).isEqualTo(map.shape(p + ".bias")[0]);
            }
            assertThat(map.shape("encoder.layer." + l + ".intermediate.dense.weight")).containsExactly(hidden, 4L * hidden);
            assertThat(map.shape("encoder.layer." + l + ".output.dense.weight")).containsExactly(4L * hidden, hidden);
        }
        assertThat(f.attentionHeads(hidden)).hasValue(heads);
        assertThat(f.layerNormEpsilon()).isPresent();
        assertThat(f.layerNormEpsilon().getAsDouble()).isCloseTo(1e-12, org.assertj.core.data.Offset.offset(1e-16));
    }

    @Test
    void canonicalNamesDropAPrefix() {
        assertThat(BertParameterMap.canonicalName("bert.encoder.layer.3.attention.self.query.bias"))
                .isEqualTo("encoder.layer.3.attention.self.query.bias");
        assertThat(BertParameterMap.canonicalName("embeddings.LayerNorm.weight")).isEqualTo("embeddings.LayerNorm.weight");
        assertThat(BertParameterMap.canonicalName("onnx::MatMul_1525")).isNull();
        assertThat(BertParameterMap.canonicalName("myencoder.layer.0.output.dense.bias")).isNull();
    }

    @Test
    void quantizedModelIsRefusedNamingTheReason() {
        assertThatThrownBy(() -> OnnxModelFile.read(Presets.ALL_MINILM_L6_V2_Q.model()))
                .isInstanceOf(UnsupportedModelException.class)
                .hasMessageContaining("all-minilm-l6-v2-q.onnx")
                .hasMessageContaining("quantized")
                .hasMessageContaining("fp32");
    }

    @Test
    void truncatedFileIsRefused() throws IOException {
        byte[] bytes = Presets.ALL_MINILM_L6_V2.model().readAllBytes();
        for (int cut : new int[] {bytes.length / 2, bytes.length - 7, 100}) {
            Path f = tmp.resolve("cut-" + cut + ".onnx");
            Files.write(f, Arrays.copyOf(bytes, cut));
            assertThatThrownBy(() -> OnnxModelFile.read(f))
                    .isInstanceOf(UnsupportedModelException.class)
                    .hasMessageContaining(f.toString())
                    .hasMessageContaining("truncated");
        }
    }

    @Test
    void somethingElseIsRefused() throws IOException {
        Path f = tmp.resolve("tokenizer.onnx");
        Files.write(f, Presets.ALL_MINILM_L6_V2.tokenizer().readAllBytes());
        assertThatThrownBy(() -> OnnxModelFile.read(f)).isInstanceOf(UnsupportedModelException.class)
                .hasMessageContaining("not");
        assertThatThrownBy(() -> OnnxModelFile.read(tmp.resolve("absent.onnx"))).isInstanceOf(UnsupportedModelException.class)
                .hasMessageContaining("not found");
    }

    @Test
    void externalDataIsRefused() throws IOException {
        TensorProto w = TensorProto.newBuilder().setName("w").addDims(2).setDataType(TensorProto.DataType.FLOAT_VALUE)
                .setDataLocation(TensorProto.DataLocation.EXTERNAL)
                .addExternalData(StringStringEntryProto.newBuilder().setKey("location").setValue("w.bin")).build();
        ModelProto model = ModelProto.newBuilder().setIrVersion(8)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(13))
                .setGraph(GraphProto.newBuilder().setName("g").addInitializer(w)
                        .addNode(NodeProto.newBuilder().setOpType("Identity").addInput("w").addOutput("y")))
                .build();
        Path f = tmp.resolve("external.onnx");
        Files.write(f, model.toByteArray());
        assertThatThrownBy(() -> OnnxModelFile.read(f)).isInstanceOf(UnsupportedModelException.class)
                .hasMessageContaining("external data").hasMessageContaining("w");
    }

    @Test
    void fileOver2GbIsRefusedBeforeReading() throws IOException {
        Path f = tmp.resolve("huge.onnx");
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
            raf.setLength(OnnxModelFile.MAX_BYTES + 1); // sparse: no disk space used
        }
        assertThatThrownBy(() -> OnnxModelFile.read(f)).isInstanceOf(UnsupportedModelException.class)
                .hasMessageContaining("2 GB");
    }

    @Test
    void unmappableWeightIsNamed() throws IOException {
        OnnxModelFile f = OnnxModelFile.read(Presets.ALL_MINILM_L6_V2.model());
        String bias = f.bertParameters().initializer("encoder.layer.2.attention.self.key.bias");
        String weight = f.bertParameters().initializer("encoder.layer.2.attention.self.key.weight");
        ModelProto.Builder b = f.proto().toBuilder();
        GraphProto.Builder g = b.getGraphBuilder();
        for (TensorProto.Builder t : g.getInitializerBuilderList()) {
            if (t.getName().equals(bias)) {
                t.setName("mystery_bias");
            }
        }
        for (NodeProto.Builder n : g.getNodeBuilderList()) {
            for (int i = 0; i < n.getInputCount(); i++) {
                if (n.getInput(i).equals(bias)) {
                    n.setInput(i, "mystery_bias");
                }
            }
        }
        Path out = tmp.resolve("renamed.onnx");
        OnnxModelFile.writeAtomically(b.build(), out);
        OnnxModelFile renamed = OnnxModelFile.read(out);
        assertThatThrownBy(renamed::bertParameters).isInstanceOf(UnsupportedModelException.class)
                .hasMessageContaining(out.toString())
                .hasMessageContaining("mystery_bias")
                .hasMessageContaining(weight)
                .hasMessageContaining("encoder.layer.2.attention.self.key.bias")
                .hasMessageContaining("encoder.layer.2.attention.self.key.weight");
    }

    @Test
    void writeReplacesOnlyTheGivenInitializersAndLeavesNoTemporaryFiles() throws IOException {
        OnnxModelFile f = OnnxModelFile.read(Presets.ALL_MINILM_L6_V2.model());
        String ln = f.bertParameters().initializer("embeddings.LayerNorm.weight");
        float[] before = f.floats(ln);
        float[] changed = before.clone();
        for (int i = 0; i < changed.length; i++) {
            changed[i] = i * 0.5f;
        }
        Path out = tmp.resolve("out").resolve("model.onnx");
        f.write(out, Map.of(ln, changed));
        try (Stream<Path> files = Files.list(out.getParent())) {
            assertThat(files.map(p -> p.getFileName().toString()).toList()).containsExactly("model.onnx");
        }
        OnnxModelFile back = OnnxModelFile.read(out);
        assertThat(back.floats(ln)).containsExactly(changed);
        assertThat(back.initializer(ln).orElseThrow().getFloatDataCount()).isZero();
        for (String name : f.initializers().keySet()) {
            if (!name.equals(ln)) {
                assertThat(back.initializer(name).orElseThrow()).as(name).isEqualTo(f.initializer(name).orElseThrow());
            }
        }
        assertThat(back.proto().getGraph().getNodeList()).isEqualTo(f.proto().getGraph().getNodeList());
        assertThat(back.proto().toBuilder().setGraph(GraphProto.getDefaultInstance()).build())
                .isEqualTo(f.proto().toBuilder().setGraph(GraphProto.getDefaultInstance()).build());
        // unchanged write: the same bytes (fields this code does not declare survive)
        Path same = tmp.resolve("same.onnx");
        f.write(same, Map.of());
        assertThat(ByteString.copyFrom(Files.readAllBytes(same)))
                .isEqualTo(ByteString.copyFrom(Presets.ALL_MINILM_L6_V2.model().readAllBytes()));
        assertThatThrownBy(() -> f.write(tmp.resolve("x.onnx"), Map.of(ln, new float[3])))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(ln);
    }
}
