package dev.neuralsearch.encoder;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.neuralsearch.core.ProgressListener;
import dev.neuralsearch.core.Similarity;
import dev.neuralsearch.core.TextEncoder;
import dev.neuralsearch.onnx.OnnxEnvironment;
import dev.neuralsearch.onnx.internal.LengthBatches;
import dev.neuralsearch.onnx.internal.OnnxModelRunner;
import dev.neuralsearch.onnx.internal.PaddedBatch;
import dev.neuralsearch.tokenize.TextTokenizer;
import dev.neuralsearch.tokenize.TokenizedText;
import dev.neuralsearch.tokenize.TokenizerException;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bi-encoder (embedding model) running in-process on ONNX Runtime.
 *
 * <p>Inputs are discovered from the model ({@code input_ids}, {@code attention_mask}, and
 * {@code token_type_ids} when it has one); the output is {@code last_hidden_state} (or
 * {@code token_embeddings}, else the first output), pooled over the attention mask as the spec says, or a
 * 2-D output used as it is (already pooled). Vectors are L2-normalized when the spec says so.
 *
 * <p>Bulk encoding tokenizes everything, sorts texts by token count, cuts batches under the options'
 * text and token budgets (each batch padded only to its own longest text), runs them on
 * {@link EncoderOptions#sessions()} parallel sessions (the calling thread and helper threads) and returns
 * vectors in input order, reporting progress (texts done) to the listener from those threads. Single texts
 * run on the calling thread. Sessions, padding, batching and probes are the shared ONNX runner's.
 *
 * <p>Thread-safe. {@link #close()} waits for running calls.
 */
public final class BiEncoder implements TextEncoder {
    private static final Logger LOG = LoggerFactory.getLogger(BiEncoder.class);
    private static final double BATCH_INVARIANCE_COSINE = 0.99999;

    private final ModelSpec spec;
    private final EncoderOptions options;
    /** Owns the tokenizer and the sessions (one per {@link EncoderOptions#sessions()}). */
    private final OnnxModelRunner runner;
    private final int dimension;
    private final boolean batchInvariant;

    /** Loads a preset or any spec with default options. */
    public static BiEncoder load(ModelSpec spec) {
        return load(spec, EncoderOptions.defaults());
    }

    /** Loads a spec. */
    public static BiEncoder load(ModelSpec spec, EncoderOptions options) {
        return new BiEncoder(spec, options);
    }

    /** Loads an exported model directory (see {@link ModelSpec#fromDirectory(Path)}) with default options. */
    public static BiEncoder load(Path dir) {
        return load(ModelSpec.fromDirectory(dir), EncoderOptions.defaults());
    }

    /** Loads an exported model directory (see {@link ModelSpec#fromDirectory(Path)}). */
    public static BiEncoder load(Path dir, EncoderOptions options) {
        return load(ModelSpec.fromDirectory(dir), options);
    }

    private BiEncoder(ModelSpec spec, EncoderOptions options) {
        this.spec = Objects.requireNonNull(spec, "spec");
        this.options = Objects.requireNonNull(options, "options");
        long start = System.nanoTime();
        if (!spec.model().exists()) {
            spec.model().readAllBytes(); // throws ModelNotFoundException naming the file or the artifact
        }
        TextTokenizer tok;
        try {
            tok = spec.tokenizer() instanceof ModelSource.File f
                    ? TextTokenizer.fromFile(f.path(), spec.maxTokens())
                    : TextTokenizer.fromBytes(spec.tokenizer().readAllBytes(), spec.tokenizer().describe(), spec.maxTokens());
        } catch (TokenizerException e) {
            throw new ModelNotFoundException("cannot load the tokenizer of model " + spec.id() + ": " + e.getMessage(), e);
        }
        byte[] bytes;
        try {
            bytes = spec.model() instanceof ModelSource.File ? null : spec.model().readAllBytes(); // read once for all sessions
        } catch (RuntimeException e) {
            tok.close();
            throw e;
        }
        this.runner = OnnxModelRunner.builder("encoder " + spec.id(), spec.model().describe(), tok, () -> newSession(bytes))
                .tokenizerName(spec.tokenizer().describe())
                .pooledSessions(options.sessions())
                .parallelism(options.sessions(), "neural-search-encoder-" + spec.id())
                .output(this::chooseOutput)
                .build();
        try {
            this.dimension = probeVocabularyAndDimension();
            this.batchInvariant = !options.deterministic() || probeBatchInvariance();
        } catch (RuntimeException e) {
            runner.close();
            throw e;
        }
        LOG.info("loaded {} ({}-d, {} pooling, max {} tokens, {} session(s){}) in {} ms", spec.id(), dimension,
                spec.pooling(), spec.maxTokens(), runner.sessionCount(),
                options.deterministic() && !batchInvariant ? ", one text per run for deterministic output" : "",
                (System.nanoTime() - start) / 1_000_000);
    }

    private OrtSession newSession(byte[] bytes) {
        return bytes == null
                ? OnnxEnvironment.createSession(((ModelSource.File) spec.model()).path(), options.session())
                : OnnxEnvironment.createSession(bytes, spec.model().describe(), options.session());
    }

    /** {@code last_hidden_state}, else {@code token_embeddings}, else the first output: per token or pooled. */
    private String chooseOutput(Map<String, NodeInfo> outputs) {
        String out = outputs.containsKey("last_hidden_state") ? "last_hidden_state"
                : outputs.containsKey("token_embeddings") ? "token_embeddings"
                : outputs.keySet().iterator().next();
        if (outputs.get(out).getInfo() instanceof TensorInfo ti && ti.getShape().length != 2 && ti.getShape().length != 3) {
            throw new ModelMismatchException("model " + spec.model().describe() + " output '" + out + "' has shape "
                    + Arrays.toString(ti.getShape()) + "; expected [batch, tokens, hidden] or [batch, hidden]");
        }
        return out;
    }

    /**
     * Runs the highest token id the tokenizer can produce through the model: a tokenizer whose vocabulary
     * exceeds the model's embedding table fails here, at load time, rather than on some rare text later.
     * Also checks the vector dimension against the spec.
     */
    private int probeVocabularyAndDimension() {
        float[] v = runner.probeVocabulary(this::readVectors)[0];
        if (spec.dimension() > 0 && v.length != spec.dimension()) {
            throw new ModelMismatchException("model " + spec.model().describe() + " gives " + v.length
                    + "-d vectors but spec " + spec.id() + " says " + spec.dimension());
        }
        return v.length;
    }

    /** Encodes a text alone and next to a much longer companion; equal results mean batching is safe. */
    private boolean probeBatchInvariance() {
        TextTokenizer tokenizer = runner.tokenizer();
        TokenizedText a = tokenizer.encode(spec.passagePrefix() + "Batch invariance probe: a short text.");
        TokenizedText b = tokenizer.encode(spec.passagePrefix()
                + "A considerably longer companion text, so that the probe text is padded inside the batch, "
                + "with different words, numbers like 1234 and 98.6, and punctuation; to see whether results move.");
        return runner.probeBatchInvariance(a, b, this::readVectors, (alone, batched) -> {
            double cos = cosine(alone[0], batched[1]);
            boolean invariant = cos >= BATCH_INVARIANCE_COSINE;
            LOG.debug("{}: batched vs alone cosine {} -> batch-invariant: {}", spec.id(), cos, invariant);
            return invariant;
        });
    }

    @Override
    public String modelId() {
        return spec.id();
    }

    @Override
    public int dimension() {
        return dimension;
    }

    @Override
    public Similarity similarity() {
        return spec.normalize() ? Similarity.DOT_PRODUCT : Similarity.COSINE;
    }

    /** The preset's or spec's language ({@link ModelSpec#language()}). */
    @Override
    public String language() {
        return spec.language();
    }

    /** The spec this encoder was loaded from. */
    public ModelSpec spec() {
        return spec;
    }

    /** The options it runs with. */
    public EncoderOptions options() {
        return options;
    }

    /** The tokenizer (owned by this encoder: do not close it). */
    public TextTokenizer tokenizer() {
        return runner.tokenizer();
    }

    /**
     * Whether this model's vectors are independent of batch companions (measured at load). False for int8
     * models with dynamic quantization; with {@link EncoderOptions#deterministic()} such models are run one
     * text at a time. Always true when {@code deterministic} is off (the probe is skipped).
     */
    public boolean batchInvariant() {
        return batchInvariant;
    }

    @Override
    public float[] encodeQuery(String query) {
        return encode(query, TextRole.QUERY).vector();
    }

    @Override
    public List<float[]> encodeQueries(List<String> queries) {
        return vectors(encodeAll(queries, TextRole.QUERY, ProgressListener.NONE));
    }

    @Override
    public List<float[]> encodePassages(List<String> passages, ProgressListener progress) {
        return vectors(encodeAll(passages, TextRole.PASSAGE, progress));
    }

    /** Encodes one text as a passage, with its token count and truncation flag. */
    public EncodedText encode(String text) {
        return encode(text, TextRole.PASSAGE);
    }

    /**
     * Encodes one text (with the role's prefix) on the calling thread. An empty or blank text is encoded as
     * the prefix and special tokens alone: a valid, meaningless vector.
     */
    public EncodedText encode(String text, TextRole role) {
        Objects.requireNonNull(text, "text must not be null");
        Objects.requireNonNull(role, "role");
        return runner.whileOpen(() -> {
            TokenizedText t = runner.tokenizer().encode(spec.prefix(role) + text);
            return new EncodedText(runner.run(List.of(t), this::readVectors)[0], t.tokenCount(), t.truncated());
        });
    }

    /**
     * Bulk-encodes texts with the role's prefix; results in input order. Batches run on the calling thread
     * and {@code sessions - 1} helper threads, one session each; {@code progress} hears from all of them.
     */
    public List<EncodedText> encodeAll(List<String> texts, TextRole role, ProgressListener progress) {
        Objects.requireNonNull(texts, "texts must not be null");
        Objects.requireNonNull(role, "role");
        ProgressListener listener = progress == null ? ProgressListener.NONE : progress;
        String prefix = spec.prefix(role);
        List<String> inputs = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            String t = texts.get(i);
            if (t == null) {
                throw new NullPointerException("text " + i + " must not be null");
            }
            inputs.add(prefix + t);
        }
        if (inputs.isEmpty()) {
            return List.of();
        }
        return runner.whileOpen(() -> {
            List<TokenizedText> tokens = runner.tokenizer().encodeAll(inputs);
            EncodedText[] results = new EncodedText[tokens.size()];
            runner.runAll(tokens, maxRows(), options.maxBatchTokens(), this::readVectors, (batch, vectors) -> {
                for (int k = 0; k < batch.length; k++) {
                    TokenizedText t = tokens.get(batch[k]);
                    results[batch[k]] = new EncodedText(vectors[k], t.tokenCount(), t.truncated());
                }
            }, listener);
            return Arrays.asList(results);
        });
    }

    /** Groups text indices into batches: longest first, under the text and padded-token budgets. */
    List<int[]> plan(List<TokenizedText> tokens) {
        return LengthBatches.plan(tokens, maxRows(), options.maxBatchTokens());
    }

    /** Texts per model call: one when batching would change the vectors and determinism is asked for. */
    private int maxRows() {
        return batchInvariant ? options.maxBatchSize() : 1;
    }

    /** Pools (and normalizes) one batch's output: vectors in batch order. */
    private float[][] readVectors(OnnxValue value, PaddedBatch batch) throws OrtException {
        OnnxTensor out = (OnnxTensor) value;
        long[] outShape = out.getInfo().getShape();
        FloatBuffer fb = out.getFloatBuffer();
        int n = batch.rows();
        float[][] vectors = outShape.length == 3 ? pool(fb, batch, (int) outShape[1], (int) outShape[2])
                : rows(fb, n, (int) outShape[1]);
        if (spec.normalize()) {
            for (float[] v : vectors) {
                normalizeInPlace(v);
            }
        }
        return vectors;
    }

    private float[][] pool(FloatBuffer fb, PaddedBatch batch, int tokens, int hidden) {
        int n = batch.rows();
        float[][] out = new float[n][hidden];
        for (int b = 0; b < n; b++) {
            float[] v = out[b];
            int base = b * tokens * hidden;
            if (spec.pooling() == Pooling.CLS) {
                fb.get(base, v, 0, hidden);
                continue;
            }
            int count = 0;
            for (int t = 0; t < tokens; t++) {
                if (!batch.isToken(b, t)) {
                    continue;
                }
                count++;
                int off = base + t * hidden;
                for (int h = 0; h < hidden; h++) {
                    v[h] += fb.get(off + h);
                }
            }
            float inv = 1f / Math.max(count, 1);
            for (int h = 0; h < hidden; h++) {
                v[h] *= inv;
            }
        }
        return out;
    }

    private static float[][] rows(FloatBuffer fb, int n, int hidden) {
        float[][] out = new float[n][hidden];
        for (int b = 0; b < n; b++) {
            fb.get(b * hidden, out[b], 0, hidden);
        }
        return out;
    }

    static void normalizeInPlace(float[] v) {
        double sum = 0;
        for (float x : v) {
            sum += (double) x * x;
        }
        if (sum > 0) {
            float inv = (float) (1.0 / Math.sqrt(sum));
            for (int i = 0; i < v.length; i++) {
                v[i] *= inv;
            }
        }
    }

    static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }

    private static List<float[]> vectors(List<EncodedText> encoded) {
        List<float[]> out = new ArrayList<>(encoded.size());
        for (EncodedText e : encoded) {
            out.add(e.vector());
        }
        return Collections.unmodifiableList(out);
    }

    /** Waits for running calls, then closes the sessions and the tokenizer. */
    @Override
    public void close() {
        runner.close();
    }

    @Override
    public String toString() {
        return "BiEncoder[" + spec.id() + ", " + dimension + "-d, " + runner.sessionCount() + " session(s)]";
    }
}
