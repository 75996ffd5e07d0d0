package dev.neuralsearch.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Locates the project's shared data folder ({@code ../shared} beside the checkout; surefire passes it as
 * the system property {@code shared.dir}). Tests that need it call {@link #require(String)}, which skips
 * the test cleanly when the folder is absent.
 */
public final class SharedData {
    private SharedData() {
    }

    public static Path root() {
        String prop = System.getProperty("shared.dir");
        Path p = prop != null ? Path.of(prop) : Path.of("..", "shared");
        return p.toAbsolutePath().normalize();
    }

    /** A path under the shared folder, or a skipped test if it is not there. */
    public static Path require(String relative) {
        Path p = root().resolve(relative);
        assumeTrue(Files.exists(p), () -> "shared data not found: " + p + " (skipping)");
        return p;
    }

    public static Path scifact() {
        return require("data/scifact");
    }

    public static Path cmrc() {
        return require("data/cmrc2018_zh");
    }
}
