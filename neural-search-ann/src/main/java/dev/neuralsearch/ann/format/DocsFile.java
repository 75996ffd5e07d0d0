package dev.neuralsearch.ann.format;

import dev.neuralsearch.ann.CorruptIndexException;
import dev.neuralsearch.core.Document;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The documents of one segment, in ordinal order: the durable source of truth for ids, text and metadata.
 * Format: magic {@code NSDOCS01}, int count, then per document: int length + UTF-8 bytes of the id, of the
 * metadata JSON (empty when none) and of the text.
 */
public final class DocsFile {
    static final byte[] MAGIC = "NSDOCS01".getBytes(StandardCharsets.US_ASCII);

    /** What is kept in memory per segment: ids, interned metadata and record offsets. */
    public record Loaded(SegmentIds ids, Map<String, Object>[] metadata, long[] offsets) {
    }

    private DocsFile() {
    }

    public static void write(Path file, List<Document> docs) throws IOException {
        try (OutputStream os = Files.newOutputStream(file, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
             DataOutputStream out = new DataOutputStream(new BufferedOutputStream(os, 1 << 16))) {
            out.write(MAGIC);
            out.writeInt(docs.size());
            for (Document d : docs) {
                writeBytes(out, d.id().getBytes(StandardCharsets.UTF_8));
                writeBytes(out, DocCodec.metadataJson(d.metadata()).getBytes(StandardCharsets.UTF_8));
                writeBytes(out, d.text().getBytes(StandardCharsets.UTF_8));
            }
        }
        FileUtil.fsync(file);
    }

    private static void writeBytes(DataOutputStream out, byte[] b) throws IOException {
        out.writeInt(b.length);
        out.write(b);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    public static Loaded readIndex(Path file, int expectedCount) throws IOException {
        try (InputStream is = Files.newInputStream(file);
             DataInputStream in = new DataInputStream(new BufferedInputStream(is, 1 << 16))) {
            byte[] magic = new byte[MAGIC.length];
            in.readFully(magic);
            if (!java.util.Arrays.equals(magic, MAGIC)) {
                throw new CorruptIndexException(file, "not a document file (bad magic)");
            }
            int count = in.readInt();
            if (count != expectedCount) {
                throw new CorruptIndexException(file, "holds " + count + " documents, manifest says " + expectedCount);
            }
            SegmentIds.Builder ids = new SegmentIds.Builder(count);
            Map<String, Object>[] meta = new Map[count];
            long[] offsets = new long[count];
            Map<String, Map<String, Object>> interned = new HashMap<>();
            long pos = MAGIC.length + 4;
            for (int i = 0; i < count; i++) {
                offsets[i] = pos;
                byte[] id = readBytes(in, file);
                byte[] m = readBytes(in, file);
                int textLen = in.readInt();
                in.skipNBytes(textLen);
                ids.add(id);
                String mj = new String(m, StandardCharsets.UTF_8);
                Map<String, Object> parsed = interned.get(mj);
                if (parsed == null) { // parse errors name the document
                    parsed = DocCodec.parseMetadata(new String(id, StandardCharsets.UTF_8), mj);
                    interned.put(mj, parsed);
                }
                meta[i] = parsed;
                pos += 12L + id.length + m.length + textLen;
            }
            return new Loaded(ids.build(), meta, offsets);
        } catch (EOFException e) {
            throw new CorruptIndexException(file, "document file is truncated", e);
        }
    }

    private static byte[] readBytes(DataInputStream in, Path file) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > (1 << 30)) {
            throw new CorruptIndexException(file, "bad record length " + n);
        }
        byte[] b = new byte[n];
        in.readFully(b);
        return b;
    }

    /** Streams every document of the file in ordinal order (store rebuilds, compaction). */
    public static void forEach(Path file, Map<String, Object>[] metadata, java.util.function.ObjIntConsumer<Document> action)
            throws IOException {
        try (InputStream is = Files.newInputStream(file);
             DataInputStream in = new DataInputStream(new BufferedInputStream(is, 1 << 16))) {
            in.skipNBytes(MAGIC.length);
            int count = in.readInt();
            for (int i = 0; i < count; i++) {
                String id = new String(readBytes(in, file), StandardCharsets.UTF_8);
                readBytes(in, file);
                String text = new String(readBytes(in, file), StandardCharsets.UTF_8);
                action.accept(new Document(id, text, metadata[i]), i);
            }
        } catch (EOFException e) {
            throw new CorruptIndexException(file, "document file is truncated", e);
        }
    }

    /** Reads the full document at a record offset (fallback hydration and store rebuilds). */
    public static Document readAt(FileChannel ch, long offset, Map<String, Object> metadata) throws IOException {
        String id = new String(readChunk(ch, offset), StandardCharsets.UTF_8);
        long p = offset + 4 + id.getBytes(StandardCharsets.UTF_8).length;
        int metaLen = readInt(ch, p);
        p += 4 + metaLen;
        String text = new String(readChunk(ch, p), StandardCharsets.UTF_8);
        return new Document(id, text, metadata);
    }

    private static int readInt(FileChannel ch, long pos) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(4);
        readFully(ch, b, pos);
        return b.getInt(0);
    }

    private static byte[] readChunk(FileChannel ch, long pos) throws IOException {
        int n = readInt(ch, pos);
        ByteBuffer b = ByteBuffer.allocate(n);
        readFully(ch, b, pos + 4);
        return b.array();
    }

    private static void readFully(FileChannel ch, ByteBuffer b, long pos) throws IOException {
        while (b.hasRemaining()) {
            int r = ch.read(b, pos + b.position());
            if (r < 0) {
                throw new EOFException("unexpected end of document file");
            }
        }
    }
}
