package dev.neuralsearch.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --home <dir>}: the index home. */
final class HomeOptions {
    @Option(names = "--home", required = true, paramLabel = "<dir>", description = "The index home directory.")
    Path home;
}
