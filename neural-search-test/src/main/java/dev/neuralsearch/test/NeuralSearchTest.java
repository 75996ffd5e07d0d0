package dev.neuralsearch.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives each test a fresh search engine: parameters of type {@link dev.neuralsearch.core.NeuralSearch},
 * {@link dev.neuralsearch.core.VectorIndex} (the engine's index) and {@link dev.neuralsearch.core.TextEncoder}
 * (its encoder) are injected, and closed, the index home deleted, after the test.
 *
 * <pre>{@code
 * @NeuralSearchTest
 * class CatalogSearchTest {
 *     @Test
 *     void findsTheTent(NeuralSearch search) {
 *         search.add(new Document("tent", "a two person tent for hiking"));
 *         SearchAssertions.assertRanksWithin(search, "hiking tent", "tent", 1);
 *     }
 * }
 * }</pre>
 *
 * On a class it sets the default of every test; on a method it overrides the class's for that test.
 * See {@link NeuralSearchExtension} for the life cycle.
 */
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(NeuralSearchExtension.class)
public @interface NeuralSearchTest {

    /** The index: in memory (default) or a {@code JVectorIndex} in a temporary directory. */
    IndexKind index() default IndexKind.IN_MEMORY;

    /**
     * The encoder: empty (default) for the model-free {@link HashingEncoder}, or a packaged preset id such as
     * {@code "bge-small-en-v1.5-q"} for an integration test (its model jar must be on the test class path;
     * see {@link Fixtures#encoder(String)}). A preset is loaded once per test run and shared.
     */
    String encoder() default "";

    /** Dimension of the {@link HashingEncoder}; ignored for a preset. */
    int dimension() default HashingEncoder.DEFAULT_DIMENSION;
}
