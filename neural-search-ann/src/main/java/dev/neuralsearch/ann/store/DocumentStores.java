package dev.neuralsearch.ann.store;

import dev.neuralsearch.ann.DocumentStoreKind;
import dev.neuralsearch.ann.JVectorIndexOptions;
import dev.neuralsearch.ann.commit.Manifest;
import dev.neuralsearch.ann.read.Segment;
import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the {@link DocumentStore} of an index home: picks the kind ({@link DocumentStoreKind}), and brings a Chronicle
 * store in line with the manifest (after an unclean shutdown it is discarded and rebuilt from the segment doc files;
 * otherwise ghost entries of segments the manifest does not reference are removed, and it is rebuilt only if it lacks
 * entries).
 */
public final class DocumentStores {
    public static final String DIR = "store";
    public static final String OPEN_MARKER = "OPEN";

    private static final Logger LOG = LoggerFactory.getLogger(DocumentStores.class);
    private static final AtomicBoolean FALLBACK_LOGGED = new AtomicBoolean();

    private DocumentStores() {
    }

    public static DocumentStore open(Path home, Manifest m, List<Segment> segments, JVectorIndexOptions o)
            throws IOException {
        Path dir = home.resolve(DIR);
        DocumentStoreKind wanted = o.documentStore();
        if (wanted == DocumentStoreKind.SEGMENT_FILES || (wanted == DocumentStoreKind.AUTO && !chronicleUsable())) {
            return segmentFiles(dir);
        }
        if (wanted == DocumentStoreKind.CHRONICLE && ChronicleAvailability.problem().isPresent()) {
            throw new IllegalStateException("documentStore=CHRONICLE, but Chronicle Map cannot run in this JVM: "
                    + ChronicleAvailability.problem().get() + ". " + advice()
                    + ", or choose DocumentStoreKind.AUTO or SEGMENT_FILES");
        }
        try {
            return openChronicle(home, m, segments, o);
        } catch (IOException | RuntimeException | LinkageError e) {
            if (wanted == DocumentStoreKind.CHRONICLE) {
                throw e;
            }
            // e.g. too little disk space for the map, or a JDK that refuses what the probe let through
            LOG.warn("neural-search: the Chronicle Map document store cannot open in {} ({}); hits are read from the"
                    + " segment files instead", dir, rootCause(e));
            return segmentFiles(dir);
        }
    }

    private static String rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.toString();
    }

    /** The kind of an open store. */
    public static DocumentStoreKind kindOf(DocumentStore store) {
        return store instanceof ChronicleDocumentStore ? DocumentStoreKind.CHRONICLE : DocumentStoreKind.SEGMENT_FILES;
    }

    private static boolean chronicleUsable() {
        if (ChronicleAvailability.problem().isEmpty()) {
            return true;
        }
        if (FALLBACK_LOGGED.compareAndSet(false, true)) {
            LOG.info("neural-search: document store = segment files, not Chronicle Map ({}). {} for Chronicle Map's"
                    + " faster hits (README, \"JVM flags\").", ChronicleAvailability.problem().get(), advice());
        }
        return false;
    }

    private static String advice() {
        List<String> missing = ChronicleAvailability.missingFlags();
        return missing.isEmpty() ? "Run on a full JDK on Linux or macOS"
                : "Start the JVM with " + String.join(" ", missing);
    }

    /**
     * The store that keeps nothing. Chronicle files left by an earlier open are deleted: this store does not keep
     * them up to date, so a later open with Chronicle must not take them as current (it rebuilds them instead).
     */
    private static DocumentStore segmentFiles(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            ChronicleDocumentStore.deleteFiles(dir);
            Files.deleteIfExists(dir.resolve(OPEN_MARKER));
            try {
                Files.deleteIfExists(dir);
            } catch (DirectoryNotEmptyException ignored) {
                // someone else's file: leave it
            }
        }
        return new SegmentFilesDocumentStore();
    }

    private static DocumentStore openChronicle(Path home, Manifest m, List<Segment> segments, JVectorIndexOptions o)
            throws IOException {
        Path dir = home.resolve(DIR);
        Path marker = dir.resolve(OPEN_MARKER);
        Files.createDirectories(dir);
        if (Files.exists(marker)) {
            // unclean shutdown: the old maps go before the new one is made, so the store never exists twice
            ChronicleDocumentStore.deleteFiles(dir);
        }
        Files.write(marker, new byte[0]);
        // sized for what the home holds (a new map when it fills up holds twice the store), not for a guess
        DocumentStore store = new ChronicleDocumentStore(dir, Math.max(o.expectedDocuments(), m.totalEntries()),
                o.averageDocumentBytes());
        try {
            Set<Integer> live = new HashSet<>();
            for (Segment s : segments) {
                live.add(s.id());
            }
            List<Long> ghosts = new ArrayList<>();
            store.forEachKey(k -> {
                if (!live.contains(DocumentStore.segmentOf(k))) {
                    ghosts.add(k);
                }
            });
            for (long k : ghosts) {
                store.remove(k);
            }
            if (store.size() != m.totalEntries()) {
                store.clear();
                for (Segment s : segments) {
                    s.forEachDocument((doc, ord) -> store.put(DocumentStore.key(s.id(), ord), doc));
                }
            }
            return store;
        } catch (IOException | RuntimeException e) {
            store.close();
            throw e;
        }
    }
}
