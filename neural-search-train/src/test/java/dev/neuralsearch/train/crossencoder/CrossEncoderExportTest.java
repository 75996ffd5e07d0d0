package dev.neuralsearch.train.crossencoder;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import ai.djl.ndarray.NDManager;
import dev.neuralsearch.encoder.ModelSpec;
import dev.neuralsearch.encoder.Presets;
import dev.neuralsearch.rerank.CrossEncoderReranker;
import dev.neuralsearch.tokenize.TextTokenizer;
import dev.neuralsearch.train.AdamW;
import dev.neuralsearch.train.Torch;
import dev.neuralsearch.train.bert.BertConfig;
import dev.neuralsearch.train.bert.BertModel;
import dev.neuralsearch.train.bert.BertWeights;
import dev.neuralsearch.train.bert.TokenBatch;
import dev.neuralsearch.train.onnx.OnnxModelFile;
import dev.neuralsearch.train.onnx.proto.OnnxProto.ModelProto;
import dev.neuralsearch.train.onnx.proto.OnnxProto.TensorProto;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exported cross-encoder, loaded by the rerank module's {@link CrossEncoderReranker} on ONNX Runtime, scores
 * pairs as the DJL model that was trained does; its graph ends in {@code logits [n, 1]}.
 */
class CrossEncoderExportTest {
    static final int MAX_LENGTH = 48;
    static final String QUERY = "how do vaccines train the immune system";
    static final List<String> PASSAGES = List.of(
            "A vaccine exposes the immune system to a harmless antigen so that memory cells form and respond quickly "
                    + "when the real pathogen appears, which is why a second exposure rarely causes disease at all.",
            "Yeast ferments sugars in the dough and releases carbon dioxide.",
            "The tilt of Earth's axis changes how directly sunlight strikes each hemisphere over the year.");

    @TempDir
    Path tmp;

