package dev.neuralsearch.ann.format;

import dev.neuralsearch.ann.CorruptIndexException;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * A tombstone file ({@code seg-N-gG.del}, one per segment and commit that changed its deletes): magic, int count,
 * int number of words, then the words of the deleted-ordinals bit set.
 */
public final class TombstoneFile {
    private static final byte[] MAGIC = "NSDEL001".getBytes(StandardCharsets.US_ASCII);

    private TombstoneFile() {
    }

    /** The file name of segment {@code id}'s tombstones as of commit generation {@code generation}. */
    public static String name(int id, long generation) {
        return String.format("seg-%08d-g%d.del", id, generation);
    }

    /** The bit-set words of a segment of {@code count} entries. */
    public static long[] read(Path file, int count) {
        try (DataInputStream in = new DataInputStream(Files.newInputStream(file))) {
            byte[] magic = new byte[MAGIC.length];
            in.readFully(magic);
            int len = in.readInt();
            if (!Arrays.equals(magic, MAGIC) || len != count) {
                throw new CorruptIndexException(file, "not a tombstone file for " + count + " entries");
            }
            long[] words = new long[in.readInt()];
            for (int i = 0; i < words.length; i++) {
                words[i] = in.readLong();
            }
            return words;
        } catch (EOFException ex) {
            throw new CorruptIndexException(file, "tombstone file is truncated", ex);
        } catch (IOException ex) {
            throw new CorruptIndexException(file, "cannot read: " + ex.getMessage(), ex);
        }
    }

    public static void write(Path file, long[] words, int count) throws IOException {
        try (DataOutputStream out = new DataOutputStream(new java.io.BufferedOutputStream(Files.newOutputStream(
                file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)))) {
            out.write(MAGIC);
            out.writeInt(count);
            out.writeInt(words.length);
            for (long w : words) {
                out.writeLong(w);
            }
        }
        FileUtil.fsync(file);
    }
}
