package dev.neuralsearch.train.bert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import dev.neuralsearch.encoder.BiEncoder;
import dev.neuralsearch.encoder.EncoderOptions;
import dev.neuralsearch.encoder.Presets;
import dev.neuralsearch.encoder.TextRole;
import dev.neuralsearch.train.Torch;
import dev.neuralsearch.train.onnx.OnnxModelFile;
import dev.neuralsearch.train.onnx.UnsupportedModelException;
import dev.neuralsearch.train.onnx.proto.OnnxProto.ModelProto;
import dev.neuralsearch.train.onnx.proto.OnnxProto.NodeProto;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BertConfigTest {
    @TempDir
    Path tmp;

    @Test
    void sizesComeFromTheWeightsAndHeadsFromTheGraph() {
        BertConfig minilm = BertConfig.from(OnnxModelFile.read(Presets.ALL_MINILM_L6_V2.model()));
        assertThat(minilm).isEqualTo(new BertConfig(30522, 384, 6, 12, 1536, 512, 2, 1e-12f, 0.1f, 0.1f));
        BertConfig zh = BertConfig.from(OnnxModelFile.read(Presets.BGE_SMALL_ZH_V15.model()));
        assertThat(zh.hidden()).isEqualTo(512);
        assertThat(zh.heads()).as("8 heads of 64, not hidden/32").isEqualTo(8);
        assertThat(zh.layers()).isEqualTo(4);
        assertThat(zh.intermediate()).isEqualTo(2048);
    }

    @Test
    void headsComeFromConfigJsonOrAnExplicitValueAndAreNeverGuessed() throws IOException {
        OnnxModelFile f = OnnxModelFile.read(Presets.ALL_MINILM_L6_V2.model());
        // the same model without the reshape constants that tell the heads
        ModelProto.Builder b = f.proto().toBuilder();
        List<NodeProto> kept = b.getGraph().getNodeList().stream().filter(n -> !n.getOpType().equals("Reshape")).toList();
        b.getGraphBuilder().clearNode().addAllNode(kept);
        Path dir = Files.createDirectories(tmp.resolve("m"));
        OnnxModelFile.writeAtomically(b.build(), dir.resolve("model.onnx"));
        OnnxModelFile stripped = OnnxModelFile.read(dir.resolve("model.onnx"));
        assertThat(stripped.attentionHeads(384)).isEmpty();
        assertThatThrownBy(() -> BertConfig.from(stripped)).isInstanceOf(UnsupportedModelException.class)
                .hasMessageContaining("attention heads").hasMessageContaining("explicitly");
        assertThat(BertConfig.from(stripped, OptionalInt.of(12)).heads()).isEqualTo(12);
        Files.writeString(dir.resolve("config.json"), "{\"num_attention_heads\": 6, \"layer_norm_eps\": 1e-5}");
        BertConfig fromJson = BertConfig.from(stripped, dir);
        assertThat(fromJson.heads()).isEqualTo(6);
        assertThat(fromJson.layerNormEps()).isEqualTo(1e-5f);
        assertThatThrownBy(() -> BertConfig.from(stripped, OptionalInt.of(7))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("divisible");
    }

    @Test
    void theWrongNumberOfHeadsGivesOtherVectors() {
        OnnxModelFile onnx = OnnxModelFile.read(Presets.ALL_MINILM_L6_V2.model());
        String text = "Heads split the hidden state into independent attention patterns.";
        try (BiEncoder ort = BiEncoder.load(Presets.ALL_MINILM_L6_V2, EncoderOptions.defaults().withSessions(1));
             NDManager root = Torch.engine().newBaseManager();
             BertWeights weights = BertWeights.load(onnx, root)) {
            float[] expected = ort.encode(text, TextRole.PASSAGE).vector();
            TokenBatch batch = TokenBatch.of(List.of(ort.tokenizer().encode(text)));
            double right;
            double wrong;
            try (NDManager m = root.newSubManager()) {
                right = BertForwardTest.cosine(new BertModel(BertConfig.from(onnx), weights)
                        .encode(m, batch, Presets.ALL_MINILM_L6_V2.pooling(), true, false).get(0).toFloatArray(), expected);
                wrong = BertForwardTest.cosine(new BertModel(BertConfig.from(onnx, OptionalInt.of(6)), weights)
                        .encode(m, batch, Presets.ALL_MINILM_L6_V2.pooling(), true, false).get(0).toFloatArray(), expected);
            }
            assertThat(right).isGreaterThanOrEqualTo(0.99999);
            assertThat(wrong).isLessThan(0.999);
        }
    }
}
