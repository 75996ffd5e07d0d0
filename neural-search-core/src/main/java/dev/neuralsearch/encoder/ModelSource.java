package dev.neuralsearch.encoder;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;

/** Where a model or tokenizer file comes from: the class path (a packaged model jar) or a file. */
public sealed interface ModelSource {

    /** A human-readable location for messages. */
    String describe();

    /** Whether the file is there. */
    boolean exists();

    /** The whole file; throws {@link ModelNotFoundException} when it is absent. */
    byte[] readAllBytes();

    static ModelSource classpath(String resource, String mavenCoordinates) {
        return new Classpath(resource, mavenCoordinates);
    }

    static ModelSource file(Path path) {
        return new File(path);
    }

    /**
     * A resource at the root of a jar on the class path.
     *
     * @param resource         resource name (no leading slash)
     * @param mavenCoordinates {@code groupId:artifactId} of the jar that ships it, named when it is missing
     */
    record Classpath(String resource, String mavenCoordinates) implements ModelSource {
        public Classpath {
            Objects.requireNonNull(resource, "resource");
            resource = resource.startsWith("/") ? resource.substring(1) : resource;
        }

        @Override
        public String describe() {
            return "classpath:" + resource;
        }

        @Override
        public boolean exists() {
            return loader().getResource(resource) != null;
        }

        @Override
        public byte[] readAllBytes() {
            try (InputStream in = loader().getResourceAsStream(resource)) {
                if (in == null) {
                    throw new ModelNotFoundException("model resource '" + resource + "' is not on the class path"
                            + (mavenCoordinates == null ? "" : "; add the Maven dependency " + mavenCoordinates
                            + " (its transitive dependencies can be excluded: only the files at the jar root are used)"));
                }
                return in.readAllBytes();
            } catch (IOException e) {
                throw new ModelNotFoundException("cannot read model resource '" + resource + "': " + e.getMessage(), e);
            }
        }

        private static ClassLoader loader() {
            ClassLoader cl = Thread.currentThread().getContextClassLoader();
            return cl != null ? cl : ModelSource.class.getClassLoader();
        }
    }

    /** A file on disk. */
    record File(Path path) implements ModelSource {
        public File {
            Objects.requireNonNull(path, "path");
            path = path.toAbsolutePath().normalize();
        }

        @Override
        public String describe() {
            return path.toString();
        }

        @Override
        public boolean exists() {
            return Files.isRegularFile(path);
        }

        @Override
        public byte[] readAllBytes() {
            try {
                return Files.readAllBytes(path);
            } catch (NoSuchFileException e) {
                throw new ModelNotFoundException("model file not found: " + path, e);
            } catch (IOException e) {
                throw new ModelNotFoundException("cannot read model file " + path + ": " + e.getMessage(), e);
            }
        }
    }
}
