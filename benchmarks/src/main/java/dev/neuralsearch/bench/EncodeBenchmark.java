package dev.neuralsearch.bench;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.neuralsearch.core.TextEncoder;
import java.util.List;
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
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Bulk encoding throughput: ours ({@code TextEncoder.encodePassages}) against langchain4j's in-process model
 * ({@code EmbeddingModel.embedAll}), same ONNX file, same tokenizer, same texts cut to the same max length.
 *
 * <p>One operation encodes the whole slice. The {@code docs}, {@code tokens} and {@code flop} counters are
 * reported per second, so JMH prints documents/s, tokens/s and useful FLOP/s directly. Each side runs in its
 * own fork, with the same JVM flags, in the same JMH run.
 *
 * <ul>
 *   <li>{@code input=docs}: the first {@code count} SciFact documents, title + " " + text.</li>
 *   <li>{@code input=queries}: the first {@code count} SciFact queries (short texts).</li>
 * </ul>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 10)
@Measurement(iterations = 5, time = 10)
@Fork(value = 1, jvmArgsAppend = {"-Xmx4g"})
@State(Scope.Benchmark)
public class EncodeBenchmark {

    @Param({"bge-small-en-v1.5", "bge-small-en-v1.5-q", "all-MiniLM-L6-v2", "all-MiniLM-L6-v2-q"})
    public String model;

    @Param({"docs", "queries"})
    public String input;

    @Param({"256"})
    public int count;

    Texts texts;
    List<TextSegment> segments;
    TextEncoder ours;
    EmbeddingModel langchain4j;

    @Setup(Level.Trial)
    public void setUp(BenchmarkParams params) {
        EncoderModel m = EncoderModel.of(model);
        List<String> source = switch (input) {
            case "docs" -> SciFact.corpus().stream().map(SciFact.Doc::text).toList();
            case "queries" -> SciFact.queries().stream().map(SciFact.Doc::text).toList();
            default -> throw new IllegalArgumentException("input is docs or queries, was " + input);
        };
        texts = Texts.of(m, source, count);
        System.out.println("# inputs: " + model + " " + input + ": " + texts);
        segments = texts.texts.stream().map(TextSegment::from).toList();
        // Only the side being measured is loaded, so the other's sessions and threads do not share the cores.
        // Both sides load the one ONNX Runtime on the classpath; setting it up through the library first only
        // decides where its native files are unpacked and switches telemetry off, for the peer as for us.
        dev.neuralsearch.onnx.OnnxEnvironment.get();
        if (params.getBenchmark().endsWith(".ours")) {
            ours = Ours.encoder(m);
        } else {
            langchain4j = m.langchain4j();
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (ours != null) {
            ours.close();
        }
    }

    /** Per-second counters; JMH resets them per iteration. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Work {
        public long docs;
        public long tokens;
        public long flop;
    }

    @Benchmark
    public void ours(Work work, Blackhole bh) {
        bh.consume(ours.encodePassages(texts.texts));
        count(work);
    }

    @Benchmark
    public void langchain4j(Work work, Blackhole bh) {
        bh.consume(langchain4j.embedAll(segments).content());
        count(work);
    }

    private void count(Work work) {
        work.docs += texts.size();
        work.tokens += texts.totalTokens;
        work.flop += (long) texts.totalFlops;
    }
}
