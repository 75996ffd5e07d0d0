package dev.neuralsearch.ann;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.neuralsearch.core.Document;
import dev.neuralsearch.core.Filter;
import dev.neuralsearch.core.ScoredDocument;
import dev.neuralsearch.core.SearchOptions;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.zip.CRC32;

import static org.assertj.core.api.Assertions.assertThat;

/** What the segment layout tests ({@link PqLayoutTest}, {@link Int8LayoutTest}) share: data, manifests, damage. */
final class LayoutTestSupport {
    private static final ObjectMapper JSON = new ObjectMapper();

    private LayoutTestSupport() {
    }

    /** Documents {@code prefix + i} for {@code i} in {@code [from, from + n)}, with {@code bucket} and {@code n}. */
    static List<Document> docs(String prefix, int from, int n) {
        List<Document> out = new ArrayList<>(n);
        for (int i = from; i < from + n; i++) {
            out.add(Document.of(prefix + i, "text " + i, Map.of("bucket", i % 10, "n", i)));
        }
        return out;
    }

    static List<float[]> vectors(VectorSource source, int n) {
        List<float[]> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(source.next());
        }
        return out;
    }

    /** The body of the home's {@code manifest.json}. */
    static JsonNode manifest(Path home) throws IOException {
        return JSON.readTree(Files.readAllBytes(home.resolve("manifest.json"))).get("manifest");
    }

    /** Rewrites the manifest body with a valid CRC, as if an older or newer library had written it. */
    static void rewriteManifest(Path home, Consumer<ObjectNode> edit) throws IOException {
        ObjectNode body = (ObjectNode) manifest(home);
        edit.accept(body);
        byte[] b = JSON.writeValueAsBytes(body);
        CRC32 crc = new CRC32();
        crc.update(b);
        Files.writeString(home.resolve("manifest.json"), "{\"crc32\":\"" + String.format("%08x", crc.getValue())
                + "\",\"manifest\":" + new String(b, StandardCharsets.UTF_8) + "}\n");
    }

    /** Mean recall@10 of the index's search against its exact search. */
    static double recall(JVectorIndex index, List<float[]> queries, SearchOptions so, Filter f) {
        double sum = 0;
        for (float[] q : queries) {
            sum += TestVectors.recall(index.search(q, 10, f, so), index.exactSearch(q, 10, f));
        }
        return sum / queries.size();
    }

    /**
     * Filtered searches of an index of {@link #docs} {@code d0..}: 10 % of the documents (bucket 3) through the
     * graph with the filter as accept bits, with hits of that bucket only and recall ≥ 0.95; three documents by an
     * exact scan of the matches, returned for further checks.
     */
    static List<ScoredDocument> assertFilteredSearch(JVectorIndex index, List<float[]> queries) {
        Filter tenth = Filter.eq("bucket", 3);
        for (float[] q : queries.subList(0, 20)) {
            assertThat(index.search(q, 10, tenth)).hasSize(10).allSatisfy(h ->
                    assertThat(h.document().metadata().get("bucket")).isEqualTo(3L));
        }
        assertThat(recall(index, queries.subList(0, 20), SearchOptions.DEFAULT, tenth)).isGreaterThanOrEqualTo(0.95);
        List<ScoredDocument> few = index.search(queries.get(0), 10, Filter.in("n", 5, 500, 1500));
        assertThat(few).extracting(h -> h.document().id()).containsExactlyInAnyOrder("d5", "d500", "d1500");
        return few;
    }

    /** Deletes {@code a0, a8, ..} and {@code b3, b11, ..} of two 1,200-document batches; returns their ids. */
    static List<String> deleteEveryEighth(JVectorIndex index) {
        List<String> gone = new ArrayList<>();
        for (int i = 0; i < 1200; i += 8) {
            gone.add("a" + i);
            gone.add("b" + (i + 3));
        }
        assertThat(index.delete(gone)).isEqualTo(gone.size());
        return gone;
    }

    /** Every document {@code a0..a1199} and {@code b0..b1199} is found exactly when it is not in {@code deleted}. */
    static void assertLiveExactly(JVectorIndex index, java.util.Set<String> deleted) {
        for (int i = 0; i < 1200; i++) {
            for (String id : List.of("a" + i, "b" + i)) {
                assertThat(index.get(id).isPresent()).as(id).isEqualTo(!deleted.contains(id));
            }
        }
    }

    /** Writes {@code original} to {@code file} with the byte at {@code at} changed. */
    static void flip(Path file, byte[] original, int at) throws IOException {
        Files.write(file, original);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(at);
            int b = raf.read();
            raf.seek(at);
            raf.write(b ^ 0x5A);
        }
    }
}
