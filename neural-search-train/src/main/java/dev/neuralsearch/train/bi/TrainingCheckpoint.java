package dev.neuralsearch.train.bi;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.neuralsearch.train.TrainFiles;
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
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A resumable training state in a directory: {@code weights.bin} (every parameter), {@code optimizer.bin} (AdamW
 * moments), {@code state.json} ({@link State}: steps, options, losses so far). The random state needs no file:
 * shuffles are seeded per epoch and dropout per step from the run's seed, so the step number is the position.
 *
 * <p>Written atomically: the files go into a new directory beside the target, which then replaces the target
 * (the old one is renamed away first and deleted after), so a crash leaves the previous checkpoint or the new
 * one, never a mix.
 */
public final class TrainingCheckpoint {
    private static final int MAGIC = 0x4E535443; // "NSTC"
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * @param step           optimizer steps done in total (SimCSE and pairs)
     * @param optimizerSteps AdamW's own step count (it restarts at the pair stage)
     * @param sourceModel    id of the model training started from
     * @param options        the run's options
     * @param stepLosses     loss of every step done
     * @param epochs         finished epochs of the pair stage
     * @param seconds        training time spent so far (all processes)
     */
    public record State(long step, long optimizerSteps, String sourceModel, BiEncoderTrainingOptions options,
                        List<Float> stepLosses, List<BiEncoderTrainingResult.Epoch> epochs, double seconds) {
    }

    /** A checkpoint read back. */
    public record Loaded(State state, Map<String, float[]> weights, Map<String, float[]> optimizer) {
    }

    private TrainingCheckpoint() {
    }

    public static void write(Path dir, State state, Map<String, float[]> weights, Map<String, float[]> optimizer) {
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

    /** The checkpoint in {@code dir}; empty when there is none (no {@code state.json}). */
    public static Optional<Loaded> read(Path dir) {
        Path state = dir.resolve("state.json");
        if (!Files.isRegularFile(state)) {
            return Optional.empty();
        }
        try {
            State s = JSON.readValue(state.toFile(), State.class);
            return Optional.of(new Loaded(s, readTensors(dir.resolve("weights.bin")),
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
