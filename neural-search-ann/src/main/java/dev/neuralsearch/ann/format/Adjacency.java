package dev.neuralsearch.ann.format;

import dev.neuralsearch.ann.vector.Vectorization;
import io.github.jbellis.jvector.graph.NodesIterator;
import io.github.jbellis.jvector.graph.disk.OnDiskGraphIndex;
import java.io.Closeable;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The layer-0 neighbour lists of a segment's graph file, read in bulk from a mapping of our own.
 *
 * <p>Why: JVector 4.0.2's {@code OnDiskGraphIndex.View.getNeighborsIterator} reads a list one big-endian int at a
 * time through its {@code RandomAccessReader} (a bounds-checked, byte-swapped read per neighbour); at 1M vectors
 * that was 22 % of a query's time in a profile. Here a list is one bulk copy out of the mapped file
 * ({@link Vectorization.MappedInts}).
 *
 * <p>Where the lists are: layer-0 records have a fixed size, so the offset of a node's list is {@code base + node *
 * stride}. JVector does not publish that offset; it is taken from its package-private {@code neighborsOffsetFor}
 * (by reflection, once per segment), and checked at open against JVector's own reads of the first, middle and last
 * nodes. Where either step fails (another JVector version, JVector on the module path), {@link #open} returns null
 * and the search reads through JVector as before.
 */
public final class Adjacency implements Closeable {
    private final Vectorization.MappedInts ints;
    private final long base;
    private final long stride;
    private final int count;

    private Adjacency(Vectorization.MappedInts ints, long base, long stride, int count) {
        this.ints = ints;
        this.base = base;
        this.stride = stride;
        this.count = count;
    }

    /**
     * Maps the layer-0 lists of {@code graph} (loaded from {@code file}); null if they cannot be read so.
     * {@code randomAccess}: advise no read-around (a PQ segment, whose search reads a few lists at random places of
     * a file too large to keep cached; see {@code VectorFile}'s advice).
     */
    public static Adjacency open(Path file, OnDiskGraphIndex graph, boolean randomAccess) {
        int n = graph.size(0);
        if (n == 0) {
            return null;
        }
        long[] layout = layout(graph, n);
        if (layout == null) {
            return null;
        }
        Vectorization.MappedInts ints = null;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ints = Vectorization.get().mapInts(ch, randomAccess);
            if (ints == null) {
                return null;
            }
            Adjacency a = new Adjacency(ints, layout[0], layout[1], n);
            if (!a.agreesWith(graph, n)) {
                a.close();
                return null;
            }
            return a;
        } catch (IOException | RuntimeException e) {
            if (ints != null) {
                ints.close();
            }
            return null;
        }
    }

    /** {base, stride} of layer 0 from JVector's offsets, or null. */
    private static long[] layout(OnDiskGraphIndex graph, int n) {
        try (OnDiskGraphIndex.View view = graph.getView()) {
            Method offset = OnDiskGraphIndex.View.class.getDeclaredMethod("neighborsOffsetFor", int.class, int.class);
            offset.setAccessible(true);
            long first = (long) offset.invoke(view, 0, 0);
            long stride = n > 1 ? (long) offset.invoke(view, 0, 1) - first : 0;
            long last = (long) offset.invoke(view, 0, n - 1);
            if (first < 0 || stride < 0 || last != first + (n - 1) * stride) {
                return null;
            }
            return new long[] {first, stride};
        } catch (ReflectiveOperationException | RuntimeException | IOException e) {
            return null;
        }
    }

    /** Our reads equal JVector's for the first, middle and last nodes. */
    private boolean agreesWith(OnDiskGraphIndex graph, int n) throws IOException {
        int[] ours = new int[graph.maxDegree()];
        try (OnDiskGraphIndex.View view = graph.getView()) {
            for (int node : new int[] {0, n / 2, n - 1}) {
                NodesIterator it = view.getNeighborsIterator(0, node);
                int size = it.size();
                if (size > ours.length || read(node, ours) != size) {
                    return false;
                }
                for (int i = 0; i < size; i++) {
                    if (ours[i] != it.nextInt()) {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    /** Copies the neighbours of {@code node} (in range) into {@code dst}; returns how many. */
    public int read(int node, int[] dst) {
        if (node < 0 || node >= count) {
            throw new IndexOutOfBoundsException("node " + node + " of " + count);
        }
        long off = base + node * stride;
        int size = ints.readInt(off);
        if (size < 0 || size > dst.length) {
            throw new IllegalStateException("node " + node + " has " + size + " neighbours, at most "
                    + dst.length + " expected: graph file damaged");
        }
        ints.readInts(off + Integer.BYTES, dst, size);
        return size;
    }

    @Override
    public void close() {
        ints.close();
    }
}
