package dev.neuralsearch.bench;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.neuralsearch.onnx.OnnxEnvironment;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The hand-written MatMul graphs load in ONNX Runtime and compute what they claim. */
class OnnxGraphsTest {

    @Test
    void floatMatMulMultiplies() throws Exception {
        // A (2x3) x B (3x2)
        float[] a = {1, 2, 3, 4, 5, 6};
        float[] b = {1, 0, 0, 1, 1, 1};
        OrtEnvironment env = OnnxEnvironment.get();
        try (OrtSession s = env.createSession(OnnxGraphs.matMulFloat(2, 3, 2, b), new OrtSession.SessionOptions());
             OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(a), new long[] {2, 3});
             OrtSession.Result r = s.run(Map.of("A", in))) {
            float[][] c = (float[][]) r.get(0).getValue();
            assertThat(c[0]).containsExactly(4f, 5f);
            assertThat(c[1]).containsExactly(10f, 11f);
        }
    }

    @Test
    void integerMatMulMultipliesUnsignedBySigned() throws Exception {
        byte[] a = {1, 2, (byte) 200, 4}; // uint8: 1 2 / 200 4
        byte[] b = {1, -1, 2, 3};         // int8:  1 -1 / 2 3
        OrtEnvironment env = OnnxEnvironment.get();
        ByteBuffer buf = ByteBuffer.allocateDirect(4).put(a).flip();
        try (OrtSession s = env.createSession(OnnxGraphs.matMulInteger(2, 2, 2, b), new OrtSession.SessionOptions());
             OnnxTensor in = OnnxTensor.createTensor(env, buf, new long[] {2, 2}, OnnxJavaType.UINT8);
             OrtSession.Result r = s.run(Map.of("A", in))) {
            int[][] c = (int[][]) r.get(0).getValue();
            assertThat(c[0]).containsExactly(5, 5);
            assertThat(c[1]).containsExactly(208, -188);
        }
    }
}
