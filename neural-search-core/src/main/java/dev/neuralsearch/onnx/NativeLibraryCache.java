package dev.neuralsearch.onnx;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The folder ONNX Runtime's native libraries are unpacked to and loaded from, made safe to share a machine
 * with other users: a shared temp folder would let another user plant a library that we then load.
 *
 * <ul>
 *   <li>{@link #privateDirectory} makes the folder, or accepts an existing one only if it is a real directory
 *       (not a link) owned by the current user; it is set to mode 0700 (owner only) if it was wider.</li>
 *   <li>{@link #extractIfNeeded} reuses a library only if its SHA-256 equals that of the library inside the
 *       jar, never on size alone; otherwise it writes the jar's bytes under a temporary name and renames
 *       them over the old file, so a concurrent process never loads a half-written library.</li>
 * </ul>
 */
final class NativeLibraryCache {

    private static final Logger LOG = LoggerFactory.getLogger(NativeLibraryCache.class);
    static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");

    private NativeLibraryCache() {
    }

    /**
     * Creates {@code dir} (mode 0700), or checks an existing one: it must be a directory, not a symbolic link,
     * owned by the current user; wider permissions are narrowed to 0700. Throws {@link IOException} naming the
     * problem when the folder cannot be trusted. On a file system without POSIX permissions it only creates.
     */
    static Path privateDirectory(Path dir) throws IOException {
        if (Files.getFileStore(existingAncestor(dir)).supportsFileAttributeView(PosixFileAttributeView.class)) {
            Files.createDirectories(dir.getParent());
            try {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            } catch (FileAlreadyExistsException exists) {
                // checked below like any other existing folder
            }
            PosixFileAttributes a = Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (!a.isDirectory()) {
                throw new IOException(dir + " is not a directory (a link or a file is in the way); remove it");
            }
            UserPrincipal me = currentUser(dir);
            if (!a.owner().equals(me)) {
                throw new IOException(dir + " belongs to " + a.owner().getName() + ", not to " + me.getName()
                        + ": its libraries cannot be trusted; remove it or set -D"
                        + OnnxEnvironment.NATIVE_PATH_PROPERTY + " to a folder of your own");
            }
            if (!a.permissions().equals(OWNER_ONLY)) {
                Files.setPosixFilePermissions(dir, OWNER_ONLY);
                LOG.warn("{} had mode {}; set it to rwx------", dir, PosixFilePermissions.toString(a.permissions()));
            }
        } else {
            Files.createDirectories(dir);
        }
        return dir;
    }

    private static Path existingAncestor(Path dir) {
        Path p = dir.toAbsolutePath();
        while (p != null && !Files.exists(p)) {
            p = p.getParent();
        }
        return p == null ? dir.toAbsolutePath().getRoot() : p;
    }

    private static UserPrincipal currentUser(Path dir) throws IOException {
        return dir.getFileSystem().getUserPrincipalLookupService()
                .lookupPrincipalByName(System.getProperty("user.name"));
    }

    /**
     * Makes {@code target} hold exactly the bytes of {@code resource}: kept if its SHA-256 matches, else
     * replaced (atomically where the file system can). Returns true when it wrote the file.
     */
    static boolean extractIfNeeded(URL resource, Path target) throws IOException {
        byte[] expected = sha256(resource);
        if (Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)) {
            byte[] actual;
            try (InputStream in = Files.newInputStream(target)) {
                actual = digest(in);
            }
            if (MessageDigest.isEqual(expected, actual)) {
                return false;
            }
            LOG.warn("{} differs from the library in the jar (SHA-256 {}, expected {}); replacing it", target,
                    HexFormat.of().formatHex(actual), HexFormat.of().formatHex(expected));
        }
        Path tmp = Files.createTempFile(target.getParent(), "." + target.getFileName() + ".", ".part");
        try {
            MessageDigest md = newDigest();
            try (InputStream in = new DigestInputStream(open(resource), md);
                    OutputStream out = Files.newOutputStream(tmp)) {
                in.transferTo(out);
            }
            if (!MessageDigest.isEqual(expected, md.digest())) {
                throw new IOException("the library " + resource + " changed while it was copied");
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            LOG.debug("extracted {} to {}", resource, target);
            return true;
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    static byte[] sha256(URL resource) throws IOException {
        try (InputStream in = open(resource)) {
            return digest(in);
        }
    }

    private static InputStream open(URL resource) throws IOException {
        URLConnection connection = resource.openConnection();
        connection.setUseCaches(false); // a cached JarFile could hold the jar open after we are done
        return connection.getInputStream();
    }

    private static byte[] digest(InputStream in) throws IOException {
        MessageDigest md = newDigest();
        byte[] buf = new byte[64 * 1024];
        for (int n; (n = in.read(buf)) > 0; ) {
            md.update(buf, 0, n);
        }
        return md.digest();
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
