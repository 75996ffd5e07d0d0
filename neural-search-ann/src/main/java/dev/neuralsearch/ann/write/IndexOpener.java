package dev.neuralsearch.ann.write;

import dev.neuralsearch.ann.CorruptIndexException;
import dev.neuralsearch.ann.JVectorIndexOptions;
import dev.neuralsearch.ann.LexicalAnalyzer;
import dev.neuralsearch.ann.commit.Compatibility;
import dev.neuralsearch.ann.commit.HomeLock;
import dev.neuralsearch.ann.commit.Manifest;
import dev.neuralsearch.ann.format.legacy.LexicalBackfill;
import dev.neuralsearch.ann.lexical.LexicalIndex;
import dev.neuralsearch.ann.lexical.LexicalRoute;
import dev.neuralsearch.ann.read.CommitReader;
import dev.neuralsearch.ann.read.Segment;
import dev.neuralsearch.ann.read.Snapshot;
import dev.neuralsearch.ann.read.SnapshotManager;
import dev.neuralsearch.ann.store.DocumentStore;
import dev.neuralsearch.ann.store.DocumentStores;
import dev.neuralsearch.core.IndexSchema;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Opens a home for writing: takes its lock, reads (or creates) the manifest, opens the segments, brings the document
 * store in line with the manifest ({@link DocumentStores}), opens the lexical index at its recorded commit, drops
 * duplicate ids and unreferenced files, and upgrades a home that predates the lexical route ({@link LexicalBackfill}).
 */
public final class IndexOpener {
    private IndexOpener() {
    }

    /** {@code newHomeAnalyzer}: the lexical analyzer of a new home when the options name none. */
    public static IndexWriter open(Path home, IndexSchema schema, JVectorIndexOptions options,
                                   LexicalAnalyzer newHomeAnalyzer) {
        HomeLock lock = null;
        List<Segment> segments = new ArrayList<>();
        DocumentStore store = null;
        LexicalIndex lexical = null;
        try {
            Files.createDirectories(home);
            lock = HomeLock.acquire(home);
            Manifest m;
            if (Manifest.exists(home)) {
                m = Manifest.read(home);
                Compatibility.checkSchema(home, m, schema);
            } else {
                try (Stream<Path> files = Files.list(home)) {
                    Optional<Path> orphan = files.filter(p -> p.getFileName().toString().endsWith(".graph")).findAny();
                    if (orphan.isPresent()) {
                        throw new CorruptIndexException(home.resolve(Manifest.FILE_NAME),
                                "manifest is missing but segment files exist (e.g. " + orphan.get().getFileName()
                                        + "); refusing to create an empty index over them");
                    }
                }
                m = Manifest.empty(schema);
                m.write(home);
            }
            CommitReader.openSegments(home, m, options, null, segments);
            store = DocumentStores.open(home, m, segments, options);
            LexicalAnalyzer analyzer = Compatibility.checkAnalyzer(home, m, options.lexical().analyzer(),
                    newHomeAnalyzer);
            lexical = LexicalIndex.open(home, m.lexical(), analyzer, options.lexical(), options.verifyChecksums());
            SnapshotManager snapshots = new SnapshotManager(new Snapshot(segments, new WriteBuffer()));
            segments.forEach(Segment::release); // the snapshot holds them
            segments.clear();
            IndexWriter writer = new IndexWriter(home, schema, options, lock, m, snapshots, store,
                    new LexicalRoute(lexical));
            lock = null; // owned by the writer now
            store = null;
            lexical = null;
            try {
                writer.dropDuplicateIds();
                writer.deleteUnreferencedFiles();
                if (LexicalBackfill.needed(m.lexical() != null, m.segments().size())) {
                    LexicalBackfill.index(snapshots.current().segments(), writer.store(), writer.lexical().get());
                    writer.commit(null, false);
                }
            } catch (RuntimeException e) {
                snapshots.close(writer::closeResources); // as close(): releases the store, the lexical index, the lock
                throw e;
            }
            return writer;
        } catch (IOException | RuntimeException e) {
            for (Segment s : segments) {
                s.release();
            }
            if (store != null) {
                store.close();
            }
            if (lexical != null) {
                lexical.close();
            }
            if (lock != null) {
                lock.close();
            }
            if (e instanceof IOException io) {
                throw new UncheckedIOException("cannot open index at " + home + ": " + io.getMessage(), io);
            }
            throw (RuntimeException) e;
        }
    }
}
