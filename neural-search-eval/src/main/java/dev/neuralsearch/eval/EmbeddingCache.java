package dev.neuralsearch.eval;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Corpus embeddings on disk, so that repeated evaluations skip the (slow) corpus encoding.
 *
 * <p>File: {@code <dir>/<dataset>-<model>-<key>.f32} where {@code key} is the first 16 hex digits of a
 * SHA-256 over the model name, the passage-side model id (default {@code modelId()}), every (id, passage) of the corpus in order,
 * and a <em>probe</em>: the encoder's vector for the corpus's longest passage, rounded to 3 decimals. The
 * probe makes the key follow the encoder's actual behaviour (pooling, prefixes, max length, a fixed bug)
 * rather than only its name. Layout: magic {@code NSEV}, version 1, count, dimension (big-endian ints),
 * then count x dimension little-endian floats. A sidecar {@code .json} records how long encoding took.
 */
public final class EmbeddingCache {
    private static final int MAGIC = 0x4E534556; // "NSEV"
    private static final int VERSION = 1;

    private EmbeddingCache() {
    }

    /** The cache key (hex). */
    public static String key(String model, String modelId, List<String> ids, List<String> passages, float[] probe) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            update(sha, model);
            update(sha, modelId);
            for (int i = 0; i < passages.size(); i++) {
                update(sha, ids.get(i));
                update(sha, passages.get(i));
            }
            StringBuilder p = new StringBuilder();
            for (float f : probe) {
                p.append(String.format(java.util.Locale.ROOT, "%.3f,", f + 0.0f));
            }
            update(sha, p.toString());
            return HexFormat.of().formatHex(sha.digest()).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void update(MessageDigest sha, String s) {
        sha.update(s.getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
    }

    public static Path file(Path dir, String dataset, String model, String key) {
        return dir.resolve(slug(dataset) + "-" + slug(model) + "-" + key + ".f32");
    }

    /** Turns a model name or path into a file-name-safe slug. */
    public static String slug(String s) {
        String t = s.replace('\\', '/');
        if (t.endsWith("/")) {
            t = t.substring(0, t.length() - 1);
        }
        int slash = t.lastIndexOf('/');
        if (slash >= 0 && slash < t.length() - 1) {
            t = t.substring(slash + 1);
        }
        t = t.replaceAll("[^A-Za-z0-9._-]+", "_").toLowerCase(java.util.Locale.ROOT);
        return t.isEmpty() ? "model" : t;
    }

    /** Reads a cache file; empty when absent or not matching the expected shape. */
    public static Optional<List<float[]>> read(Path file, int count, int dimension) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try (DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(Files.newInputStream(file)))) {
            if (in.readInt() != MAGIC || in.readInt() != VERSION || in.readInt() != count
                    || in.readInt() != dimension) {
                return Optional.empty();
            }
            byte[] row = new byte[dimension * 4];
            List<float[]> out = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                in.readFully(row);
                float[] v = new float[dimension];
                ByteBuffer.wrap(row).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
                out.add(v);
            }
            return Optional.of(out);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Writes atomically (temp file + move). */
    public static void write(Path file, List<float[]> vectors, int dimension) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            try (DataOutputStream out = new DataOutputStream(new java.io.BufferedOutputStream(
                    Files.newOutputStream(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING)))) {
                out.writeInt(MAGIC);
                out.writeInt(VERSION);
                out.writeInt(vectors.size());
                out.writeInt(dimension);
                ByteBuffer row = ByteBuffer.allocate(dimension * 4).order(ByteOrder.LITTLE_ENDIAN);
                for (float[] v : vectors) {
                    row.clear();
                    row.asFloatBuffer().put(v);
                    out.write(row.array());
                }
            }
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("writing embedding cache " + file, e);
        }
    }
}
