package dev.neuralsearch.encoder;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.neuralsearch.core.ProgressListener;
import dev.neuralsearch.core.Similarity;
import dev.neuralsearch.core.TextEncoder;
import dev.neuralsearch.onnx.OnnxEnvironment;
import dev.neuralsearch.onnx.OnnxException;
import dev.neuralsearch.tokenize.LengthBatches;
import dev.neuralsearch.tokenize.TextTokenizer;
import dev.neuralsearch.tokenize.TokenizedText;
import dev.neuralsearch.tokenize.TokenizerException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
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
 * {@link EncoderOptions#sessions()} parallel sessions and returns vectors in input order, reporting
 * progress (texts done) to the listener from worker threads. Single texts run on the calling thread.
 *
 * <p>Thread-safe. {@link #close()} waits for running calls.
 */
public final class BiEncoder implements TextEncoder {
    private static final Logger LOG = LoggerFactory.getLogger(BiEncoder.class);
    private static final double BATCH_INVARIANCE_COSINE = 0.99999;

    private final ModelSpec spec;
    private final EncoderOptions options;
    private final TextTokenizer tokenizer;
    private final List<OrtSession> sessions;
    private final BlockingQueue<OrtSession> idle;
    private final ExecutorService workers;
    private final boolean hasTokenTypes;
    private final String idsName;
    private final String maskName;
    private final String typesName;
    private final String outputName;
    private final int dimension;
    private final boolean batchInvariant;
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private boolean closed;

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
        this.tokenizer = tok;
        List<OrtSession> created = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(options.sessions(), daemonThreads("neural-search-encoder-" + spec.id()));
        try {
            byte[] bytes = spec.model() instanceof ModelSource.File ? null : spec.model().readAllBytes();
            // The first session alone (a bad file fails once, clearly), the others in parallel.
            created.add(newSession(bytes));
            List<Future<?>> more = new ArrayList<>();
            for (int i = 1; i < options.sessions(); i++) {
                more.add(pool.submit(() -> created.add(newSession(bytes))));
            }
            await(more);
            OrtSession first = created.get(0);
            Map<String, NodeInfo> inputs = first.getInputInfo();
            this.idsName = requireInput(inputs, "input_ids");
            this.maskName = requireInput(inputs, "attention_mask");
            this.typesName = inputs.containsKey("token_type_ids") ? "token_type_ids" : null;
            this.hasTokenTypes = typesName != null;
            for (String name : inputs.keySet()) {
                if (!name.equals(idsName) && !name.equals(maskName) && !name.equals(typesName)) {
                    throw new ModelMismatchException("model " + spec.model().describe() + " has an input '" + name
                            + "' this encoder cannot feed (known: input_ids, attention_mask, token_type_ids)");
                }
            }
            Map<String, NodeInfo> outputs = first.getOutputInfo();
            String out = outputs.containsKey("last_hidden_state") ? "last_hidden_state"
                    : outputs.containsKey("token_embeddings") ? "token_embeddings"
                    : outputs.keySet().iterator().next();
            this.outputName = out;
            if (outputs.get(out).getInfo() instanceof TensorInfo ti && ti.getShape().length != 2 && ti.getShape().length != 3) {
                throw new ModelMismatchException("model " + spec.model().describe() + " output '" + out + "' has shape "
                        + Arrays.toString(ti.getShape()) + "; expected [batch, tokens, hidden] or [batch, hidden]");
            }
        } catch (RuntimeException | OrtException e) {
            pool.shutdownNow();
            created.forEach(BiEncoder::closeQuietly);
            tok.close();
            if (e instanceof RuntimeException re) {
                throw re;
            }
            throw new OnnxException("cannot inspect model " + spec.model().describe() + ": " + e.getMessage(), e);
        }
        this.sessions = List.copyOf(created);
        this.idle = new ArrayBlockingQueue<>(sessions.size(), false, sessions);
        this.workers = pool;
        try {
            this.dimension = probeVocabularyAndDimension();
            this.batchInvariant = !options.deterministic() || probeBatchInvariance();
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        LOG.info("loaded {} ({}-d, {} pooling, max {} tokens, {} session(s){}) in {} ms", spec.id(), dimension,
                spec.pooling(), spec.maxTokens(), sessions.size(),
                options.deterministic() && !batchInvariant ? ", one text per run for deterministic output" : "",
                (System.nanoTime() - start) / 1_000_000);
    }

    private OrtSession newSession(byte[] bytes) {
        return bytes == null
                ? OnnxEnvironment.createSession(((ModelSource.File) spec.model()).path(), options.session())
                : OnnxEnvironment.createSession(bytes, spec.model().describe(), options.session());
    }

    private String requireInput(Map<String, NodeInfo> inputs, String name) {
        if (!inputs.containsKey(name)) {
            throw new ModelMismatchException("model " + spec.model().describe() + " has no input '" + name
                    + "'; its inputs are " + inputs.keySet());
        }
        return name;
    }

    /**
     * Runs the highest token id the tokenizer can produce through the model: a tokenizer whose vocabulary
     * exceeds the model's embedding table fails here, at load time, rather than on some rare text later.
     * Also checks the vector dimension against the spec.
     */
    private int probeVocabularyAndDimension() {
        long maxId = tokenizer.vocabularySize() - 1L;
        TokenizedText probe = new TokenizedText(new long[] {maxId}, new long[] {1}, new long[] {0}, false);
        float[] v;
        try {
            v = runBatch(List.of(probe), sessions.get(0))[0];
        } catch (ModelMismatchException e) {
            throw new ModelMismatchException("tokenizer " + spec.tokenizer().describe() + " does not match model "
                    + spec.model().describe() + ": its vocabulary has " + tokenizer.vocabularySize()
                    + " tokens, more than the model's embedding table holds (" + e.getMessage() + ")", e);
        }
        if (spec.dimension() > 0 && v.length != spec.dimension()) {
            throw new ModelMismatchException("model " + spec.model().describe() + " gives " + v.length
                    + "-d vectors but spec " + spec.id() + " says " + spec.dimension());
        }
        return v.length;
    }

    /** Encodes a text alone and next to a much longer companion; equal results mean batching is safe. */
    private boolean probeBatchInvariance() {
        TokenizedText a = tokenizer.encode(spec.passagePrefix() + "Batch invariance probe: a short text.");
        TokenizedText b = tokenizer.encode(spec.passagePrefix()
                + "A considerably longer companion text, so that the probe text is padded inside the batch, "
                + "with different words, numbers like 1234 and 98.6, and punctuation; to see whether results move.");
        OrtSession s = sessions.get(0);
        float[] alone = runBatch(List.of(a), s)[0];
        float[] batched = runBatch(List.of(b, a), s)[1];
        double cos = cosine(alone, batched);
        boolean invariant = cos >= BATCH_INVARIANCE_COSINE;
        LOG.debug("{}: batched vs alone cosine {} -> batch-invariant: {}", spec.id(), cos, invariant);
        return invariant;
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
        return tokenizer;
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
        lock.readLock().lock();
        try {
            ensureOpen();
            TokenizedText t = tokenizer.encode(spec.prefix(role) + text);
            OrtSession s = borrow();
            try {
                return new EncodedText(runBatch(List.of(t), s)[0], t.tokenCount(), t.truncated());
            } finally {
                idle.add(s);
            }
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Bulk-encodes texts with the role's prefix; results in input order. */
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
        lock.readLock().lock();
        try {
            ensureOpen();
            List<TokenizedText> tokens = tokenizer.encodeAll(inputs);
            List<int[]> batches = plan(tokens);
            EncodedText[] results = new EncodedText[tokens.size()];
            AtomicLong done = new AtomicLong();
            long total = tokens.size();
            List<Future<?>> futures = new ArrayList<>(batches.size());
            for (int[] batch : batches) {
                futures.add(workers.submit(() -> {
                    List<TokenizedText> part = new ArrayList<>(batch.length);
                    for (int idx : batch) {
                        part.add(tokens.get(idx));
                    }
                    OrtSession s = borrow();
                    float[][] vectors;
                    try {
                        vectors = runBatch(part, s);
                    } finally {
                        idle.add(s);
                    }
                    for (int k = 0; k < batch.length; k++) {
                        TokenizedText t = part.get(k);
                        results[batch[k]] = new EncodedText(vectors[k], t.tokenCount(), t.truncated());
                    }
                    listener.onProgress(done.addAndGet(batch.length), total);
                    return null;
                }));
            }
            await(futures);
            return Arrays.asList(results);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Groups text indices into batches: longest first, under the text and padded-token budgets. */
    List<int[]> plan(List<TokenizedText> tokens) {
        return LengthBatches.plan(tokens, batchInvariant ? options.maxBatchSize() : 1, options.maxBatchTokens());
    }

    /** Runs one padded batch and returns pooled (and normalized) vectors in batch order. */
    float[][] runBatch(List<TokenizedText> batch, OrtSession session) {
        int n = batch.size();
        int len = 0;
        for (TokenizedText t : batch) {
            len = Math.max(len, t.tokenCount());
        }
        long[] ids = new long[n * len];
        long[] mask = new long[n * len];
        long[] types = hasTokenTypes ? new long[n * len] : null;
        for (int b = 0; b < n; b++) {
            TokenizedText t = batch.get(b);
            System.arraycopy(t.ids(), 0, ids, b * len, t.tokenCount());
            System.arraycopy(t.attentionMask(), 0, mask, b * len, t.tokenCount());
            if (types != null) {
                System.arraycopy(t.typeIds(), 0, types, b * len, t.tokenCount());
            }
        }
        long[] shape = {n, len};
        OrtEnvironment env = OnnxEnvironment.get();
        Map<String, OnnxTensor> inputs = new HashMap<>(4);
        try {
            inputs.put(idsName, OnnxTensor.createTensor(env, LongBuffer.wrap(ids), shape));
            inputs.put(maskName, OnnxTensor.createTensor(env, LongBuffer.wrap(mask), shape));
            if (types != null) {
                inputs.put(typesName, OnnxTensor.createTensor(env, LongBuffer.wrap(types), shape));
            }
            try (OrtSession.Result result = session.run(inputs, Set.of(outputName))) {
                OnnxTensor out = (OnnxTensor) result.get(0);
                long[] outShape = out.getInfo().getShape();
                FloatBuffer fb = out.getFloatBuffer();
                float[][] vectors = outShape.length == 3 ? pool(fb, n, (int) outShape[1], (int) outShape[2], mask, len)
                        : rows(fb, n, (int) outShape[1]);
                if (spec.normalize()) {
                    for (float[] v : vectors) {
                        normalizeInPlace(v);
                    }
                }
                return vectors;
            }
        } catch (OrtException e) {
            String msg = String.valueOf(e.getMessage());
            if (msg.contains("out of") && (msg.contains("bounds") || msg.contains("range")) || msg.contains("indices")) {
                throw new ModelMismatchException("model " + spec.model().describe() + " rejected token ids from tokenizer "
                        + spec.tokenizer().describe() + " (the tokenizer does not belong to this model?): " + msg, e);
            }
            throw new OnnxException("model " + spec.model().describe() + " failed on a batch of " + n + " x " + len
                    + " tokens: " + msg, e);
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }

    private float[][] pool(FloatBuffer fb, int n, int tokens, int hidden, long[] mask, int maskLen) {
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
                if (mask[b * maskLen + t] == 0) {
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

    private OrtSession borrow() {
        try {
            return idle.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for an encoder session", e);
        }
    }

    private static void await(List<Future<?>> futures) {
        RuntimeException failure = null;
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                futures.forEach(x -> x.cancel(true));
                throw new IllegalStateException("interrupted while encoding", e);
            } catch (ExecutionException e) {
                if (failure == null) {
                    Throwable c = e.getCause();
                    failure = c instanceof RuntimeException re ? re : new IllegalStateException(c);
                    futures.forEach(x -> x.cancel(false));
                }
            } catch (java.util.concurrent.CancellationException e) {
                // cancelled after an earlier failure
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private static List<float[]> vectors(List<EncodedText> encoded) {
        List<float[]> out = new ArrayList<>(encoded.size());
        for (EncodedText e : encoded) {
            out.add(e.vector());
        }
        return Collections.unmodifiableList(out);
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("encoder " + spec.id() + " is closed");
        }
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    private static void closeQuietly(OrtSession s) {
        try {
            s.close();
        } catch (OrtException | RuntimeException e) {
            LOG.debug("closing session: {}", e.toString());
        }
    }

    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            workers.shutdownNow();
            sessions.forEach(BiEncoder::closeQuietly);
            tokenizer.close();
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public String toString() {
        return "BiEncoder[" + spec.id() + ", " + dimension + "-d, " + sessions.size() + " session(s)]";
    }
}