    @Test
    void exportedModelLoadsInTheRerankerAndMatchesTheDjlScores() throws Exception {
        ModelSpec spec = Presets.ALL_MINILM_L6_V2;
        OnnxModelFile onnx = OnnxModelFile.read(spec.model());
        BertConfig config = BertConfig.from(onnx);
        Path dir = tmp.resolve("ce");
        float[] djl;
        float[] headW;
        float headB;
        try (TextTokenizer tok = TextTokenizer.fromBytes(spec.tokenizer().readAllBytes(), "minilm", MAX_LENGTH);
             NDManager root = Torch.engine().newBaseManager();
             BertWeights weights = BertWeights.load(onnx, root)) {
            Torch.seed(7);
            CrossEncoderModel model = CrossEncoderModel.withNewHead(new BertModel(config, weights), 7);
            model.setTrainable(true);
            // one real training step (lr 1e-4) so that backbone and head both differ from their starting values
            CrossEncoderExample ex = new CrossEncoderExample("q", QUERY, PASSAGES.get(0), PASSAGES.subList(1, 3));
            AdamW adam = new AdamW(model, 1e-4f, 0.01f);
            float[] before = weights.get("encoder.layer.3.output.dense.weight").toFloatArray();
            CrossEncoderTrainer.step(model, tok, List.of(ex), new CrossEncoderLoss(CrossEncoderLoss.Kind.BOTH, 0.1f),
                    3, 1, adam);
            assertThat(weights.get("encoder.layer.3.output.dense.weight").toFloatArray()).isNotEqualTo(before);
            headW = model.headWeight();
            headB = model.headBias();
            assertThat(headB).as("the bias moved off 0").isNotZero();
            List<String> queries = new ArrayList<>();
            PASSAGES.forEach(p -> queries.add(QUERY));
            try (NDManager m = root.newSubManager()) {
                djl = model.scores(m, TokenBatch.of(CrossEncoderModel.tokenizePairs(tok, queries, PASSAGES)), false)
                        .toFloatArray();
            }
            CrossEncoderExporter.write(onnx, weights.toInitializers(), headW, headB, config,
                    spec.tokenizer().readAllBytes(), MAX_LENGTH, null, dir);
        }

        assertThat(dir.resolve("model.onnx")).isRegularFile();
        assertThat(dir.resolve("tokenizer.json")).isRegularFile();
        try (CrossEncoderReranker rr = CrossEncoderReranker.load(dir)) {
            assertThat(rr.maxLength()).as("tokenizer_config.json carries the trained length").isEqualTo(MAX_LENGTH);
            assertThat(rr.usesTokenTypeIds()).isTrue();
            // the long passage is cut to fit MAX_LENGTH, the query kept whole
            assertThat(rr.tokenize(QUERY, PASSAGES.get(0)).tokenCount()).isBetween(MAX_LENGTH - 2, MAX_LENGTH);
            float[] ort = rr.score(QUERY, PASSAGES);
            System.out.printf("DJL %s%nORT %s%n", java.util.Arrays.toString(djl), java.util.Arrays.toString(ort));
            for (int i = 0; i < ort.length; i++) {
                assertThat(Math.abs(ort[i] - djl[i])).as("pair %d", i).isLessThan(1e-4f);
            }
            // the scores are not all the same: the head reads real, pair-specific states
            assertThat(Math.abs(ort[0] - ort[1]) + Math.abs(ort[1] - ort[2])).isGreaterThan(1e-4f);
        }

        // The graph: one output named logits of shape [n, 1]; inputs as the backbone's.
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions();
             OrtSession s = env.createSession(dir.resolve("model.onnx").toString(), so)) {
            Map<String, NodeInfo> outs = s.getOutputInfo();
            assertThat(outs.keySet()).containsExactly("logits");
            long[] shape = ((TensorInfo) outs.get("logits").getInfo()).getShape();
            assertThat(shape).hasSize(2);
            assertThat(shape[1]).isEqualTo(1);
            assertThat(s.getInputInfo().keySet()).containsExactlyInAnyOrder("input_ids", "attention_mask", "token_type_ids");
        }
        ModelProto m = OnnxModelFile.read(dir.resolve("model.onnx")).proto();
        List<String> inits = m.getGraph().getInitializerList().stream().map(TensorProto::getName).toList();
        assertThat(inits).contains(CrossEncoderModel.HEAD_WEIGHT, CrossEncoderModel.HEAD_BIAS);
        assertThat(m.getGraph().getNode(m.getGraph().getNodeCount() - 1).getOpType()).isEqualTo("Add");
        assertThat(Files.readString(dir.resolve("config.json"))).contains("BertForSequenceClassification");
    }

    @Test
    void pruningDropsWhatNoLongerLeadsToTheLogits() {
        ModelSpec spec = Presets.ALL_MINILM_L6_V2;
        OnnxModelFile onnx = OnnxModelFile.read(spec.model());
        int hidden = BertConfig.from(onnx).hidden();
        ModelProto withHead = CrossEncoderExporter.graph(onnx, Map.of(), new float[hidden], 0f);
        int before = onnx.proto().getGraph().getNodeCount();
        int after = withHead.getGraph().getNodeCount();
        // every backbone node feeds the last hidden state here, so exactly the three head nodes are added
        assertThat(after).isEqualTo(before + 3);
        // an extra dangling branch on the backbone graph (e.g. a pooler) is removed
        var g = onnx.proto().toBuilder();
        g.getGraphBuilder().addNode(dev.neuralsearch.train.onnx.proto.OnnxProto.NodeProto.newBuilder()
                .setName("pooler_like").setOpType("Tanh").addInput("last_hidden_state").addOutput("pooled"));
        g.getGraphBuilder().addOutput(dev.neuralsearch.train.onnx.proto.OnnxProto.ValueInfoProto.newBuilder()
                .setName("pooled"));
        OnnxModelFile extended = OnnxModelFile.parse(g.build().toByteArray(), "with-pooler");
        ModelProto pruned = CrossEncoderExporter.graph(extended, Map.of(), new float[hidden], 0f);
        assertThat(pruned.getGraph().getNodeList()).noneMatch(n -> n.getName().equals("pooler_like"));
        assertThat(pruned.getGraph().getOutputList()).extracting(v -> v.getName()).containsExactly("logits");
    }
}
