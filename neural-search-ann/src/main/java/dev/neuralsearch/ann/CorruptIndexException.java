package dev.neuralsearch.ann;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** A file of the index home is missing, truncated or fails its checksum. Names the file. */
public class CorruptIndexException extends UncheckedIOException {
    private final transient Path file;

    public CorruptIndexException(Path file, String message) {
        this(file, message, null);
    }

    public CorruptIndexException(Path file, String message, Throwable cause) {
        super(file + ": " + message, cause instanceof IOException io ? io : new IOException(message, cause));
        this.file = file;
    }

    public Path file() {
        return file;
    }
}
