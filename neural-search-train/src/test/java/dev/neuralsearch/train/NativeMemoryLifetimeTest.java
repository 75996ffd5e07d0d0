package dev.neuralsearch.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.neuralsearch.encoder.ModelSpec;
import dev.neuralsearch.encoder.Presets;
import dev.neuralsearch.tokenize.TextTokenizer;
import dev.neuralsearch.train.bert.BertConfig;
import dev.neuralsearch.train.bert.BertModel;
import dev.neuralsearch.train.bert.BertWeights;
import dev.neuralsearch.train.bert.TokenBatch;
import dev.neuralsearch.train.onnx.OnnxModelFile;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A backward pass must not read memory the JVM has freed since the forward pass. DJL's PyTorch engine wraps Java
 * data (numbers passed to {@code mul(Number)} and the like, arrays from {@code NDManager.create}) without copying,
 * and only the Java array object keeps that memory alive; autograd keeps the tensor longer. These tests run a
 * garbage collection between forward and backward and then fill the freed memory with 0xFF bytes (NaN as floats,
 * -1 as longs), so a backward that still reads it computes garbage or fails.
 */
class NativeMemoryLifetimeTest {

    @Test
    void aScalarConstantOutlivesItsHandle() throws Exception {
        try (NDManager m = Torch.engine().newBaseManager()) {
            NDArray x = m.ones(new Shape(4));
            x.setRequiresGradient(true);
            try (GradientCollector gc = Torch.engine().newGradientCollector()) {
                NDArray y;
                try (NDManager step = m.newSubManager()) {
                    NDArray three = Torch.scalar(x, 3f);
                    three.attach(step);
                    y = x.mul(three).div(Torch.scalar(x, 0.5f)).maximum(Torch.scalar(x, 1f));
                    y.attach(m);
                } // every Java handle of the constants is closed here
                List<ByteBuffer> held = collectGarbageAndReuseFreedMemory();
                gc.backward(y.sum());
                assertThat(held).isNotEmpty(); // the buffers stay reachable until backward has run
            }
            assertThat(x.getGradient().toFloatArray()).containsExactly(6f, 6f, 6f, 6f);
        }
    }

    @Test
    void modelGradientsDoNotDependOnWhenTheGarbageCollectorRuns() throws Exception {
        ModelSpec spec = Presets.ALL_MINILM_L6_V2;
        OnnxModelFile onnx = OnnxModelFile.read(spec.model());
        BertConfig config = BertConfig.from(onnx);
        InBatchNegativesLoss loss = new InBatchNegativesLoss();
        try (TextTokenizer tok = TextTokenizer.fromBytes(spec.tokenizer().readAllBytes(), "minilm", 48);
             NDManager root = Torch.engine().newBaseManager();
             BertWeights weights = BertWeights.load(onnx, root)) {
            TokenBatch q = TokenBatch.of(tok.encodeAll(TrainingStepTest.QUERIES));
            TokenBatch p = TokenBatch.of(tok.encodeAll(TrainingStepTest.POSITIVES));
            BertModel model = new BertModel(config, weights);
            weights.setTrainable(true);
            float[][] quiet = gradients(model, weights, loss, root, q, p, spec, false);
            float[][] collected = gradients(model, weights, loss, root, q, p, spec, true);
            for (int i = 0; i < quiet.length; i++) {
                assertThat(maxAbsDifference(collected[i], quiet[i])).as(PARAMETERS.get(i)).isLessThanOrEqualTo(1e-6 * maxAbs(quiet[i]));
            }
            assertThat(maxAbs(quiet[0])).as("a real gradient").isPositive();
        }
    }

    static final List<String> PARAMETERS = List.of("embeddings.word_embeddings.weight",
            "encoder.layer.0.attention.self.query.weight", "encoder.layer.5.intermediate.dense.weight");

    private static float[][] gradients(BertModel model, BertWeights weights, InBatchNegativesLoss loss, NDManager root,
                                       TokenBatch q, TokenBatch p, ModelSpec spec, boolean collectBetween) {
        weights.zeroGradients();
        try (NDManager m = root.newSubManager(); GradientCollector gc = Torch.engine().newGradientCollector()) {
            NDArray l = loss.compute(model.encode(m, q, spec.pooling(), true, false),
                    model.encode(m, p, spec.pooling(), true, false));
            if (collectBetween) {
                collectGarbageAndReuseFreedMemory();
            }
            gc.backward(l);
        }
        float[][] out = new float[PARAMETERS.size()][];
        try (NDManager m = root.newSubManager()) {
            for (int i = 0; i < out.length; i++) {
                out[i] = weights.gradient(PARAMETERS.get(i), m).toFloatArray();
            }
        }
        return out;
    }

    private static double maxAbsDifference(float[] a, float[] b) {
        double d = 0;
        for (int i = 0; i < a.length; i++) {
            d = Math.max(d, Math.abs((double) a[i] - b[i]));
        }
        return d;
    }

    private static double maxAbs(float[] a) {
        double d = 0;
        for (float f : a) {
            d = Math.max(d, Math.abs(f));
        }
        return d;
    }

    /** Runs the collector (direct buffers are freed by their cleaners) and allocates over the freed memory. */
    private static List<ByteBuffer> collectGarbageAndReuseFreedMemory() {
        for (int i = 0; i < 3; i++) {
            System.gc();
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        List<ByteBuffer> held = new ArrayList<>();
        for (int size = 4; size <= 8192; size *= 2) {
            for (int i = 0; i < 2000; i++) {
                ByteBuffer b = ByteBuffer.allocateDirect(size);
                for (int j = 0; j < size; j++) {
                    b.put(j, (byte) 0xFF);
                }
                held.add(b);
            }
        }
        return held;
    }
}
