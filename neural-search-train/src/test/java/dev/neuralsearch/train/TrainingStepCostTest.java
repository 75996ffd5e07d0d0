package dev.neuralsearch.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.neuralsearch.encoder.ModelSpec;
import dev.neuralsearch.encoder.Presets;
import dev.neuralsearch.eval.BeirDataset;
import dev.neuralsearch.testing.SharedData;
import dev.neuralsearch.tokenize.TextTokenizer;
import dev.neuralsearch.train.bert.BertConfig;
import dev.neuralsearch.train.bert.BertModel;
import dev.neuralsearch.train.bert.BertWeights;
import dev.neuralsearch.train.bert.TokenBatch;
import dev.neuralsearch.train.onnx.OnnxModelFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * What a training step costs: bge-small-en-v1.5 fp32, in-batch negatives over 16 SciFact train (query, positive)
 * pairs at up to 256 tokens, dropout on, AdamW 2e-5. Prints seconds per step and the process's peak resident
 * memory (VmHWM); run it with and without jemalloc ({@code LD_PRELOAD}), see docs/train.md. Needs ../shared.
 */
@Tag("heavy")
class TrainingStepCostTest {
    static final int BATCH = 16;
    static final int STEPS = 5;

    @Test
    void trainingStepsOnSciFactPairs() throws IOException {
        BeirDataset train = BeirDataset.load(SharedData.scifact(), "train");
        List<String> queries = new ArrayList<>();
        List<String> positives = new ArrayList<>();
        for (Map.Entry<String, String> q : train.queries().entrySet()) {
            for (Map.Entry<String, Integer> d : train.qrels().get(q.getKey()).entrySet()) {
                if (d.getValue() > 0) {
                    queries.add(q.getValue());
                    positives.add(train.corpus().get(d.getKey()).passage());
                    break;
                }
            }
            if (queries.size() == BATCH * (STEPS + 1)) {
                break;
            }
        }
        ModelSpec spec = Presets.BGE_SMALL_EN_V15_NO_INSTRUCTION;
        OnnxModelFile onnx = OnnxModelFile.read(spec.model());
        BertConfig config = BertConfig.from(onnx);
        InBatchNegativesLoss loss = new InBatchNegativesLoss();
        String malloc = String.valueOf(System.getenv("LD_PRELOAD")).contains("jemalloc") ? "jemalloc" : "glibc malloc";
        Torch.seed(42);
        try (TextTokenizer tok = TextTokenizer.fromBytes(spec.tokenizer().readAllBytes(), "bge", 256);
             NDManager root = Torch.engine().newBaseManager();
             BertWeights weights = BertWeights.load(onnx, root)) {
            BertModel model = new BertModel(config, weights);
            weights.setTrainable(true);
            AdamW updater = new AdamW(weights, 2e-5f, 0f);
            double measured = 0;
            for (int s = 0; s <= STEPS; s++) {
                int from = s * BATCH;
                TokenBatch q = TokenBatch.of(tok.encodeAll(queries.subList(from, from + BATCH)));
                TokenBatch p = TokenBatch.of(tok.encodeAll(positives.subList(from, from + BATCH)));
                long t0 = System.nanoTime();
                float value;
                try (NDManager m = root.newSubManager(); GradientCollector gc = Torch.engine().newGradientCollector()) {
                    NDArray l = loss.compute(model.encode(m, q, spec.pooling(), true, true),
                            model.encode(m, p, spec.pooling(), true, true));
                    value = l.getFloat();
                    gc.backward(l);
                }
                updater.step();
                double sec = (System.nanoTime() - t0) / 1e9;
                if (s > 0) {
                    measured += sec;
                }
                System.out.printf("[%s] step %d%s: batch %dx%d + %dx%d tokens, loss %.4f, %.2f s, VmRSS %s, VmHWM %s%n",
                        malloc, s, s == 0 ? " (warm-up)" : "", q.size(), q.length(), p.size(), p.length(), value, sec,
                        status("VmRSS"), status("VmHWM"));
                assertThat(value).isFinite();
            }
            System.out.printf("[%s] %.2f s per step (mean of %d after warm-up), peak RSS %s, load %s%n", malloc,
                    measured / STEPS, STEPS, status("VmHWM"), Files.readString(Path.of("/proc/loadavg")).trim());
        }
    }

    private static String status(String key) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith(key + ":")) {
                long kb = Long.parseLong(line.replaceAll("\\D", ""));
                return String.format("%.2f GiB", kb / 1024.0 / 1024.0);
            }
        }
        return "?";
    }
}
