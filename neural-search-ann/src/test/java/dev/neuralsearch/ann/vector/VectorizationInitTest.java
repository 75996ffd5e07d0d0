package dev.neuralsearch.ann.vector;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Class initialization order: whichever of {@link Vectorization} and its subclass {@link DefaultVectorization} a JVM
 * touches first, {@link Vectorization#get()} answers. Each case runs in a class loader of its own, so the classes
 * initialize afresh in the order the case chooses (this JVM's copies are already initialized).
 */
@Tag("smoke")
class VectorizationInitTest {

    @Test
    void theSubclassTouchedFirstStillLeavesAnImplementation() throws Exception {
        try (URLClassLoader loader = freshLoader()) {
            Class.forName("dev.neuralsearch.ann.vector.DefaultVectorization", true, loader);
            assertThat(implementationName(loader)).isIn("default", "panama");
        }
    }

    @Test
    void theBaseClassTouchedFirstLeavesAnImplementation() throws Exception {
        try (URLClassLoader loader = freshLoader()) {
            assertThat(implementationName(loader)).isIn("default", "panama");
        }
    }

    private static String implementationName(ClassLoader loader) throws Exception {
        Class<?> base = Class.forName("dev.neuralsearch.ann.vector.Vectorization", true, loader);
        Method get = base.getDeclaredMethod("get");
        get.setAccessible(true);
        Object instance = get.invoke(null);
        assertThat(instance).as("Vectorization.get()").isNotNull();
        Method name = base.getDeclaredMethod("name");
        name.setAccessible(true);
        return (String) name.invoke(instance);
    }

    /** A loader over this JVM's class path that does not delegate to the application loader. */
    private static URLClassLoader freshLoader() throws Exception {
        List<URL> urls = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            urls.add(Path.of(entry).toUri().toURL());
        }
        return new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
    }
}
