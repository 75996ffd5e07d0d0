package dev.neuralsearch.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import dev.neuralsearch.tokenize.TextTokenizer;
import dev.neuralsearch.tokenize.TokenizedText;
import java.io.InputStream;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Run in a separate JVM by {@link OnnxEnvironmentForkTest}: tokenizes a sentence, runs MiniLM once, and
 * prints the first values of the [CLS] hidden state and the entries of its own {@code java.io.tmpdir}.
 */
public final class ForkedSessionMain {
    private ForkedSessionMain() {
    }

    public static void main(String[] args) throws Exception {
        byte[] model;
        try (InputStream in = ForkedSessionMain.class.getClassLoader().getResourceAsStream("all-minilm-l6-v2.onnx")) {
            model = in.readAllBytes();
        }
        try (TextTokenizer tokenizer = TextTokenizer.fromClasspath("all-minilm-l6-v2-tokenizer.json", 256);
             OrtSession session = OnnxEnvironment.createSession(model, "all-minilm-l6-v2.onnx", SessionConfig.DEFAULT)) {
            TokenizedText t = tokenizer.encode("A long command line must not crash ONNX Runtime.");
            long[] shape = {1, t.tokenCount()};
            var env = OnnxEnvironment.get();
            Map<String, OnnxTensor> inputs = new HashMap<>();
            inputs.put("input_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(t.ids()), shape));
            inputs.put("attention_mask", OnnxTensor.createTensor(env, LongBuffer.wrap(t.attentionMask()), shape));
            inputs.put("token_type_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(t.typeIds()), shape));
            try (OrtSession.Result result = session.run(inputs)) {
                FloatBuffer out = ((OnnxTensor) result.get(0)).getFloatBuffer();
                float[] head = new float[4];
                out.get(head);
                System.out.println("EMBEDDING " + Arrays.toString(head));
            } finally {
                inputs.values().forEach(OnnxTensor::close);
            }
        }
        try (Stream<Path> s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            s.forEach(p -> System.out.println("TMP " + p.getFileName()));
        }
        System.out.println("NATIVE " + OnnxEnvironment.nativeLibraryDirectory());
        System.out.println("DONE");
    }
}
