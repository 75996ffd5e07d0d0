package dev.neuralsearch.cassandra;

import dev.neuralsearch.ann.JVectorIndex;
import dev.neuralsearch.core.Document;
import dev.neuralsearch.core.Filter;
import dev.neuralsearch.core.Hit;
import dev.neuralsearch.core.IndexSchema;
import dev.neuralsearch.core.NeuralSearch;
import dev.neuralsearch.core.ScoredDocument;
import dev.neuralsearch.core.SearchOptions;
import dev.neuralsearch.encoder.BiEncoder;
import dev.neuralsearch.encoder.Presets;
import dev.neuralsearch.eval.BeirDataset;
import dev.neuralsearch.eval.EmbeddingCache;
import dev.neuralsearch.eval.Metrics;
import dev.neuralsearch.testing.SharedData;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * SciFact through Cassandra against the embedded index's exact search, with bge-small-en-v1.5 (int8 preset) vectors.
 * A subset of 1,000 documents by default, because encoding all 5,183 takes 10-20 minutes on this 2-core machine: every
 * document judged relevant for a test query, then corpus order up to the size; {@code -Dscifact.docs=6000} takes the
 * whole corpus (then nDCG@10 compares with the full-corpus rows of benchmarks/RESULTS.md). Vectors are cached under target/.
 * Checks: mean top-10 overlap of {@link CassandraIndex#search} with {@link JVectorIndex#exactSearch} at least 0.95,
 * and nDCG@10 over the test queries within 0.01 of the exact one on the same subset.
 */
@Tag("cassandra")
@ExtendWith(CassandraNodeExtension.class)
class CassandraSciFactTest {
    static final int DOCS = Integer.getInteger("scifact.docs", 1_000);

    @TempDir
    Path home;

    @Test
    void recallAndNdcgMatchTheEmbeddedExactSearch(CassandraNode node) {
        BeirDataset data = BeirDataset.load(SharedData.scifact(), "test");
        Set<String> picked = new LinkedHashSet<>();
        data.qrels().values().forEach(m -> m.keySet().stream().filter(data.corpus()::containsKey).forEach(picked::add));
        for (String id : data.corpus().keySet()) {
            if (picked.size() >= DOCS) {
                break;
            }
            picked.add(id);
        }
        List<String> ids = new ArrayList<>(picked);
        List<String> qids = new ArrayList<>(data.queries().keySet());
        try (BiEncoder encoder = BiEncoder.load(Presets.BGE_SMALL_EN_V15_Q)) {
            int dim = encoder.dimension();
            List<float[]> docVectors = EmbeddingCache.read(Path.of("target", "scifact-" + DOCS + "-bge-q.docs"),
                    ids.size(), dim).orElseGet(() -> {
                        long t0 = System.nanoTime();
                        List<float[]> v = encoder.encodePassages(ids.stream()
                                .map(id -> data.corpus().get(id).passage()).toList(), null);
                        System.out.printf("encoded %d SciFact docs in %.1f s%n", v.size(), (System.nanoTime() - t0) / 1e9);
                        EmbeddingCache.write(Path.of("target", "scifact-" + DOCS + "-bge-q.docs"), v, dim);
                        return v;
                    });
            List<float[]> queryVectors = encoder.encodeQueries(qids.stream().map(data.queries()::get).toList());
            IndexSchema schema = new IndexSchema(encoder.modelId(), dim, encoder.similarity());
            List<Document> docs = ids.stream().map(id -> new Document(id, data.corpus().get(id).passage())).toList();
            try (JVectorIndex embedded = JVectorIndex.open(home, schema);
                 CassandraIndex cassandra = CassandraIndex.at(node.contactPoint(), "scifact").open(schema)) {
                embedded.add(docs, docVectors);
                embedded.commit();
                long t0 = System.nanoTime();
                for (int i = 0; i < docs.size(); i += 200) {
                    cassandra.add(docs.subList(i, Math.min(docs.size(), i + 200)),
                            docVectors.subList(i, Math.min(docs.size(), i + 200)));
                }
                double addSeconds = (System.nanoTime() - t0) / 1e9;
                double overlap = 0;
                double ndcgExact = 0;
                double ndcgCassandra = 0;
                long searchNanos = 0;
                int n = qids.size();
                for (float over : new float[] {2f, 5f, 0f}) { // 0 = the index default, asserted below
                    overlap = 0;
                    ndcgExact = 0;
                    ndcgCassandra = 0;
                    searchNanos = 0;
                    for (int q = 0; q < n; q++) {
                        List<ScoredDocument> exact = embedded.exactSearch(queryVectors.get(q), 10, Filter.ALL);
                        long s0 = System.nanoTime();
                        List<ScoredDocument> ann = cassandra.search(queryVectors.get(q), 10, Filter.ALL,
                                new SearchOptions(over));
                        searchNanos += System.nanoTime() - s0;
                        Set<String> truth = new HashSet<>(ids(exact));
                        overlap += ids(ann).stream().filter(truth::contains).count() / (double) exact.size();
                        Map<String, Integer> judged = data.qrels().get(qids.get(q));
                        ndcgExact += Metrics.ndcgAtK(ids(exact), judged, 10);
                        ndcgCassandra += Metrics.ndcgAtK(ids(ann), judged, 10);
                    }
                    System.out.printf("SciFact subset %d docs, %d queries, overquery %s: Cassandra top-10 overlap"
                            + " with exact %.4f; nDCG@10 cassandra %.4f, exact %.4f; add %.1f s (%.0f docs/s);"
                            + " search mean %.1f ms%n", docs.size(), n, over == 0 ? "default "
                            + CassandraIndex.DEFAULT_OVERQUERY : over, overlap / n, ndcgCassandra / n, ndcgExact / n,
                            addSeconds, docs.size() / addSeconds, searchNanos / 1e6 / n);
                }
                assertThat(overlap / n).isGreaterThanOrEqualTo(0.95);
                assertThat(Math.abs(ndcgCassandra / n - ndcgExact / n)).isLessThanOrEqualTo(0.01);

                // the fluent API on top, unchanged; a lexical route is refused when the query runs
                try (NeuralSearch search = NeuralSearch.builder().encoder(encoder).index(cassandra)
                        .closeComponents(false).build()) {
                    String text = data.queries().get(qids.get(0));
                    assertThat(search.query(text).recall(10).limit(10).run().hits()).extracting(Hit::id)
                            .isEqualTo(ids(cassandra.search(encoder.encodeQuery(text), 10, Filter.ALL)));
                    assertThatThrownBy(() -> search.query(text).lexical(10).run())
                            .isInstanceOf(IllegalStateException.class).hasMessageContaining("lexical route");
                }
            }
        }
    }

    private static List<String> ids(List<ScoredDocument> hits) {
        return hits.stream().map(h -> h.document().id()).toList();
    }
}
