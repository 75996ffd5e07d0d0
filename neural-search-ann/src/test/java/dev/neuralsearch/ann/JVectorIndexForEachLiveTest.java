package dev.neuralsearch.ann;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neuralsearch.core.Document;
import dev.neuralsearch.core.IndexSchema;
import dev.neuralsearch.core.Similarity;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link JVectorIndex#forEachLive}: every live committed document once, with its vector, resumable by position. */
class JVectorIndexForEachLiveTest {
    @TempDir
    Path home;

    @Test
    void visitsEveryLiveCommittedDocumentOnceAndResumes() {
        IndexSchema schema = new IndexSchema("m", 8, Similarity.DOT_PRODUCT);
        Map<String, float[]> expected = new LinkedHashMap<>();
        Random rnd = new Random(1);
        try (JVectorIndex index = JVectorIndex.open(home, schema)) {
            for (int batch = 0; batch < 3; batch++) { // three segments
                List<Document> docs = new ArrayList<>();
                List<float[]> vs = new ArrayList<>();
                for (int i = 0; i < 40; i++) {
                    String id = "d" + (batch * 40 + i);
                    float[] v = new float[8];
                    for (int j = 0; j < 8; j++) {
                        v[j] = rnd.nextFloat() - 0.5f;
                    }
                    docs.add(Document.of(id, "text " + id, Map.of("b", batch)));
                    vs.add(v);
                    expected.put(id, v);
                }
                index.add(docs, vs);
                index.commit();
            }
            index.delete(List.of("d0", "d41", "d119"));
            List.of("d0", "d41", "d119").forEach(expected::remove);
            index.commit();
            index.add(List.of(new Document("uncommitted", "x")), List.of(new float[8]));
        }
        try (JVectorIndex ro = JVectorIndex.openReadOnly(home)) {
            Map<String, float[]> seen = new LinkedHashMap<>();
            long n = ro.forEachLive(0, (d, v) -> assertThat(seen.put(d.id(), v)).as(d.id()).isNull());
            assertThat(n).isEqualTo(expected.size());
            assertThat(seen.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
            seen.forEach((id, v) -> assertThat(v).as(id).containsExactly(expected.get(id)));

            List<String> order = new ArrayList<>(seen.keySet());
            List<String> rest = new ArrayList<>();
            assertThat(ro.forEachLive(50, (d, v) -> rest.add(d.id()))).isEqualTo(order.size() - 50);
            assertThat(rest).isEqualTo(order.subList(50, order.size()));
        }
    }
}
