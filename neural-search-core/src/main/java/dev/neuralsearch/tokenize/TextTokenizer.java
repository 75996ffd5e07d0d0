package dev.neuralsearch.tokenize;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.util.PairList;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A Hugging Face {@code tokenizer.json} tokenizer (DJL's Rust binding) with an explicit maximum length.
 *
 * <p>Whatever truncation and padding the file carries is overridden: no padding (batches are padded
 * later, to their own longest member), and truncation to {@link #maxTokens()} tokens, special tokens
 * included. A single text is cut at its end; of a pair only the second text is cut.
 *
 * <p>Input rules: {@code null} throws {@link NullPointerException}. An empty or whitespace-only text gives
 * just the special tokens (for BERT-style tokenizers {@code [CLS] [SEP]}, 2 tokens). Unpaired UTF-16
 * surrogates are replaced by U+FFFD before tokenizing; control characters are passed on (the tokenizer's
 * normalizer usually drops them). Neither ever fails.
 *
 * <p>Thread-safe; {@link #close()} waits for running calls and frees the native tokenizer, after which
 * every call throws {@link IllegalStateException}.
 */
public final class TextTokenizer implements AutoCloseable {
    static {
        DjlSettings.applyOfflineDefaults();
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String name;
    private final int maxTokens;
    private final int vocabularySize;
    private final HuggingFaceTokenizer single;
    private final HuggingFaceTokenizer pair;
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private boolean closed;

    private TextTokenizer(String name, byte[] json, int maxTokens) throws IOException {
        if (maxTokens < 2) {
            throw new IllegalArgumentException("maxTokens must be >= 2 (room for the special tokens), got " + maxTokens);
        }
        this.name = name;
        this.maxTokens = maxTokens;
        this.vocabularySize = vocabularySize(name, json);
        this.single = build(json, maxTokens, "true");
        HuggingFaceTokenizer p;
        try {
            p = build(json, maxTokens, "only_second");
        } catch (IOException | RuntimeException e) {
            single.close();
            throw e;
        }
        this.pair = p;
    }

    /** Loads a {@code tokenizer.json} file. */
    public static TextTokenizer fromFile(Path tokenizerJson, int maxTokens) {
        Objects.requireNonNull(tokenizerJson, "tokenizerJson");
        byte[] json;
        try {
            json = Files.readAllBytes(tokenizerJson);
        } catch (NoSuchFileException e) {
            throw new TokenizerException("tokenizer file not found: " + tokenizerJson.toAbsolutePath(), e);
        } catch (IOException e) {
            throw new TokenizerException("cannot read tokenizer file " + tokenizerJson.toAbsolutePath() + ": " + e.getMessage(), e);
        }
        return fromBytes(json, tokenizerJson.toAbsolutePath().toString(), maxTokens);
    }

    /**
     * Loads a {@code tokenizer.json} from the class path ({@code resource} as for
     * {@link ClassLoader#getResource(String)}, no leading slash).
     */
    public static TextTokenizer fromClasspath(String resource, int maxTokens) {
        Objects.requireNonNull(resource, "resource");
        String path = resource.startsWith("/") ? resource.substring(1) : resource;
        ClassLoader loader = Objects.requireNonNullElse(Thread.currentThread().getContextClassLoader(),
                TextTokenizer.class.getClassLoader());
        try (InputStream in = loader.getResourceAsStream(path)) {
            if (in == null) {
                throw new TokenizerException("tokenizer resource not found on the class path: " + path);
            }
            return fromBytes(in.readAllBytes(), "classpath:" + path, maxTokens);
        } catch (IOException e) {
            throw new TokenizerException("cannot read tokenizer resource " + path + ": " + e.getMessage(), e);
        }
    }

    /** Loads a {@code tokenizer.json} held in memory; {@code name} labels messages. */
    public static TextTokenizer fromBytes(byte[] tokenizerJson, String name, int maxTokens) {
        Objects.requireNonNull(tokenizerJson, "tokenizerJson");
        try {
            return new TextTokenizer(name, tokenizerJson, maxTokens);
        } catch (IOException | RuntimeException e) {
            if (e instanceof TokenizerException te) {
                throw te;
            }
            if (e instanceof IllegalArgumentException iae) {
                throw iae;
            }
            throw new TokenizerException("cannot load tokenizer " + name + " (not a valid tokenizer.json?): " + e.getMessage(), e);
        }
    }

    private static HuggingFaceTokenizer build(byte[] json, int maxTokens, String truncation) throws IOException {
        Map<String, String> options = Map.of(
                "padding", "false",
                "truncation", truncation,
                "maxLength", Integer.toString(maxTokens),
                "modelMaxLength", Integer.toString(maxTokens),
                "addSpecialTokens", "true",
                "withOverflowingTokens", "false");
        return HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(json), options);
    }

    /** Vocabulary size as the tokenizer defines it: its highest token id + 1 (model vocab and added tokens). */
    private static int vocabularySize(String name, byte[] json) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (IOException e) {
            throw new TokenizerException("tokenizer " + name + " is not valid JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject() || !root.has("model")) {
            throw new TokenizerException("tokenizer " + name + " is not a Hugging Face tokenizer.json (no \"model\")");
        }
        long max = -1;
        JsonNode vocab = root.path("model").path("vocab");
        if (vocab.isObject()) {
            for (Iterator<JsonNode> it = vocab.elements(); it.hasNext(); ) {
                max = Math.max(max, it.next().asLong(-1));
            }
        } else if (vocab.isArray()) {
            max = vocab.size() - 1L; // Unigram: [piece, score] pairs, id = position
        }
        for (JsonNode added : root.path("added_tokens")) {
            max = Math.max(max, added.path("id").asLong(-1));
        }
        return (int) (max + 1);
    }

    /** A descriptive name (file path or class-path resource). */
    public String name() {
        return name;
    }

    /** Maximum tokens per encoding, special tokens included. */
    public int maxTokens() {
        return maxTokens;
    }

    /** Highest token id this tokenizer can produce, plus one. */
    public int vocabularySize() {
        return vocabularySize;
    }

    /** Tokenizes one text. */
    public TokenizedText encode(String text) {
        Objects.requireNonNull(text, "text must not be null");
        String clean = sanitize(text);
        lock.readLock().lock();
        try {
            ensureOpen();
            return convert(single.encode(clean));
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Tokenizes a pair (e.g. query and passage for a cross-encoder); only {@code second} is truncated. */
    public TokenizedText encodePair(String first, String second) {
        Objects.requireNonNull(first, "first text of the pair must not be null");
        Objects.requireNonNull(second, "second text of the pair must not be null");
        String a = sanitize(first);
        String b = sanitize(second);
        lock.readLock().lock();
        try {
            ensureOpen();
            try {
                return convert(pair.encode(a, b));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("cannot fit the pair into " + maxTokens + " tokens by truncating "
                        + "the second text only (is the first text too long?): " + e.getMessage(), e);
            }
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * Tokenizes one first text against many second texts (e.g. a query and its candidate passages); only
     * the second texts are truncated. Results in input order.
     */
    public List<TokenizedText> encodePairs(String first, List<String> seconds) {
        Objects.requireNonNull(first, "first text of the pairs must not be null");
        Objects.requireNonNull(seconds, "second texts must not be null");
        String a = sanitize(first);
        List<String> firsts = new ArrayList<>(seconds.size());
        List<String> clean = new ArrayList<>(seconds.size());
        for (int i = 0; i < seconds.size(); i++) {
            String t = seconds.get(i);
            if (t == null) {
                throw new NullPointerException("second text " + i + " must not be null");
            }
            firsts.add(a);
            clean.add(sanitize(t));
        }
        if (clean.isEmpty()) {
            return List.of();
        }
        lock.readLock().lock();
        try {
            ensureOpen();
            Encoding[] encodings;
            try {
                encodings = pair.batchEncode(new PairList<>(firsts, clean));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("cannot fit the pairs into " + maxTokens + " tokens by truncating "
                        + "the second texts only (is the first text too long?): " + e.getMessage(), e);
            }
            List<TokenizedText> out = new ArrayList<>(encodings.length);
            for (Encoding e : encodings) {
                out.add(convert(e));
            }
            return out;
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Tokenizes several texts (in parallel inside the native tokenizer); results in input order. */
    public List<TokenizedText> encodeAll(List<String> texts) {
        Objects.requireNonNull(texts, "texts must not be null");
        List<String> clean = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            String t = texts.get(i);
            if (t == null) {
                throw new NullPointerException("text " + i + " must not be null");
            }
            clean.add(sanitize(t));
        }
        if (clean.isEmpty()) {
            return List.of();
        }
        lock.readLock().lock();
        try {
            ensureOpen();
            Encoding[] encodings = single.batchEncode(clean);
            List<TokenizedText> out = new ArrayList<>(encodings.length);
            for (Encoding e : encodings) {
                out.add(convert(e));
            }
            return out;
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Token ids back to text (special tokens skipped); for diagnostics. */
    public String decode(long[] ids) {
        Objects.requireNonNull(ids, "ids");
        lock.readLock().lock();
        try {
            ensureOpen();
            return single.decode(ids, true);
        } finally {
            lock.readLock().unlock();
        }
    }

    private TokenizedText convert(Encoding e) {
        long[] ids = e.getIds();
        return new TokenizedText(ids, e.getAttentionMask(), e.getTypeIds(), e.exceedMaxLength());
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("tokenizer " + name + " is closed");
        }
    }

    /** Replaces unpaired UTF-16 surrogates by U+FFFD; returns the same string when there are none. */
    static String sanitize(String s) {
        int n = s.length();
        StringBuilder sb = null;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            boolean bad;
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    if (sb != null) {
                        sb.append(c).append(s.charAt(i + 1));
                    }
                    i++;
                    continue;
                }
                bad = true;
            } else {
                bad = Character.isLowSurrogate(c);
            }
            if (bad && sb == null) {
                sb = new StringBuilder(n).append(s, 0, i);
            }
            if (sb != null) {
                sb.append(bad ? '\uFFFD' : c);
            }
        }
        return sb == null ? s : sb.toString();
    }

    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            if (!closed) {
                closed = true;
                single.close();
                pair.close();
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public String toString() {
        return "TextTokenizer[" + name + ", maxTokens=" + maxTokens + "]";
    }
}
