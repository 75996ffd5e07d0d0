package dev.neuralsearch.ann.commit;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.neuralsearch.ann.CorruptIndexException;
import dev.neuralsearch.ann.IncompatibleIndexException;
import dev.neuralsearch.ann.format.FileUtil;
import dev.neuralsearch.ann.format.SegmentFeatures;
import dev.neuralsearch.ann.format.SegmentLayout;
import dev.neuralsearch.core.IndexSchema;
import dev.neuralsearch.core.Similarity;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * The committed state of an index home: schema, generation and the immutable segment files with their sizes and
 * CRC32s. Stored as {@code manifest.json} = {@code {"crc32":"xxxxxxxx","manifest":BODY}} where the checksum covers
 * the exact bytes of BODY. Replaced atomically at each commit (temp file, fsync, rename, directory fsync).
 */
public record Manifest(int formatVersion, String modelId, int dimension, Similarity similarity, long generation,
                int nextSegmentId, List<SegmentEntry> segments, Map<String, String> userData, LexicalEntry lexical) {

    /**
     * Highest format this library reads and writes. 1: segments with inline vectors (+ FusedPQ). 2: adds segments
     * in the {@link SegmentLayout#PQ_IN_MEMORY} layout (a {@code seg-N.pq} file). 3: adds the layouts with a
     * little-endian vector file of their own ({@link SegmentLayout#VECTOR_FILE}, {@link SegmentLayout#PQ_VECTOR_FILE};
     * a {@code seg-N.vec} file). 4: adds {@link SegmentLayout#INT8_VECTOR_FILE} (int8 codes in a {@code seg-N.i8}
     * file, which the entry's {@code pqFile} field names). A manifest is written with the lowest version that
     * describes its segments, so an index without such segments stays readable by older versions of the library.
     */
    static final int FORMAT_VERSION = 4;
    public static final String FILE_NAME = "manifest.json";
    private static final String PREFIX_START = "{\"crc32\":\"";
    private static final String PREFIX_END = "\",\"manifest\":";
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    public Manifest {
        segments = List.copyOf(segments);
        userData = userData == null ? Map.of() : Map.copyOf(userData);
    }

    /**
     * One immutable segment. {@code tombstoneFile} is null while no entry of the segment is deleted.
     * {@code pq} is true when the segment is traversed with approximate codes (PQ in either PQ layout, or int8).
     * {@code layout} is null in manifests of format 1 (derived from {@code pq}: FusedPQ or inline); {@code pqFile},
     * the segment's code file (PQ, or int8 in {@link SegmentLayout#INT8_VECTOR_FILE}), is null unless the layout
     * {@link SegmentLayout#hasCodeFile() has one}, {@code vectorsFile} unless it {@link SegmentLayout#hasVectorFile()
     * has one} (format 3).
     */
    public record SegmentEntry(int id, int count, boolean pq, String graphFile, long graphBytes, long graphCrc,
                        String docsFile, long docsBytes, long docsCrc, String tombstoneFile, long tombstoneBytes,
                        long tombstoneCrc, int tombstones, SegmentLayout layout, String pqFile, long pqBytes,
                        long pqCrc, String vectorsFile, long vectorsBytes, long vectorsCrc) {
        public SegmentEntry withTombstones(String file, long bytes, long crc, int n) {
            return new SegmentEntry(id, count, pq, graphFile, graphBytes, graphCrc, docsFile, docsBytes, docsCrc,
                    file, bytes, crc, n, layout, pqFile, pqBytes, pqCrc, vectorsFile, vectorsBytes, vectorsCrc);
        }

        /** The layout, also for entries of format-1 manifests, which do not record it. */
        public SegmentLayout effectiveLayout() {
            return layout != null ? layout : pq ? SegmentLayout.FUSED_PQ : SegmentLayout.INLINE;
        }

        /** This entry with its layout recorded (format-1 entries do not carry it). */
        SegmentEntry withLayoutRecorded() {
            return layout != null ? this : new SegmentEntry(id, count, pq, graphFile, graphBytes, graphCrc, docsFile,
                    docsBytes, docsCrc, tombstoneFile, tombstoneBytes, tombstoneCrc, tombstones, effectiveLayout(),
                    pqFile, pqBytes, pqCrc, vectorsFile, vectorsBytes, vectorsCrc);
        }

        /** What the segment's files hold. */
        public SegmentFeatures features() {
            return effectiveLayout().features();
        }

        /** Oldest manifest format that can describe this segment. */
        int requiredFormat() {
            return features().requiredFormat();
        }
    }

    /**
     * The lexical (Lucene) index of this commit: {@code lexical/} holds a Lucene index whose commit
     * {@code segmentsFile} (Lucene generation {@code luceneGeneration}, live commit data {@code nsgen} = this
     * manifest's generation) has exactly the documents of this manifest. Lucene checksums its own files.
     * Null in homes written before the lexical route existed (it is then built from the segments at open).
     */
    public record LexicalEntry(String analyzer, String segmentsFile, long luceneGeneration, long documents) {
    }

    public static Manifest empty(IndexSchema schema) {
        return new Manifest(1, schema.modelId(), schema.dimension(), schema.similarity(), 0, 1,
                List.of(), Map.of(), null);
    }

    public Manifest withLexical(LexicalEntry l) {
        return new Manifest(formatVersion, modelId, dimension, similarity, generation, nextSegmentId, segments,
                userData, l);
    }

    public IndexSchema schema() {
        return new IndexSchema(modelId, dimension, similarity);
    }

    public Manifest next(List<SegmentEntry> newSegments, int newNextSegmentId, Map<String, String> newUserData) {
        int version = 1;
        for (SegmentEntry e : newSegments) {
            version = Math.max(version, e.requiredFormat());
        }
        return new Manifest(version, modelId, dimension, similarity, generation + 1, newNextSegmentId,
                new ArrayList<>(newSegments), newUserData, lexical);
    }

    public long totalEntries() {
        long n = 0;
        for (SegmentEntry s : segments) {
            n += s.count();
        }
        return n;
    }

    public void write(Path home) throws IOException {
        byte[] body = JSON.writeValueAsBytes(this);
        CRC32 crc = new CRC32();
        crc.update(body);
        String prefix = PREFIX_START + String.format("%08x", crc.getValue()) + PREFIX_END;
        byte[] p = prefix.getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[p.length + body.length + 2];
        System.arraycopy(p, 0, all, 0, p.length);
        System.arraycopy(body, 0, all, p.length, body.length);
        all[all.length - 2] = '}';
        all[all.length - 1] = '\n';
        try {
            FileUtil.atomicWrite(home.resolve(FILE_NAME), all);
        } catch (FileUtil.SyncAfterRenameException e) {
            throw e;
        } catch (IOException e) {
            throw new IOException("writing " + FILE_NAME + " failed: " + e.getMessage(), e);
        }
    }

    public static boolean exists(Path home) {
        return Files.exists(home.resolve(FILE_NAME));
    }

    public static Manifest read(Path home) {
        Path file = home.resolve(FILE_NAME);
        byte[] all;
        try {
            all = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new CorruptIndexException(file, "manifest is missing", e);
        } catch (IOException e) {
            throw new CorruptIndexException(file, "cannot read manifest: " + e.getMessage(), e);
        }
        int prefixLen = PREFIX_START.length() + 8 + PREFIX_END.length();
        String head = all.length >= prefixLen ? new String(all, 0, prefixLen, StandardCharsets.US_ASCII) : "";
        if (!head.startsWith(PREFIX_START) || !head.endsWith(PREFIX_END)) {
            throw new CorruptIndexException(file, "not an index manifest (bad header; truncated or overwritten?)");
        }
        int end = all.length;
        while (end > prefixLen && (all[end - 1] == '\n' || all[end - 1] == '\r' || all[end - 1] == ' ')) {
            end--;
        }
        if (end <= prefixLen || all[end - 1] != '}') {
            throw new CorruptIndexException(file, "manifest is truncated");
        }
        long expected;
        try {
            expected = Long.parseLong(head.substring(PREFIX_START.length(), PREFIX_START.length() + 8), 16);
        } catch (NumberFormatException e) {
            throw new CorruptIndexException(file, "manifest checksum field is damaged", e);
        }
        CRC32 crc = new CRC32();
        crc.update(all, prefixLen, end - 1 - prefixLen);
        if (crc.getValue() != expected) {
            throw new CorruptIndexException(file, String.format(
                    "manifest checksum mismatch (stored %08x, computed %08x): the file is corrupted",
                    expected, crc.getValue()));
        }
        Manifest m;
        try {
            m = JSON.readValue(all, prefixLen, end - 1 - prefixLen, Manifest.class);
        } catch (IOException e) {
            throw new CorruptIndexException(file, "manifest cannot be parsed: " + e.getMessage(), e);
        }
        if (m.formatVersion() > FORMAT_VERSION || m.formatVersion() < 1) {
            throw new IncompatibleIndexException("index home " + home + " has manifest format version "
                    + m.formatVersion() + "; this library reads up to " + FORMAT_VERSION);
        }
        for (SegmentEntry e : m.segments()) {
            if (e.requiredFormat() > m.formatVersion()) {
                throw new CorruptIndexException(file, "segment " + e.id() + " has layout " + e.effectiveLayout()
                        + ", which manifest format " + m.formatVersion() + " cannot hold");
            }
            if (e.effectiveLayout().hasCodeFile() && e.pqFile() == null) {
                throw new CorruptIndexException(file, "segment " + e.id() + " lacks its code file entry");
            }
            if (e.effectiveLayout().hasVectorFile() && e.vectorsFile() == null) {
                throw new CorruptIndexException(file, "segment " + e.id() + " lacks its vector file entry");
            }
        }
        if (m.segments().stream().anyMatch(e -> e.layout() == null)) {
            m = new Manifest(m.formatVersion(), m.modelId(), m.dimension(), m.similarity(), m.generation(),
                    m.nextSegmentId(), m.segments().stream().map(SegmentEntry::withLayoutRecorded).toList(),
                    m.userData(), m.lexical());
        }
        return m;
    }
}
