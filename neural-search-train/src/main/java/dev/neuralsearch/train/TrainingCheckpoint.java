package dev.neuralsearch.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A resumable training state in a directory: {@code weights.bin} (every parameter), {@code optimizer.bin} (AdamW
 * moments), {@code state.json} (the trainer's own state record: steps, options, losses so far, serialized with
 * Jackson). The random state needs no file: the trainers seed shuffles per epoch and dropout and sampling per step
 * from the run's seed, so the step number is the position. Used by the bi-encoder and the cross-encoder trainers.
 *
 * <p>Written atomically: the files go into a new directory beside the target, which then replaces the target
 * (the old one is renamed away first and deleted after), so a crash leaves the previous checkpoint or the new
 * one, never a mix.
 */
public final class TrainingCheckpoint {
    private static final int MAGIC = 0x4E535443; // "NSTC"
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** A checkpoint read back: the trainer's state record, the parameters and the optimizer state. */
    public record Loaded<S>(S state, Map<String, float[]> weights, Map<String, float[]> optimizer) {
    }

    private TrainingCheckpoint() {
    }

    public static void write(Path dir, Object state, Map<String, float[]> weights, Map<String, float[]> optimizer) {
        Path target = dir.toAbsolutePath().normalize();
        try {
            Files.createDirectories(target.getParent());
            Path tmp = Files.createTempDirectory(target.getParent(), "." + target.getFileName() + ".new.");
            try {
                writeTensors(tmp.resolve("weights.bin"), weights);
                writeTensors(tmp.resolve("optimizer.bin"), optimizer);
                Files.write(tmp.resolve("state.json"), JSON.writeValueAsBytes(state));
                Path old = null;
                if (Files.exists(target)) {
                    old = target.resolveSibling("." + target.getFileName() + ".old." + System.nanoTime());
                    move(target, old);
                }
                move(tmp, target);
                tmp = null;
                if (old != null) {
                    TrainFiles.deleteTree(old);
                }
            } finally {
                if (tmp != null) {
                    TrainFiles.deleteTree(tmp);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint " + target + ": " + e.getMessage(), e);
        }
    }

    /** The checkpoint in {@code dir} with its state read as {@code stateType}; empty when there is none (no {@code state.json}). */
    public static <S> Optional<Loaded<S>> read(Path dir, Class<S> stateType) {
        Path state = dir.resolve("state.json");
        if (!Files.isRegularFile(state)) {
            return Optional.empty();
        }
        try {
            S s = JSON.readValue(state.toFile(), stateType);
            return Optional.of(new Loaded<>(s, readTensors(dir.resolve("weights.bin")),
                    readTensors(dir.resolve("optimizer.bin"))));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read checkpoint " + dir + ": " + e.getMessage(), e);
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to);
        }
    }

    static void writeTensors(Path file, Map<String, float[]> tensors) throws IOException {
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file), 1 << 20))) {
            out.writeInt(MAGIC);
            out.writeInt(tensors.size());
            for (Map.Entry<String, float[]> e : tensors.entrySet()) {
                out.writeUTF(e.getKey());
                float[] v = e.getValue();
                out.writeInt(v.length);
                ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
                b.asFloatBuffer().put(v);
                out.write(b.array());
            }
        }
    }

    static Map<String, float[]> readTensors(Path file) throws IOException {
        Map<String, float[]> out = new LinkedHashMap<>();
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 20))) {
            if (in.readInt() != MAGIC) {
                throw new IOException(file + " is not a checkpoint tensor file");
            }
            int n = in.readInt();
            for (int i = 0; i < n; i++) {
                String name = in.readUTF();
                int len = in.readInt();
                byte[] raw = new byte[len * 4];
                in.readFully(raw);
                float[] v = new float[len];
                ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
                out.put(name, v);
            }
        } catch (EOFException e) {
            throw new IOException(file + " is truncated", e);
        }
        return out;
    }
}
