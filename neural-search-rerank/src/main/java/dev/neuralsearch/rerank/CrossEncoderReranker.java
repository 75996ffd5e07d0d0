package dev.neuralsearch.rerank;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.TensorInfo;
import dev.neuralsearch.core.ProgressListener;
import dev.neuralsearch.core.Reranker;
import dev.neuralsearch.encoder.ModelMismatchException;
import dev.neuralsearch.onnx.ExecutionProvider;
import dev.neuralsearch.onnx.OnnxEnvironment;
import dev.neuralsearch.onnx.SessionConfig;
import dev.neuralsearch.onnx.internal.OnnxModelRunner;
import dev.neuralsearch.onnx.internal.PaddedBatch;
import dev.neuralsearch.tokenize.TextTokenizer;
import dev.neuralsearch.tokenize.TokenizedText;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A cross-encoder reranker over any Hugging Face sequence-classification model exported to ONNX (a
 * directory with {@code model.onnx} and {@code tokenizer.json}, as {@code optimum-cli export onnx --task
 * text-classification} writes it), for example {@code cross-encoder/ms-marco-MiniLM-L-6-v2} or
 * {@code BAAI/bge-reranker-base}.
 *
 * <ul>
 *   <li>Query and passage are tokenized as a pair; only the passage is truncated to fit
 *       {@link Builder#maxLength(int)}.</li>
 *   <li>Inputs are discovered from the model: {@code input_ids} and {@code attention_mask} always,
 *       {@code token_type_ids} when the model has it (BERT-style; XLM-R-style models have none).</li>
 *   <li>Output logits of shape {@code [n, 1]} (or {@code [n]}) are the score, optionally through a sigmoid;
 *       of shape {@code [n, 2]} the score is the softmax probability of class 1 (the relevant class).</li>
 *   <li>Pairs are sorted by token length and batched with padding to each batch's longest pair, within a
 *       pair count and a padded-token budget; scores come back in input order.</li>
 *   <li>At load time, as the bi-encoder does, the tokenizer's highest id is run through the model (a
 *       tokenizer of another model fails here) and a pair is scored alone and in a padded batch: a model
 *       whose scores depend on their batch companions (int8, dynamic quantization) then runs one pair per
 *       call unless {@link Builder#deterministic(boolean)} is off.</li>
 * </ul>
 *
 * <p>Thread-safe: one ONNX Runtime session serves concurrent calls. {@link #close()} waits for running
 * calls; calls after it throw {@link IllegalStateException}. Input discovery, padding, the probes and the
 * parallel batches are the shared ONNX runner's, as for the bi-encoder.
 */
public final class CrossEncoderReranker implements Reranker {

    private static final Logger LOG = LoggerFactory.getLogger(CrossEncoderReranker.class);

    private static final AtomicInteger RUNNERS = new AtomicInteger();

    /** Relative score change above which a model counts as batch-dependent (float models move ~1e-6). */
    static final float BATCH_INVARIANCE_TOLERANCE = 1e-4f;

    private final String id;
    private final int maxLength;
    private final int maxBatchSize;
    private final int maxBatchTokens;
    private final boolean sigmoid;
    /** Owns the tokenizer and the one session that serves concurrent calls. */
    private final OnnxModelRunner runner;
    private final String outputName;
    private final boolean batchInvariant;
    /** Pairs per model call: maxBatchSize, or 1 when batching would change scores and determinism is asked for. */
    private final int rowsPerBatch;
    /** Model calls one {@link #score} request runs at once (the calling thread is one of them). */
    private final int parallelism;

    private CrossEncoderReranker(Builder b) {
        Path dir = b.directory;
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("cross-encoder model directory not found: " + dir.toAbsolutePath());
        }
        Path modelFile = b.modelFile != null ? ModelDirectory.modelFile(dir, b.modelFile) : ModelDirectory.modelFile(dir);
        Path tokenizerFile = ModelDirectory.tokenizerFile(dir);
        this.maxLength = effectiveMaxLength(dir, b.maxLength, b.maxLengthSet);
        this.maxBatchSize = b.maxBatchSize;
        this.maxBatchTokens = b.maxBatchTokens;
        this.sigmoid = b.sigmoid;
        this.id = b.id != null ? b.id : "cross-encoder:" + dir.toAbsolutePath().normalize().getFileName();
        this.parallelism = b.parallelism;
        long padId = ModelDirectory.padTokenId(tokenizerFile);

        long start = System.nanoTime();
        TextTokenizer tok = TextTokenizer.fromFile(tokenizerFile, maxLength);
        this.runner = OnnxModelRunner.builder("cross-encoder " + id, modelFile.toString(), tok,
                        () -> OnnxEnvironment.createSession(modelFile, b.sessionConfig))
                .padId(padId)
                .sharedSession()
                .parallelism(parallelism, "neural-search-rerank-" + RUNNERS.incrementAndGet())
                .output(outputs -> checkOutput(outputs, modelFile))
                .failureHint("does tokenizer.json belong to this model, and does the model accept " + maxLength
                        + " tokens?")
                .build();
        this.outputName = runner.outputName();
        try {
            runner.probeVocabulary(this::logitsToScores);
            this.batchInvariant = probeBatchInvariance();
        } catch (RuntimeException e) {
            runner.close();
            throw e;
        }
        this.rowsPerBatch = b.deterministic && !batchInvariant ? 1 : maxBatchSize;
        LOG.info("cross-encoder {} loaded from {} in {} ms: maxLength={}, maxBatchSize={}, maxBatchTokens={}, "
                + "token_type_ids={}, sigmoid={}, parallelism={}, {}{}", id, modelFile,
                (System.nanoTime() - start) / 1_000_000, maxLength, maxBatchSize, maxBatchTokens,
                runner.usesTokenTypeIds(), sigmoid, parallelism, b.sessionConfig,
                rowsPerBatch == 1 && maxBatchSize > 1 ? "; scores depend on batch companions: one pair per run" : "");
    }

    /**
     * Scores a pair alone and next to a much longer companion. Float models give the same score (up to
     * rounding); dynamically quantized models, whose int8 scale spans the whole padded batch, do not.
     */
    private boolean probeBatchInvariance() {
        String query = "q"; // short, so that the probe fits even a tiny maxLength
        TokenizedText pair;
        TokenizedText companion;
        try {
            pair = encode(query, "A short passage.");
            companion = encode(query, "A considerably longer companion passage, so that the probe pair is padded "
                    + "inside the batch, with other words, numbers like 1234 and 98.6, and punctuation; to see "
                    + "whether scores move when the batch changes.");
        } catch (IllegalArgumentException e) {
            LOG.debug("{}: maxLength {} too small to probe batch invariance; assuming it", id, maxLength);
            return true;
        }
        return runner.probeBatchInvariance(pair, companion, this::logitsToScores, (aloneScores, batchedScores) -> {
            float alone = aloneScores[0];
            float batched = batchedScores[1];
            boolean invariant = Math.abs(alone - batched) <= BATCH_INVARIANCE_TOLERANCE * Math.max(1f, Math.abs(alone));
            LOG.debug("{}: score alone {} vs batched {} -> batch-invariant: {}", id, alone, batched, invariant);
            return invariant;
        });
    }

    /** Loads a model directory with the default options (max length 512, CPU, no sigmoid). */
    public static CrossEncoderReranker load(Path directory) {
        return builder(directory).build();
    }

    /** Options for loading a model directory. */
    public static Builder builder(Path directory) {
        return new Builder(directory);
    }

    @Override
    public String id() {
        return id;
    }

    /** Longest pair in tokens (special tokens included); passages are cut to fit. */
    public int maxLength() {
        return maxLength;
    }

    /** Whether the model takes {@code token_type_ids} (BERT-style) or not (XLM-R-style). */
    public boolean usesTokenTypeIds() {
        return runner.usesTokenTypeIds();
    }

    /**
     * Whether a pair's score is the same (up to float rounding) whatever else is in its batch; measured
     * when the model loads. When false and {@link Builder#deterministic(boolean)} is on, pairs run one at a time.
     */
    public boolean batchInvariant() {
        return batchInvariant;
    }

    /**
     * Tokenizes one (query, passage) pair as the model sees it, before padding; for inspection and tests.
     *
     * @throws IllegalArgumentException on a null or blank query, a null passage, or a query too long to
     *                                  leave room for any passage
     */
    public TokenizedText tokenize(String query, String passage) {
        checkQuery(query);
        if (passage == null) {
            throw new IllegalArgumentException("passage is null");
        }
        return encode(query, passage);
    }

    @Override
    public float[] score(String query, List<String> passages) {
        checkQuery(query);
        Objects.requireNonNull(passages, "passages is null");
        for (int i = 0; i < passages.size(); i++) {
            if (passages.get(i) == null) {
                throw new IllegalArgumentException("passage " + i + " is null");
            }
        }
        float[] scores = new float[passages.size()];
        return runner.whileOpen(() -> {
            if (passages.isEmpty()) {
                return scores;
            }
            List<TokenizedText> pairs = new ArrayList<>(passages.size());
            for (String passage : passages) {
                pairs.add(encode(query, passage));
            }
            // With parallel calls, batches small enough that every worker gets one (20 pairs on 2 cores: 10 + 10,
            // not 16 + 4); a float model's scores do not depend on the batch (checked at load). The calling
            // thread and helpers share the batches out; ONNX Runtime sessions run concurrent calls.
            int rows = Math.min(rowsPerBatch, Math.max(1, (pairs.size() + parallelism - 1) / parallelism));
            runner.runAll(pairs, rows, maxBatchTokens, this::logitsToScores, (batch, batchScores) -> {
                for (int r = 0; r < batch.length; r++) {
                    scores[batch[r]] = batchScores[r];
                }
            }, ProgressListener.NONE);
            return scores;
        });
    }

    private TokenizedText encode(String query, String passage) {
        try {
            return runner.tokenizer().encodePair(query, passage);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("query too long for the cross-encoder " + id + ": the pair must fit "
                    + maxLength + " tokens and only the passage is truncated (" + e.getMessage() + ")", e);
        }
    }

    /** One batch's scores from its logits. */
    private float[] logitsToScores(OnnxValue value, PaddedBatch batch) {
        int rows = batch.rows();
        if (!(value instanceof OnnxTensor tensor) || tensor.getInfo().type != OnnxJavaType.FLOAT) {
            throw new ModelMismatchException("cross-encoder " + id + ": output '" + outputName + "' is not a float tensor: "
                    + value.getInfo());
        }
        long[] shape = tensor.getInfo().getShape();
        int classes = shape.length == 1 ? 1 : shape.length == 2 ? (int) shape[1] : -1;
        if (shape[0] != rows || (classes != 1 && classes != 2)) {
            throw new ModelMismatchException("cross-encoder " + id + ": unexpected output shape " + Arrays.toString(shape)
                    + " for " + rows + " pairs; expected [" + rows + ", 1] (a relevance logit) or [" + rows
                    + ", 2] (two-class logits)");
        }
        float[] logits = new float[rows * classes];
        tensor.getFloatBuffer().get(logits);
        float[] out = new float[rows];
        for (int r = 0; r < rows; r++) {
            out[r] = classes == 1
                    ? (sigmoid ? sigmoid(logits[r]) : logits[r])
                    : sigmoid((double) logits[2 * r + 1] - logits[2 * r]); // softmax of 2 logits, class 1
        }
        return out;
    }

    static float sigmoid(double x) {
        return (float) (1.0 / (1.0 + Math.exp(-x)));
    }

    /** The logits output: the one named "logits", else the only output. Its width is checked when known. */
    private static String checkOutput(Map<String, NodeInfo> outputs, Path model) {
        NodeInfo out = outputs.get("logits");
        if (out == null) {
            if (outputs.size() != 1) {
                throw new ModelMismatchException(model + " has outputs " + outputs.keySet()
                        + " but none named 'logits'; expected a sequence-classification export");
            }
            out = outputs.values().iterator().next();
        }
        if (out.getInfo() instanceof TensorInfo t) {
            long[] shape = t.getShape();
            boolean rankOk = shape.length == 1 || shape.length == 2;
            boolean widthOk = shape.length != 2 || shape[1] < 0 || shape[1] == 1 || shape[1] == 2;
            if (t.type != OnnxJavaType.FLOAT || !rankOk || !widthOk) {
                throw new ModelMismatchException(model + ": unexpected output '" + out.getName() + "' " + t.type + " "
                        + Arrays.toString(shape) + "; expected float logits of shape [n, 1] (a relevance logit) "
                        + "or [n, 2] (two-class logits)");
            }
        }
        return out.getName();
    }

    private static int effectiveMaxLength(Path dir, int requested, boolean explicit) {
        OptionalInt modelLimit = ModelDirectory.modelMaxLength(dir);
        if (modelLimit.isPresent() && requested > modelLimit.getAsInt()) {
            if (explicit) {
                throw new IllegalArgumentException("maxLength " + requested + " exceeds what the model in " + dir
                        + " accepts (" + modelLimit.getAsInt() + " tokens, from config.json / tokenizer_config.json)");
            }
            return modelLimit.getAsInt();
        }
        return requested;
    }

    private static void checkQuery(String query) {
        if (query == null) {
            throw new IllegalArgumentException("query is null");
        }
        if (query.isBlank()) {
            throw new IllegalArgumentException("query is empty or blank");
        }
    }

    /** Waits for running calls, then closes the session and the tokenizer. */
    @Override
    public void close() {
        runner.close();
    }

    @Override
    public String toString() {
        return "CrossEncoderReranker[" + id + ", maxLength=" + maxLength + ", token_type_ids=" + runner.usesTokenTypeIds() + "]";
    }

    /** Options of a {@link CrossEncoderReranker}. */
    public static final class Builder {
        /** The usual BERT and XLM-R limit. */
        public static final int DEFAULT_MAX_LENGTH = 512;
        public static final int DEFAULT_MAX_BATCH_SIZE = 16;
        public static final int DEFAULT_MAX_BATCH_TOKENS = 8192;

        private final Path directory;
        private int maxLength = DEFAULT_MAX_LENGTH;
        private boolean maxLengthSet;
        private int maxBatchSize = DEFAULT_MAX_BATCH_SIZE;
        private int maxBatchTokens = DEFAULT_MAX_BATCH_TOKENS;
        private boolean sigmoid;
        private SessionConfig sessionConfig = SessionConfig.DEFAULT;
        private String id;
        private String modelFile;
        private boolean deterministic = true;
        private int parallelism = Runtime.getRuntime().availableProcessors();

        private Builder(Path directory) {
            this.directory = Objects.requireNonNull(directory, "model directory is null");
        }

        /**
         * Longest (query, passage) pair in tokens, special tokens included (default 512, lowered to the
         * model's limit when {@code config.json} or {@code tokenizer_config.json} gives a smaller one; an
         * explicit value above that limit is an error).
         */
        public Builder maxLength(int tokens) {
            if (tokens < 4) {
                throw new IllegalArgumentException("maxLength must be >= 4, was " + tokens);
            }
            this.maxLength = tokens;
            this.maxLengthSet = true;
            return this;
        }

        /** Most pairs in one model call (default 16, as the bi-encoder). */
        public Builder maxBatchSize(int pairs) {
            if (pairs < 1) {
                throw new IllegalArgumentException("maxBatchSize must be >= 1, was " + pairs);
            }
            this.maxBatchSize = pairs;
            return this;
        }

        /**
         * Most padded tokens (pairs x padded length) in one model call (default 8192), bounding memory; a
         * batch always holds at least one pair.
         */
        public Builder maxBatchTokens(int tokens) {
            if (tokens < 1) {
                throw new IllegalArgumentException("maxBatchTokens must be >= 1, was " + tokens);
            }
            this.maxBatchTokens = tokens;
            return this;
        }

        /**
         * Whether a single-logit model's score goes through a sigmoid, giving a probability in (0, 1)
         * (default false: the raw logit). Two-class models always give the softmax probability of class 1.
         */
        public Builder sigmoid(boolean on) {
            this.sigmoid = on;
            return this;
        }

        /** Threads one model call may use (ONNX Runtime intra-op threads; default 1). */
        public Builder threads(int threads) {
            this.sessionConfig = sessionConfig.withIntraOpThreads(threads);
            return this;
        }

        /**
         * Model calls (batches of pairs) one {@link CrossEncoderReranker#score} request runs at once, on the
         * calling thread and {@code calls - 1} helper threads of this reranker (default: the number of cores;
         * 1 runs every batch on the calling thread). With the default single-threaded calls
         * ({@link #threads(int)} 1) this puts every core on one request, which is what reranking one query at
         * a time needs; a host that already runs one query per core can set 1. Scores do not depend on it.
         */
        public Builder parallelism(int calls) {
            if (calls < 1) {
                throw new IllegalArgumentException("parallelism must be >= 1, was " + calls);
            }
            this.parallelism = calls;
            return this;
        }

        /** CPU (default) or CUDA; CUDA needs the {@code onnxruntime_gpu} artifact. */
        public Builder executionProvider(ExecutionProvider provider) {
            this.sessionConfig = sessionConfig.withProvider(Objects.requireNonNull(provider, "provider"));
            return this;
        }

        /** The whole session configuration, as the bi-encoders take it. */
        public Builder sessionConfig(SessionConfig config) {
            this.sessionConfig = Objects.requireNonNull(config, "sessionConfig");
            return this;
        }

        /** The name {@link CrossEncoderReranker#id()} reports (default {@code cross-encoder:<directory name>}). */
        public Builder id(String id) {
            if (id == null || id.isBlank()) {
                throw new IllegalArgumentException("id is empty");
            }
            this.id = id;
            return this;
        }

        /**
         * The ONNX file to load, relative to the directory, when it is not {@code model.onnx} or
         * {@code onnx/model.onnx} (e.g. {@code "onnx/model_quantized.onnx"}).
         */
        public Builder modelFile(String relativePath) {
            if (relativePath == null || relativePath.isBlank()) {
                throw new IllegalArgumentException("modelFile is empty");
            }
            this.modelFile = relativePath;
            return this;
        }

        /**
         * When true (default), every pair's score is the one it gets alone, whatever else is in the call.
         * Float models are batch-invariant anyway and are batched as usual; for models whose scores depend
         * on their batch companions (int8 models with dynamic quantization), detected at load, it means one
         * pair per model call. False batches them too: faster, but scores then vary slightly.
         */
        public Builder deterministic(boolean on) {
            this.deterministic = on;
            return this;
        }

        public CrossEncoderReranker build() {
            return new CrossEncoderReranker(this);
        }
    }
}
