package dev.neuralsearch.bench;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import java.util.Random;

/**
 * The compute ceiling an encoder is measured against: one ONNX Runtime MatMul (fp32) or MatMulInteger (uint8 x
 * int8) of shape m x k x n with constant random weights (seed 42). Used by {@link MatMulBenchmark} (JMH),
 * {@link EncodeComparison} (interleaved with the encoders) and the int8 op profile.
 */
public final class MatMulCeiling implements AutoCloseable {
    public final String type;
    public final String shape;
    /** Multiply-adds x 2 per run. */
    public final long ops;
    private final OrtSession session;
    private final OnnxTensor a;

    /**
     * @param type       {@code fp32} or {@code int8}
     * @param intraOpThreads ONNX Runtime intra-op threads, 0 = its default (all cores)
     */
    public MatMulCeiling(OrtEnvironment env, String type, int m, int k, int n, int intraOpThreads)
            throws OrtException {
        this.type = type;
        this.shape = m + "x" + k + "x" + n;
        this.ops = 2L * m * k * n;
        Random random = new Random(42);
        byte[] model;
        if (type.equals("int8")) {
            byte[] b = new byte[k * n];
            random.nextBytes(b);
            model = OnnxGraphs.matMulInteger(m, k, n, b);
            byte[] ab = new byte[m * k];
            random.nextBytes(ab);
            a = OnnxTensor.createTensor(env, ByteBuffer.allocateDirect(m * k).put(ab).flip(), new long[] {m, k},
                    OnnxJavaType.UINT8);
        } else if (type.equals("fp32")) {
            float[] b = new float[k * n];
            for (int i = 0; i < b.length; i++) {
                b[i] = (float) random.nextGaussian();
            }
            model = OnnxGraphs.matMulFloat(m, k, n, b);
            ByteBuffer buf = ByteBuffer.allocateDirect(m * k * 4).order(ByteOrder.nativeOrder());
            for (int i = 0; i < m * k; i++) {
                buf.putFloat((float) random.nextGaussian());
            }
            a = OnnxTensor.createTensor(env, buf.flip().asFloatBuffer(), new long[] {m, k});
        } else {
            throw new IllegalArgumentException("type is fp32 or int8, was " + type);
        }
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            if (intraOpThreads > 0) {
                options.setIntraOpNumThreads(intraOpThreads);
            }
            session = env.createSession(model, options);
        }
    }

    /** One multiplication; returns the number of outputs (so that JMH keeps the call). */
    public int run() throws OrtException {
        try (OrtSession.Result r = session.run(Map.of("A", a))) {
            return r.size();
        }
    }

    /** Runs for about {@code seconds} after one warm-up run; returns (FL)OP/s. */
    public double measure(double seconds) throws OrtException {
        run();
        long t0 = System.nanoTime();
        long runs = 0;
        long end = t0 + (long) (seconds * 1e9);
        while (System.nanoTime() < end) {
            run();
            runs++;
        }
        return runs * (double) ops / ((System.nanoTime() - t0) / 1e9);
    }

    @Override
    public void close() throws OrtException {
        a.close();
        session.close();
    }
}
