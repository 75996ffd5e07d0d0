package dev.neuralsearch.ann;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.neuralsearch.core.Document;
import dev.neuralsearch.core.Filter;
import dev.neuralsearch.core.IndexSchema;
import dev.neuralsearch.core.Similarity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ANN vs exact recall@10 on real SciFact embeddings, read from a cached {@link VectorsFile}: the system property
 * {@code ann.vectors}, else {@code target/scifact-vectors.bin}. Skipped when the file is absent (the encoder module
 * writes it; see docs/index.md).
 */
@Tag("heavy")
class SciFactRecallTest {
    @TempDir
    Path home;

    @Test
    void recallOnRealEmbeddings() throws Exception {
        recall(JVectorIndexOptions.DEFAULT, "inline vectors", 0.98);
    }

    /**
     * The same corpus with FusedPQ codes (48 bytes per vector) for the approximate pass. Measured 0.9956 with
     * all-minilm-l6-v2-q; a PQ trained on centred vectors (wrong for dot product) gave 0.9816, hence 0.99.
     */
    @Test
    void recallOnRealEmbeddingsWithFusedPq() throws Exception {
        recall(JVectorIndexOptions.DEFAULT.withPqThreshold(1000).withPqLayout(PqLayout.FUSED), "FusedPQ", 0.99);
    }

    /**
     * The same PQ codes held in memory ({@link PqLayout#IN_MEMORY}, full vectors in a separated region for the
     * rerank): the traversal scores with JVector's PQVectors instead of the fused codes; same bound.
     */
    @Test
    void recallOnRealEmbeddingsWithPqInMemory() throws Exception {
        recall(JVectorIndexOptions.DEFAULT.withPqThreshold(1000).withPqLayout(PqLayout.IN_MEMORY), "PQ in memory",
                0.99);
    }

    /**
     * Int8 codes ({@link PqLayout#INT8}, one byte per dimension) for the traversal, the rerank from the vector file;
     * the bound of the PQ layouts.
     */
    @Test
    void recallOnRealEmbeddingsWithInt8Codes() throws Exception {
        recall(JVectorIndexOptions.DEFAULT.withPqThreshold(1000).withPqLayout(PqLayout.INT8), "int8 codes", 0.99);
    }

    private void recall(JVectorIndexOptions options, String label, double min) throws Exception {
        Path file = Path.of(System.getProperty("ann.vectors", "target/scifact-vectors.bin"));
        assumeTrue(Files.exists(file), () -> "no cached embeddings at " + file.toAbsolutePath() + " (skipping)");
        VectorsFile vf = VectorsFile.read(file);
        IndexSchema schema = new IndexSchema(vf.modelId(), vf.dimension(), Similarity.DOT_PRODUCT);
        try (JVectorIndex index = JVectorIndex.open(home, schema, options)) {
            List<Document> docs = new ArrayList<>();
            for (String id : vf.docIds()) {
                docs.add(new Document(id, ""));
            }
            index.add(docs, vf.docVectors());
            long t0 = System.nanoTime();
            index.commit();
            System.out.printf("SciFact: %d docs x %d, commit %.1f s%n", docs.size(), vf.dimension(),
                    (System.nanoTime() - t0) / 1e9);
            double sum = 0;
            for (float[] q : vf.queryVectors()) {
                sum += TestVectors.recall(index.search(q, 10, Filter.ALL), index.exactSearch(q, 10, Filter.ALL));
            }
            double recall = sum / vf.queryVectors().size();
            System.out.printf("SciFact (%s) recall@10 ANN vs exact over %d queries: %.4f%n", label,
                    vf.queryVectors().size(), recall);
            assertThat(recall).isGreaterThanOrEqualTo(min);
        }
    }
}
