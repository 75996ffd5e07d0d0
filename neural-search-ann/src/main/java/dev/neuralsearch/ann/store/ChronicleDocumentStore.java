package dev.neuralsearch.ann.store;

import dev.neuralsearch.ann.format.DocCodec;
import dev.neuralsearch.core.Document;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.ChronicleMapBuilder;

/**
 * {@link DocumentStore} on persisted Chronicle Maps ({@code store/docs-N.cmap}). A map is allocated for an
 * expected number of entries (at least 1,024) and grows by tiers up to twice that; when it is full, a new map for twice
 * the store's entries is created ("rolled") and takes the new entries. Reads look in every map, newest first.
 *
 * <p>Disk space: Chronicle reserves every region of the file with {@code posix_fallocate} before it maps it (forced
 * here with {@code sparseFile(false)}), so a full disk fails the creation or growth with an {@link IOException}
 * (thrown as {@link UncheckedIOException}) instead of a SIGBUS on a write through the mapping; a map file whose creation
 * failed is deleted.
 *
 * <p>Chronicle Map generates code at run time (needs {@code jdk.compiler} and the JVM flags of
 * {@link ChronicleAvailability}) and does not run on Windows; {@link DocumentStores} checks before it opens one.
 */
public final class ChronicleDocumentStore implements DocumentStore {
    static {
        // Chronicle's usage analytics and banner: off, before any Chronicle class initialises.
        System.setProperty("chronicle.analytics.disable", "true");
        System.setProperty("chronicle.announcer.disable", "true");
    }

    private static final Pattern FILE = Pattern.compile("docs-(\\d+)\\.cmap");
    private static final String TOO_LARGE = "";
    private static final ThreadLocal<StringBuilder> BUF = ThreadLocal.withInitial(() -> new StringBuilder(1024));

    private final Path dir;
    private final long expectedEntries;
    private final int averageValueBytes;
    /** Oldest first; the last one takes writes. */
    private final CopyOnWriteArrayList<Map> maps = new CopyOnWriteArrayList<>();

    private record Map(int number, long entries, ChronicleMap<Long, CharSequence> map) {
    }

    static final long MIN_ENTRIES = 1024;

    public ChronicleDocumentStore(Path dir, long expectedEntries, int averageValueBytes) {
        this.dir = dir;
        this.expectedEntries = Math.max(MIN_ENTRIES, expectedEntries);
        this.averageValueBytes = Math.max(16, averageValueBytes);
        try {
            Files.createDirectories(dir);
            List<Integer> numbers = new ArrayList<>();
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "docs-*.cmap")) {
                for (Path p : ds) {
                    Matcher m = FILE.matcher(p.getFileName().toString());
                    if (m.matches()) {
                        numbers.add(Integer.parseInt(m.group(1)));
                    }
                }
            }
            numbers.sort(null);
            long entries = this.expectedEntries;
            for (int n : numbers) {
                maps.add(new Map(n, entries, open(n, entries)));
                entries *= 2;
            }
            if (maps.isEmpty()) {
                maps.add(new Map(0, this.expectedEntries, open(0, this.expectedEntries)));
            }
        } catch (IOException e) {
            close();
            throw new UncheckedIOException("cannot open document store in " + dir, e);
        }
    }

    private ChronicleMap<Long, CharSequence> open(int number, long entries) throws IOException {
        Path file = dir.resolve("docs-" + number + ".cmap");
        boolean created = !Files.exists(file);
        try {
            return ChronicleMapBuilder.of(Long.class, CharSequence.class)
                    .name("neural-search-docs-" + number)
                    .entries(entries)
                    .averageValueSize(averageValueBytes)
                    .maxBloatFactor(2.0)
                    .sparseFile(false)
                    .createPersistedTo(file.toFile());
        } catch (IOException | RuntimeException e) {
            if (created) {
                Files.deleteIfExists(file); // half made (e.g. no space to reserve it): not a map to open next time
            }
            IOException io = ioCause(e);
            if (io != null) {
                throw io;
            }
            throw e;
        }
    }

    /** The {@link IOException} Chronicle wrapped (it reports a failed reservation of disk space inside runtime ones). */
    private static IOException ioCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IOException io) {
                return io;
            }
        }
        return null;
    }

    @Override
    public void put(long key, Document document) {
        String json = DocCodec.toJson(document);
        Map last = maps.get(maps.size() - 1);
        try {
            try {
                putOrMarkTooLarge(last, key, json);
            } catch (IllegalStateException full) {
                // Chronicle Map signals a full map this way: roll to a new, bigger one
                putOrMarkTooLarge(roll(last), key, json);
            }
        } catch (RuntimeException e) {
            IOException io = ioCause(e);
            if (io != null && !(e instanceof UncheckedIOException)) {
                // no disk space for the map's next tier or map: a clean error, this entry is not stored
                throw new UncheckedIOException("cannot store document in " + dir + ": " + io.getMessage(), io);
            }
            throw e;
        }
    }

    /**
     * A document far larger than the configured average does not fit Chronicle's chunk layout; it is then stored
     * as an empty marker and {@link #get} answers null, so the index reads it from the segment's doc file.
     */
    private static void putOrMarkTooLarge(Map m, long key, String json) {
        try {
            m.map().put(key, json);
        } catch (IllegalArgumentException tooLarge) {
            m.map().put(key, TOO_LARGE);
        }
    }

    private Map roll(Map last) {
        try {
            // twice what the whole store holds: the number of maps (each read looks in all) stays logarithmic
            long entries = Math.max(last.entries(), size()) * 2;
            Map next = new Map(last.number() + 1, entries, open(last.number() + 1, entries));
            maps.add(next);
            return next;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot roll document store in " + dir, e);
        }
    }

    @Override
    public Document get(long key) {
        StringBuilder sb = BUF.get();
        List<Map> snapshot = maps;
        for (int i = snapshot.size() - 1; i >= 0; i--) {
            sb.setLength(0);
            CharSequence cs = snapshot.get(i).map().getUsing(key, sb);
            if (cs != null) {
                return cs.length() == 0 ? null : DocCodec.fromJson(cs);
            }
        }
        return null;
    }

    @Override
    public void remove(long key) {
        for (Map m : maps) {
            m.map().remove(key);
        }
    }

    @Override
    public long size() {
        long n = 0;
        for (Map m : maps) {
            n += m.map().longSize();
        }
        return n;
    }

    /** How many maps the store has rolled over to (1 = never rolled). */
    public int mapCount() {
        return maps.size();
    }

    @Override
    public void forEachKey(LongConsumer action) {
        for (Map m : maps) {
            for (Long k : m.map().keySet()) {
                action.accept(k);
            }
        }
    }

    @Override
    public void clear() {
        List<Map> old = new ArrayList<>(maps);
        maps.clear();
        for (Map m : old) {
            m.map().close();
        }
        try {
            for (Map m : old) {
                Files.deleteIfExists(dir.resolve("docs-" + m.number() + ".cmap"));
            }
            maps.add(new Map(0, expectedEntries, open(0, expectedEntries)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot reset document store in " + dir, e);
        }
    }

    /** Deletes the store files of a directory (used after an unclean shutdown: the store is then rebuilt). */
    static void deleteFiles(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "docs-*.cmap")) {
            for (Path p : ds) {
                Files.deleteIfExists(p);
            }
        }
    }

    @Override
    public void close() {
        for (Map m : maps) {
            try {
                m.map().close();
            } catch (RuntimeException ignored) {
                // closing the others matters more
            }
        }
        maps.clear();
    }
}
