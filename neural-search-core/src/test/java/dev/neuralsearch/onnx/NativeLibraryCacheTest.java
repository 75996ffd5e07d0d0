package dev.neuralsearch.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.onnxruntime.OrtEnvironment;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The native-library folder under a shared temp directory: ours alone, and libraries trusted by checksum. */
class NativeLibraryCacheTest {

    private static URL jniLibrary() {
        URL url = OrtEnvironment.class.getResource("/ai/onnxruntime/native/" + OnnxEnvironment.platform() + "/"
                + System.mapLibraryName("onnxruntime4j_jni"));
        assumeTrue(url != null, "no ONNX Runtime library for " + OnnxEnvironment.platform() + " in the jar");
        return url;
    }

    private static byte[] bytes(URL url) throws IOException {
        try (InputStream in = url.openStream()) {
            return in.readAllBytes();
        }
    }

    @Test
    void aPlantedLibraryOfTheSameSizeIsReplaced(@TempDir Path tmp) throws Exception {
        URL jni = jniLibrary();
        byte[] real = bytes(jni);
        Path target = tmp.resolve(System.mapLibraryName("onnxruntime4j_jni"));
        byte[] planted = real.clone();
        planted[planted.length / 2] ^= 0x5A; // same size, one byte off: a size check would keep it
        Files.write(target, planted);

        assertThat(NativeLibraryCache.extractIfNeeded(jni, target)).isTrue();
        assertThat(Files.readAllBytes(target)).isEqualTo(real);
        // an intact copy is kept, not rewritten
        assertThat(NativeLibraryCache.extractIfNeeded(jni, target)).isFalse();
        try (var files = Files.list(tmp)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".part"));
        }
        // a shorter or longer file too
        Files.write(target, Arrays.copyOf(real, real.length - 1));
        assertThat(NativeLibraryCache.extractIfNeeded(jni, target)).isTrue();
        assertThat(Files.readAllBytes(target)).isEqualTo(real);
    }

    @Test
    void aWideOpenFolderIsNarrowedToTheOwner(@TempDir Path tmp) throws Exception {
        assumeTrue(Files.getFileStore(tmp).supportsFileAttributeView(PosixFileAttributeView.class), "no POSIX modes");
        Path dir = tmp.resolve("neural-search-ort");
        Files.createDirectory(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        NativeLibraryCache.privateDirectory(dir);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwx------");

        Path fresh = tmp.resolve("fresh");
        NativeLibraryCache.privateDirectory(fresh);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(fresh))).isEqualTo("rwx------");
    }

    @Test
    void aFolderOfAnotherUserOrALinkIsRefused(@TempDir Path tmp) throws Exception {
        assumeTrue(Files.getFileStore(tmp).supportsFileAttributeView(PosixFileAttributeView.class), "no POSIX modes");
        Path real = Files.createDirectory(tmp.resolve("real"));
        Path link = Files.createSymbolicLink(tmp.resolve("link"), real);
        assertThatThrownBy(() -> NativeLibraryCache.privateDirectory(link)).isInstanceOf(IOException.class)
                .hasMessageContaining("is not a directory (a link or a file is in the way)");

        assumeTrue("root".equals(System.getProperty("user.name")), "giving a folder to another user needs root");
        Path theirs = Files.createDirectory(tmp.resolve("theirs"));
        UserPrincipal nobody = tmp.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
        Files.setOwner(theirs, nobody);
        assertThatThrownBy(() -> NativeLibraryCache.privateDirectory(theirs)).isInstanceOf(IOException.class)
                .hasMessageContaining("belongs to nobody, not to root")
                .hasMessageContaining("-D" + OnnxEnvironment.NATIVE_PATH_PROPERTY);
    }
}
