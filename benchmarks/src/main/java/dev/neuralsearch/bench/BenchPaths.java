package dev.neuralsearch.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the benchmarks find their inputs and keep what they compute once (embeddings, ground truth, indexes).
 *
 * <p>Shared data: {@code -Dshared.dir=...}, else {@code $NS_SHARED_DIR}, else the first {@code shared/} folder
 * found beside the working directory or one of its parents (so both {@code /work/<checkout>} and
 * {@code /work/<checkout>/benchmarks} work). Cache: {@code -Dbench.dir=...}, else {@code benchmarks/target/bench-data}
 * under the checkout (or {@code target/bench-data} when started inside {@code benchmarks/}).
 */
public final class BenchPaths {
    private BenchPaths() {
    }

    public static Path shared() {
        String prop = System.getProperty("shared.dir", System.getenv("NS_SHARED_DIR"));
        if (prop != null && !prop.isBlank()) {
            return Path.of(prop).toAbsolutePath().normalize();
        }
        Path dir = Path.of("").toAbsolutePath();
        for (Path p = dir; p != null; p = p.getParent()) {
            Path candidate = p.resolveSibling("shared");
            if (Files.isDirectory(candidate.resolve("data"))) {
                return candidate;
            }
            if (Files.isDirectory(p.resolve("shared").resolve("data"))) {
                return p.resolve("shared");
            }
        }
        throw new IllegalStateException("shared data folder not found from " + dir
                + "; pass -Dshared.dir=/path/to/shared (it holds data/scifact)");
    }

    public static Path scifact() {
        Path p = shared().resolve("data").resolve("scifact");
        if (!Files.isRegularFile(p.resolve("corpus.jsonl"))) {
            throw new IllegalStateException("SciFact not found at " + p);
        }
        return p;
    }

    /** A writable folder for cached inputs; created on demand. */
    public static Path cache() {
        String prop = System.getProperty("bench.dir");
        Path p;
        if (prop != null && !prop.isBlank()) {
            p = Path.of(prop);
        } else if (Files.isDirectory(Path.of("benchmarks", "src"))) {
            p = Path.of("benchmarks", "target", "bench-data");
        } else {
            p = Path.of("target", "bench-data");
        }
        try {
            return Files.createDirectories(p.toAbsolutePath().normalize());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
