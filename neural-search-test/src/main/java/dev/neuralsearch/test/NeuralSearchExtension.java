package dev.neuralsearch.test;

import dev.neuralsearch.ann.JVectorIndex;
import dev.neuralsearch.core.IndexSchema;
import dev.neuralsearch.core.InMemoryVectorIndex;
import dev.neuralsearch.core.NeuralSearch;
import dev.neuralsearch.core.TextEncoder;
import dev.neuralsearch.core.VectorIndex;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.AnnotatedElement;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * The JUnit 5 extension behind {@link NeuralSearchTest} (it can also be registered with
 * {@code @ExtendWith(NeuralSearchExtension.class)}, which gives the defaults).
 *
 * <ul>
 *   <li>Injects {@link NeuralSearch}, {@link VectorIndex} and {@link TextEncoder} parameters into test,
 *       {@code @BeforeEach} and {@code @AfterEach} methods: one engine per test, shared by the parameters of
 *       that test and its before/after methods. Parameters of a constructor or a {@code @BeforeAll} method
 *       get one engine per test class.</li>
 *   <li>After the test (or the class) the engine and its index are closed and an on-disk home is deleted.
 *       Nothing is committed for the test: call {@code commit()} where the test means to.</li>
 *   <li>Settings come from the {@link NeuralSearchTest} on the test method, else the nearest on the class or
 *       an enclosing class.</li>
 *   <li>A {@link HashingEncoder} is made per engine (it costs nothing). A preset encoder is loaded once per
 *       test run and shared by every engine that names it; JUnit closes it when the run ends (5.13 and later;
 *       before that it lives until the JVM exits).</li>
 * </ul>
 */
public final class NeuralSearchExtension implements ParameterResolver, AfterEachCallback, AfterAllCallback {

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(NeuralSearchExtension.class);
    private static final String FIXTURE = "fixture";

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == NeuralSearch.class || type == VectorIndex.class || type == TextEncoder.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Fixture f = context.getStore(NAMESPACE).getOrComputeIfAbsent(FIXTURE, k -> open(context), Fixture.class);
        Class<?> type = parameter.getParameter().getType();
        if (type == NeuralSearch.class) {
            return f.search;
        }
        if (type == VectorIndex.class) {
            return f.index;
        }
        return f.encoder;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        close(context);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close(context);
    }

    private static void close(ExtensionContext context) {
        Fixture f = context.getStore(NAMESPACE).remove(FIXTURE, Fixture.class);
        if (f != null) {
            f.close();
        }
    }

    private static Fixture open(ExtensionContext context) {
        NeuralSearchTest settings = settings(context);
        String encoderName = settings == null ? "" : settings.encoder();
        IndexKind kind = settings == null ? IndexKind.IN_MEMORY : settings.index();
        TextEncoder encoder = encoderName.isEmpty()
                ? new HashingEncoder(settings == null ? HashingEncoder.DEFAULT_DIMENSION : settings.dimension())
                : context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent("encoder:" + encoderName,
                        k -> new SharedEncoder(Fixtures.encoder(encoderName)), SharedEncoder.class).encoder;
        return Fixture.open(encoder, kind);
    }

    /** The annotation on the method, else on the class or an enclosing class (for {@code @Nested}). */
    private static NeuralSearchTest settings(ExtensionContext context) {
        Optional<ExtensionContext> c = Optional.of(context);
        while (c.isPresent()) {
            Optional<AnnotatedElement> element = c.get().getElement();
            if (element.isPresent()) {
                Optional<NeuralSearchTest> found = AnnotationSupport.findAnnotation(element.get(), NeuralSearchTest.class);
                if (found.isPresent()) {
                    return found.get();
                }
            }
            c = c.get().getParent();
        }
        return null;
    }

    /** A preset encoder shared by the whole run; JUnit 5.13+ closes {@link AutoCloseable} store values at its end. */
    private record SharedEncoder(TextEncoder encoder) implements AutoCloseable {
        @Override
        public void close() {
            encoder.close();
        }
    }

    /** One engine, its index, and the temporary home of an on-disk one. */
    private static final class Fixture implements AutoCloseable {
        final NeuralSearch search;
        final VectorIndex index;
        final TextEncoder encoder;
        final Path home;
        private boolean closed;

        private Fixture(NeuralSearch search, VectorIndex index, TextEncoder encoder, Path home) {
            this.search = search;
            this.index = index;
            this.encoder = encoder;
            this.home = home;
        }

        static Fixture open(TextEncoder encoder, IndexKind kind) {
            IndexSchema schema = new IndexSchema(encoder.modelId(), encoder.dimension(), encoder.similarity());
            Path home = null;
            VectorIndex index = null;
            try {
                if (kind == IndexKind.ON_DISK) {
                    home = Files.createTempDirectory("neural-search-test-");
                    index = JVectorIndex.open(home.resolve("index"), schema);
                } else {
                    index = new InMemoryVectorIndex(schema);
                }
                // the engine leaves the encoder (maybe shared) and the index to this fixture
                NeuralSearch search = NeuralSearch.builder().encoder(encoder).index(index).closeComponents(false)
                        .build();
                return new Fixture(search, index, encoder, home);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create a temporary index home: " + e.getMessage(), e);
            } catch (RuntimeException e) {
                if (index != null) {
                    index.close();
                }
                deleteQuietly(home, e);
                throw e;
            }
        }

        @Override
        public synchronized void close() {
            if (closed) {
                return;
            }
            closed = true;
            RuntimeException failure = null;
            try {
                search.close();
            } catch (RuntimeException e) {
                failure = e;
            }
            try {
                index.close();
            } catch (RuntimeException e) {
                failure = add(failure, e);
            }
            if (home != null) {
                try {
                    delete(home);
                } catch (IOException e) {
                    failure = add(failure, new UncheckedIOException("cannot delete the index home " + home, e));
                }
            }
            if (failure != null) {
                throw new IllegalStateException("closing the neural-search fixture failed: " + failure, failure);
            }
        }

        private static RuntimeException add(RuntimeException first, RuntimeException next) {
            if (first == null) {
                return next;
            }
            first.addSuppressed(next);
            return first;
        }

        private static void deleteQuietly(Path home, RuntimeException cause) {
            if (home != null) {
                try {
                    delete(home);
                } catch (IOException e) {
                    cause.addSuppressed(e);
                }
            }
        }

        private static void delete(Path root) throws IOException {
            if (!Files.exists(root)) {
                return;
            }
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                    if (e != null) {
                        throw e;
                    }
                    Files.delete(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        }
    }
}
