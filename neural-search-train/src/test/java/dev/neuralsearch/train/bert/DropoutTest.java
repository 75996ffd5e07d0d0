package dev.neuralsearch.train.bert;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import dev.neuralsearch.encoder.Pooling;
import dev.neuralsearch.encoder.Presets;
import dev.neuralsearch.tokenize.TextTokenizer;
import dev.neuralsearch.train.Torch;
import dev.neuralsearch.train.onnx.OnnxModelFile;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Training mode's dropout: on, seedable, and switchable off. */
class DropoutTest {
    @Test
    void dropoutIsSeededAndOnlyInTrainingMode() {
        OnnxModelFile onnx = OnnxModelFile.read(Presets.ALL_MINILM_L6_V2.model());
        BertConfig config = BertConfig.from(onnx);
        try (TextTokenizer tok = TextTokenizer.fromBytes(Presets.ALL_MINILM_L6_V2.tokenizer().readAllBytes(), "minilm", 64);
             NDManager root = Torch.engine().newBaseManager();
             BertWeights weights = BertWeights.load(onnx, root);
             NDManager m = root.newSubManager()) {
            TokenBatch batch = TokenBatch.of(List.of(tok.encode("Dropout is the noise of SimCSE."), tok.encode("A second text.")));
            BertModel model = new BertModel(config, weights);
            float[] eval1 = model.encode(m, batch, Pooling.MEAN, true, false).toFloatArray();
            float[] eval2 = model.encode(m, batch, Pooling.MEAN, true, false).toFloatArray();
            Torch.seed(7);
            float[] trainA = model.encode(m, batch, Pooling.MEAN, true, true).toFloatArray();
            float[] trainB = model.encode(m, batch, Pooling.MEAN, true, true).toFloatArray();
            Torch.seed(7);
            float[] trainA2 = model.encode(m, batch, Pooling.MEAN, true, true).toFloatArray();
            float[] noDropout = new BertModel(config.withDropout(0f, 0f), weights)
                    .encode(m, batch, Pooling.MEAN, true, true).toFloatArray();
            assertThat(eval2).containsExactly(eval1);
            assertThat(trainA).isNotEqualTo(eval1);
            assertThat(trainB).as("two passes, two masks").isNotEqualTo(trainA);
            assertThat(trainA2).as("same seed, same masks").containsExactly(trainA);
            assertThat(noDropout).containsExactly(eval1);
            // the noise is small: the two views stay close (SimCSE's positives), not identical
            double cos = BertForwardTest.cosine(java.util.Arrays.copyOf(trainA, 384), java.util.Arrays.copyOf(eval1, 384));
            assertThat(cos).isBetween(0.8, 0.99999);
        }
    }
}
