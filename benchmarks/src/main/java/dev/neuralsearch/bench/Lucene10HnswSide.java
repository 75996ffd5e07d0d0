package dev.neuralsearch.bench;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.file.Path;

/**
 * The peer the issue names: Lucene 10 HNSW ({@code lucene-core} {@code ${lucene10.version}}, module
 * benchmarks-lucene10's {@code Lucene10Hnsw}: defaults, one segment, MMapDirectory, a {@code KnnFloatVectorQuery}
 * for {@code ef} hits, stored ids read). It runs in {@link Lucene10Loader}, beside the library's Lucene 9.12, and is
 * called through method handles bound once; on JDK 21+ with {@code --add-modules jdk.incubator.vector} it scores
 * with the Vector API.
 *
 * <p>Sides {@code lucene-sq8}, {@code lucene-sq4} and {@code lucene-bq1} are the same peer on Lucene 10.6's quantized
 * HNSW format at 8, 4 and 1 bits (the last with its {@code ef} candidates rescored from the float vectors); see
 * {@code Lucene10Hnsw}.
 */
public final class Lucene10HnswSide implements SearchSide {
    private static final String PEER = "dev.neuralsearch.bench.lucene10.Lucene10Hnsw";
    private final String name;
    private final AutoCloseable peer;
    private final MethodHandle build;
    private final MethodHandle open;
    private final MethodHandle search;

    /** Float HNSW (the default codec): side {@code lucene}. */
    public Lucene10HnswSide() {
        this("lucene", "float");
    }

    /** Side {@code name} on Lucene10Hnsw's {@code variant}: float, sq8, sq4 or bq1. */
    public Lucene10HnswSide(String name, String variant) {
        this.name = name;
        try {
            Class<?> c = Class.forName(PEER, true, Lucene10Loader.get());
            Object p = c.getConstructor(String.class).newInstance(variant);
            MethodHandles.Lookup l = MethodHandles.publicLookup();
            peer = (AutoCloseable) p;
            build = l.findVirtual(c, "build", MethodType.methodType(void.class, Path.class, float[][].class)).bindTo(p);
            open = l.findVirtual(c, "open", MethodType.methodType(void.class, Path.class)).bindTo(p);
            search = l.findVirtual(c, "search", MethodType.methodType(int[].class, float[].class, int.class, int.class))
                    .bindTo(p);
        } catch (Throwable t) {
            throw new IllegalStateException("cannot load the Lucene 10 peer: " + t, t);
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void build(Path home, float[][] vectors) throws Exception {
        try {
            build.invokeExact(home, vectors);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public void open(Path home) throws Exception {
        try {
            open.invokeExact(home);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public int[] search(float[] query, int k, int ef) throws Exception {
        try {
            return (int[]) search.invokeExact(query, k, ef);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public void close() {
        try {
            peer.close();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Exception rethrow(Throwable t) {
        if (t instanceof Exception e) {
            return e;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException(t);
    }
}
