package dev.neuralsearch.ann;

import dev.neuralsearch.ann.store.ChronicleDocumentStore;
import dev.neuralsearch.ann.store.DocumentStore;
import dev.neuralsearch.core.Document;
import dev.neuralsearch.core.Filter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Child process of {@link FullDiskTest}: writes into a small file system until it is full and prints what failed and
 * what still works. A JVM killed by SIGBUS prints none of the closing lines.
 * Args: {@code store DIR} (a Chronicle store alone), {@code index HOME} (an index with the Chronicle store) or
 * {@code fallback HOME} (an index opened with {@link DocumentStoreKind#AUTO} where no Chronicle map fits).
 */
public final class FullDiskWriter {
    public static void main(String[] args) {
        Path path = Path.of(args[1]);
        switch (args[0]) {
            case "store" -> store(path);
            case "index" -> index(path);
            case "fallback" -> fallback(path);
            default -> throw new IllegalArgumentException(args[0]);
        }
        System.out.println("done");
    }

    private static void store(Path dir) {
        String text = "x".repeat(300);
        int n = 0;
        try (ChronicleDocumentStore store = new ChronicleDocumentStore(dir, 1024, 128)) {
            try {
                for (; n < 10_000_000; n++) {
                    store.put(DocumentStore.key(1, n), new Document("d" + n, text));
                }
                System.out.println("store-never-full");
            } catch (RuntimeException e) {
                System.out.println("store-failed " + describe(e) + " after " + n);
            }
            System.out.println("store-read " + store.get(DocumentStore.key(1, 0)).id() + " "
                    + store.get(DocumentStore.key(1, n - 1)).id());
        }
        try (ChronicleDocumentStore store = new ChronicleDocumentStore(dir, 1024, 128)) {
            System.out.println("store-reopened " + (store.size() >= n - 1) + " " + store.get(DocumentStore.key(1, 0)).id());
        } catch (RuntimeException e) {
            System.out.println("store-reopen-failed " + describe(e));
        }
    }

    private static void index(Path home) {
        TestVectors tv = new TestVectors(CrashWorker.DIM, 11);
        JVectorIndexOptions o = CrashWorker.OPTIONS.withDocumentStore(DocumentStoreKind.CHRONICLE)
                .withMaxBufferedDocs(100_000).withMaxSegments(1_000);
        try (JVectorIndex index = JVectorIndex.open(home, CrashWorker.SCHEMA, o)) {
            int commits = 0;
            try {
                for (; commits < 100_000; commits++) {
                    List<Document> docs = new ArrayList<>();
                    List<float[]> vectors = new ArrayList<>();
                    for (int i = 0; i < 200; i++) {
                        docs.add(Document.of("c" + commits + "-" + i, "y".repeat(1000), Map.of("c", commits)));
                        vectors.add(tv.next());
                    }
                    index.add(docs, vectors);
                    index.commit();
                }
                System.out.println("index-never-full");
            } catch (RuntimeException e) {
                System.out.println("index-failed " + describe(e) + " after " + commits);
            }
            System.out.println("index-search " + index.search(tv.next(), 5, Filter.ALL).size() + " "
                    + index.get("c0-0").map(Document::id).orElse("<none>"));
        }
    }

    private static void fallback(Path home) {
        TestVectors tv = new TestVectors(CrashWorker.DIM, 3);
        JVectorIndexOptions files = CrashWorker.OPTIONS.withDocumentStore(DocumentStoreKind.SEGMENT_FILES);
        try (JVectorIndex index = JVectorIndex.open(home, CrashWorker.SCHEMA, files)) {
            index.add(List.of(new Document("a", "alpha"), new Document("b", "beta")), List.of(tv.next(), tv.next()));
            index.commit();
        }
        try {
            // leave less than the smallest map needs (1,024 entries of 128 bytes: 0.7 MB)
            long free = java.nio.file.Files.getFileStore(home).getUnallocatedSpace();
            java.nio.file.Files.write(home.resolveSibling("filler"), new byte[(int) Math.max(0, free - (200 << 10))]);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        try (JVectorIndex index = JVectorIndex.open(home, CrashWorker.SCHEMA,
                CrashWorker.OPTIONS.withDocumentStore(DocumentStoreKind.AUTO))) {
            System.out.println("fallback " + index.documentStoreKind() + " " + index.get("b").orElseThrow().text()
                    + " store-dir " + java.nio.file.Files.exists(home.resolve("store")));
        }
    }

    /** The exception's class and the class of the first {@link java.io.IOException} in its causes. */
    private static String describe(Throwable e) {
        String io = "none";
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.io.IOException) {
                io = t.getClass().getName();
                break;
            }
        }
        return e.getClass().getName() + " io=" + io + " (" + e.getMessage() + ")";
    }
}
