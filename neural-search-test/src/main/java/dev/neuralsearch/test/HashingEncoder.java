package dev.neuralsearch.test;

import dev.neuralsearch.core.ProgressListener;
import dev.neuralsearch.core.Similarity;
import dev.neuralsearch.core.TextEncoder;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A deterministic {@link TextEncoder} that needs no model files: the hashing trick over words (a bag of words
 * hashed into {@link #dimension()} coordinates), L2-normalised. The inner product of two texts is then about
 * the cosine of their word counts: texts that share words are close, and a text that shares more of a query's
 * words ranks above one that shares fewer, so a host test can predict the order. It knows no meaning, no
 * synonyms and no word forms: "car" and "automobile", even "tent" and "tents", are unrelated. It is for fast
 * tests of a host's own logic around the search (what it indexes, filters, fuses and shows), not of ranking
 * quality; for that, switch to a packaged preset ({@link NeuralSearchTest#encoder()}).
 *
 * <ul>
 *   <li>Words are lower-cased runs of letters and digits. Each occurrence adds 1 to one coordinate chosen by a
 *       hash of the word, with a sign from the same hash so that two words that collide on a coordinate
 *       cancel as often as they add up (with 256 dimensions two given words collide with probability
 *       1/256).</li>
 *   <li>A text with no word (punctuation only, or empty) gets one fixed unit vector, never a zero one.</li>
 *   <li>The hash is FNV-1a over the UTF-16 chars, so vectors are the same on every JVM and platform; the
 *       {@link #modelId()} names the scheme and the dimension, so an index home made with one dimension
 *       refuses another.</li>
 *   <li>Queries and passages are encoded alike. Stateless and thread-safe; {@link #close()} does nothing.</li>
 * </ul>
 */
public final class HashingEncoder implements TextEncoder {

    public static final int DEFAULT_DIMENSION = 256;
    /** The encoding scheme; part of the model id, bumped if the vectors ever change. */
    static final String SCHEME = "hashing-v1";

    private static final Pattern NON_WORD = Pattern.compile("[^\\p{L}\\p{N}]+");

    private final int dimension;

    /** {@value #DEFAULT_DIMENSION} dimensions. */
    public HashingEncoder() {
        this(DEFAULT_DIMENSION);
    }

    /** @param dimension 16 to 4096; more dimensions mean fewer hash collisions between words */
    public HashingEncoder(int dimension) {
        if (dimension < 16 || dimension > 4096) {
            throw new IllegalArgumentException("dimension must be in [16, 4096], was " + dimension);
        }
        this.dimension = dimension;
    }

    @Override
    public String modelId() {
        return SCHEME + "-" + dimension;
    }

    @Override
    public int dimension() {
        return dimension;
    }

    @Override
    public Similarity similarity() {
        return Similarity.DOT_PRODUCT;
    }

    /** The vector of {@code text}; the same for a query and a passage. */
    public float[] encode(String text) {
        Objects.requireNonNull(text, "text");
        float[] v = new float[dimension];
        boolean any = false;
        for (String word : NON_WORD.split(text.toLowerCase(Locale.ROOT))) {
            if (word.isEmpty()) {
                continue;
            }
            any = true;
            add(v, "w:" + word, 1f);
        }
        if (!any) {
            add(v, "empty", 1f);
        }
        return normalise(v);
    }

    private void add(float[] v, String feature, float weight) {
        int h = fnv1a(feature);
        int slot = Math.floorMod(h >>> 1, dimension);
        v[slot] += (h & 1) == 0 ? weight : -weight;
    }

    private static int fnv1a(String s) {
        int h = 0x811c9dc5;
        for (int i = 0; i < s.length(); i++) {
            h ^= s.charAt(i);
            h *= 0x01000193;
        }
        return h;
    }

    private static float[] normalise(float[] v) {
        double n = 0;
        for (float x : v) {
            n += (double) x * x;
        }
        if (n == 0) {
            // every feature cancelled out (opposite signs on one slot): fall back to a fixed direction
            v[0] = 1f;
            return v;
        }
        float inv = (float) (1 / Math.sqrt(n));
        for (int i = 0; i < v.length; i++) {
            v[i] *= inv;
        }
        return v;
    }

    @Override
    public float[] encodeQuery(String query) {
        return encode(query);
    }

    @Override
    public List<float[]> encodeQueries(List<String> queries) {
        return encodeAll(queries);
    }

    @Override
    public List<float[]> encodePassages(List<String> passages, ProgressListener progress) {
        Objects.requireNonNull(progress, "progress");
        List<float[]> out = encodeAll(passages);
        if (!out.isEmpty()) {
            progress.onProgress(out.size(), out.size());
        }
        return out;
    }

    private List<float[]> encodeAll(List<String> texts) {
        List<float[]> out = new ArrayList<>(texts.size());
        for (String t : texts) {
            out.add(encode(t));
        }
        return out;
    }

    @Override
    public void close() {
        // nothing to release
    }

    @Override
    public String toString() {
        return "HashingEncoder[" + modelId() + "]";
    }
}
