package dev.neuralsearch.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Enumeration;

/**
 * A class loader in which Lucene 10 replaces the Lucene 9.12 of the library: {@code org.apache.lucene.*} and the peer
 * classes of module {@code benchmarks-lucene10} ({@code dev.neuralsearch.bench.lucene10.*}) are loaded here first,
 * from the lucene-core 10 jar the build copies into the benchmarks' resources ({@value #JAR}); everything else (the
 * JDK, the benchmarks) comes from the parent. Lucene's service files are read from that jar only, so its codec lookup
 * never sees Lucene 9's.
 */
final class Lucene10Loader extends URLClassLoader {
    static final String JAR = "peers/lucene-core-10.jar";
    private static final String PEER_PACKAGE = "dev.neuralsearch.bench.lucene10.";

    static {
        registerAsParallelCapable();
    }

    private static volatile Lucene10Loader instance;

    private Lucene10Loader(URL luceneJar, ClassLoader parent) {
        super("lucene10", new URL[] {luceneJar}, parent);
    }

    /** One loader per JVM, so that every Lucene 10 side shares its classes (and its JIT-compiled code). */
    static Lucene10Loader get() {
        Lucene10Loader l = instance;
        if (l == null) {
            synchronized (Lucene10Loader.class) {
                l = instance;
                if (l == null) {
                    instance = l = new Lucene10Loader(luceneJar(), Lucene10Loader.class.getClassLoader());
                }
            }
        }
        return l;
    }

    /** The jar as a file: used in place in {@code target/classes}, copied out of the uber jar otherwise. */
    private static URL luceneJar() {
        URL url = Lucene10Loader.class.getClassLoader().getResource(JAR);
        if (url == null) {
            throw new IllegalStateException(JAR + " is not on the class path: build the benchmarks with Maven"
                    + " (the dependency plugin copies lucene-core ${lucene10.version} there)");
        }
        try {
            if ("file".equals(url.getProtocol())) {
                return url;
            }
            Path copy = Files.createTempFile("lucene-core-10-", ".jar");
            copy.toFile().deleteOnExit();
            try (InputStream in = url.openStream()) {
                Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
            }
            return copy.toUri().toURL();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean ownClass(String name) {
        return name.startsWith("org.apache.lucene.") || name.startsWith(PEER_PACKAGE);
    }

    private static boolean ownResource(String name) {
        return name.startsWith("org/apache/lucene/") || name.startsWith("META-INF/services/org.apache.lucene.");
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        if (!ownClass(name)) {
            return super.loadClass(name, resolve);
        }
        synchronized (getClassLoadingLock(name)) {
            Class<?> c = findLoadedClass(name);
            if (c == null) {
                c = name.startsWith(PEER_PACKAGE) ? definePeer(name) : findClass(name);
            }
            if (resolve) {
                resolveClass(c);
            }
            return c;
        }
    }

    /** The peer's classes sit on the parent's class path (module benchmarks-lucene10); define them here. */
    private Class<?> definePeer(String name) throws ClassNotFoundException {
        String path = name.replace('.', '/') + ".class";
        try (InputStream in = getParent().getResourceAsStream(path)) {
            if (in == null) {
                throw new ClassNotFoundException(name + " (module benchmarks-lucene10 not on the class path)");
            }
            byte[] b = in.readAllBytes();
            return defineClass(name, b, 0, b.length);
        } catch (IOException e) {
            throw new ClassNotFoundException(name, e);
        }
    }

    @Override
    public URL getResource(String name) {
        return ownResource(name) ? findResource(name) : super.getResource(name);
    }

    @Override
    public Enumeration<URL> getResources(String name) throws IOException {
        return ownResource(name) ? findResources(name) : super.getResources(name);
    }
}
