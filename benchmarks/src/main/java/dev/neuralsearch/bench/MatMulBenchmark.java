package dev.neuralsearch.bench;

import ai.onnxruntime.OrtException;
import dev.neuralsearch.onnx.OnnxEnvironment;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The machine's ceiling for the encoders' main kernel: one large matrix multiply through ONNX Runtime, with the
 * same ORT build, default session options (intra-op threads = cores) and the same cores as the encoders.
 *
 * <p>{@code shape} is {@code MxKxN}: A is M x K (the activations, an input), B is K x N (the weights, a constant
 * initializer ORT may pre-pack). {@code 4096x384x1536} is an encoder feed-forward layer over a batch of 4096
 * tokens; {@code 2048x2048x2048} is a square multiply big enough to reach the kernel's peak. {@code type=int8} runs
 * MatMulInteger (uint8 x int8 -> int32), the kernel of the quantized encoders. The {@code flop} counter is
 * 2 M K N per run (counting integer multiply-adds the same way), reported per second.
 *
 * <p>The encoders' useful FLOP/s ({@link EncodeBenchmark}'s {@code flop} counter) divided by this is the fraction
 * of the ceiling they reach; {@link Ratios} prints it.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(value = 1, jvmArgsAppend = {"-Xmx4g"})
@State(Scope.Benchmark)
public class MatMulBenchmark {

    @Param({"4096x384x1536", "2048x2048x2048"})
    public String shape;

    @Param({"fp32", "int8"})
    public String type;

    private MatMulCeiling ceiling;

    @Setup(Level.Trial)
    public void setUp() throws OrtException {
        String[] p = shape.split("x");
        // the library's set-up (shared native dir, telemetry off), ONNX Runtime's default threads
        ceiling = new MatMulCeiling(OnnxEnvironment.get(), type, Integer.parseInt(p[0]), Integer.parseInt(p[1]),
                Integer.parseInt(p[2]), 0);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws OrtException {
        ceiling.close();
    }

    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Work {
        public long flop;
    }

    @Benchmark
    public long matmul(Work work) throws OrtException {
        work.flop += ceiling.ops;
        return ceiling.run();
    }
}
