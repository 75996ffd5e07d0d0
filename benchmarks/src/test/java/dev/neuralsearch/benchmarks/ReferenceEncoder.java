package dev.neuralsearch.benchmarks;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.neuralsearch.core.ProgressListener;
import dev.neuralsearch.core.Similarity;
import dev.neuralsearch.core.TextEncoder;
import dev.neuralsearch.onnx.OnnxEnvironment;
import dev.neuralsearch.onnx.SessionConfig;
import dev.neuralsearch.tokenize.TextTokenizer;
import dev.neuralsearch.tokenize.TokenizedText;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A deliberately plain bi-encoder written from the models' published recipes (sentence-transformers
 * configs), used to cross-check the library's encoder and to try settings (max length, pooling) that the
 * library does not expose. Test scope only; not tuned.
 */
final class ReferenceEncoder implements TextEncoder {
    enum Pooling { CLS, MEAN }

    /** A model in a langchain4j model jar: {@code <name>.onnx} and {@code <name>-tokenizer.json} at the root. */
    record Recipe(String resource, Pooling pooling, int maxLength, String queryPrefix, String passagePrefix) {
        Recipe withMaxLength(int n) {
            return new Recipe(resource, pooling, n, queryPrefix, passagePrefix);
        }

        Recipe withQueryPrefix(String p) {
            return new Recipe(resource, pooling, maxLength, p, passagePrefix);
        }

        Recipe withPooling(Pooling p) {
            return new Recipe(resource, p, maxLength, queryPrefix, passagePrefix);
        }
    }

    static final String BGE_EN_INSTRUCTION = "Represent this sentence for searching relevant passages: ";
    static final String BGE_ZH_INSTRUCTION = "为这个句子生成表示以用于检索相关文章：";

    static Recipe recipe(String name) {
        return switch (name) {
            case "all-minilm-l6-v2", "all-minilm-l6-v2-q" -> new Recipe(name, Pooling.MEAN, 256, "", "");
            case "bge-small-en-v1.5", "bge-small-en-v1.5-q" -> new Recipe(name, Pooling.CLS, 512, BGE_EN_INSTRUCTION, "");
            case "bge-small-zh-v1.5", "bge-small-zh-v1.5-q" -> new Recipe(name, Pooling.CLS, 512, BGE_ZH_INSTRUCTION, "");
            case "e5-small-v2", "e5-small-v2-q" -> new Recipe(name, Pooling.MEAN, 512, "query: ", "passage: ");
            default -> throw new IllegalArgumentException("no reference recipe for " + name);
        };
    }

    private final Recipe recipe;
    private final TextTokenizer tokenizer;
    private final OrtSession[] sessions;
    private final boolean typeIds;
    private final int dimension;
    final AtomicLong tokensSeen = new AtomicLong();

    ReferenceEncoder(Recipe recipe, int threads) {
        this(recipe, threads, SessionConfig.DEFAULT);
    }

    /** With explicit ONNX Runtime session settings (graph optimization level, intra-op threads). */
    ReferenceEncoder(Recipe recipe, int threads, SessionConfig session) {
        this.recipe = recipe;
        this.tokenizer = TextTokenizer.fromClasspath(recipe.resource() + "-tokenizer.json", recipe.maxLength());
        byte[] model;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(recipe.resource() + ".onnx")) {
            if (in == null) {
                throw new IllegalArgumentException("model not on the class path: " + recipe.resource() + ".onnx");
            }
            model = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        sessions = new OrtSession[threads];
        for (int i = 0; i < threads; i++) {
            sessions[i] = OnnxEnvironment.createSession(model, recipe.resource(), session);
        }
        typeIds = sessions[0].getInputNames().contains("token_type_ids");
        dimension = encode(List.of("probe"), "", ProgressListener.NONE).get(0).length;
    }

    @Override
    public String modelId() {
        return "reference:" + recipe.resource() + ":" + recipe.pooling() + ":" + recipe.maxLength() + ":"
                + recipe.passagePrefix();
    }

    @Override
    public int dimension() {
        return dimension;
    }

    @Override
    public Similarity similarity() {
        return Similarity.DOT_PRODUCT;
    }

    @Override
    public float[] encodeQuery(String query) {
        return encode(List.of(query), recipe.queryPrefix(), ProgressListener.NONE).get(0);
    }

    @Override
    public List<float[]> encodeQueries(List<String> queries) {
        return encode(queries, recipe.queryPrefix(), ProgressListener.NONE);
    }

    @Override
    public List<float[]> encodePassages(List<String> passages, ProgressListener progress) {
        return encode(passages, recipe.passagePrefix(), progress);
    }

    int countTokens(String text) {
        return tokenizer.encode(recipe.passagePrefix() + text).tokenCount();
    }

    private List<float[]> encode(List<String> texts, String prefix, ProgressListener progress) {
        int n = texts.size();
        TokenizedText[] tok = new TokenizedText[n];
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            tok[i] = tokenizer.encode(prefix + texts.get(i));
            order[i] = i;
        }
        // Longest first, so that a batch pads little.
        Arrays.sort(order, (a, b) -> Integer.compare(tok[b].tokenCount(), tok[a].tokenCount()));
        int batch = 16;
        List<int[]> batches = new ArrayList<>();
        for (int from = 0; from < n; from += batch) {
            int to = Math.min(n, from + batch);
            int[] b = new int[to - from];
            for (int i = from; i < to; i++) {
                b[i - from] = order[i];
            }
            batches.add(b);
        }
        float[][] out = new float[n][];
        AtomicInteger next = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        int threads = Math.min(sessions.length, batches.size());
        if (threads <= 1) {
            for (int[] b : batches) {
                run(sessions[0], b, tok, out);
                progress.onProgress(done.addAndGet(b.length), n);
            }
            return Arrays.asList(out);
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                OrtSession s = sessions[t];
                fs.add(pool.submit(() -> {
                    int i;
                    while ((i = next.getAndIncrement()) < batches.size()) {
                        int[] b = batches.get(i);
                        run(s, b, tok, out);
                        progress.onProgress(done.addAndGet(b.length), n);
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) {
                f.get();
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            pool.shutdownNow();
        }
        return Arrays.asList(out);
    }

    private void run(OrtSession session, int[] b, TokenizedText[] tok, float[][] out) {
        int len = 0;
        for (int i : b) {
            len = Math.max(len, tok[i].tokenCount());
        }
        long[][] ids = new long[b.length][len];
        long[][] mask = new long[b.length][len];
        long[][] types = new long[b.length][len];
        for (int r = 0; r < b.length; r++) {
            TokenizedText t = tok[b[r]];
            tokensSeen.addAndGet(t.tokenCount());
            System.arraycopy(t.ids(), 0, ids[r], 0, t.tokenCount());
            System.arraycopy(t.attentionMask(), 0, mask[r], 0, t.tokenCount());
            System.arraycopy(t.typeIds(), 0, types[r], 0, t.tokenCount());
        }
        OrtEnvironment env = OnnxEnvironment.get();
        Map<String, OnnxTensor> in = new HashMap<>();
        try {
            in.put("input_ids", OnnxTensor.createTensor(env, ids));
            in.put("attention_mask", OnnxTensor.createTensor(env, mask));
            if (typeIds) {
                in.put("token_type_ids", OnnxTensor.createTensor(env, types));
            }
            try (OrtSession.Result res = session.run(in)) {
                float[][][] hidden = (float[][][]) res.get(0).getValue();
                for (int r = 0; r < b.length; r++) {
                    float[] v;
                    if (recipe.pooling() == Pooling.CLS) {
                        v = hidden[r][0].clone();
                    } else {
                        int d = hidden[r][0].length;
                        v = new float[d];
                        int count = 0;
                        for (int t = 0; t < len; t++) {
                            if (mask[r][t] == 1) {
                                count++;
                                for (int k = 0; k < d; k++) {
                                    v[k] += hidden[r][t][k];
                                }
                            }
                        }
                        for (int k = 0; k < d; k++) {
                            v[k] /= Math.max(count, 1);
                        }
                    }
                    double norm = 0;
                    for (float f : v) {
                        norm += f * f;
                    }
                    norm = Math.max(Math.sqrt(norm), 1e-12);
                    for (int k = 0; k < v.length; k++) {
                        v[k] /= (float) norm;
                    }
                    out[b[r]] = v;
                }
            }
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        } finally {
            in.values().forEach(OnnxTensor::close);
        }
    }

    @Override
    public void close() {
        for (OrtSession s : sessions) {
            try {
                s.close();
            } catch (OrtException ignored) {
                // closing
            }
        }
        tokenizer.close();
    }
}
