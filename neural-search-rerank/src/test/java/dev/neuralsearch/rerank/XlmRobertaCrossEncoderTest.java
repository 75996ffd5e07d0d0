package dev.neuralsearch.rerank;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.neuralsearch.testing.SharedData;
import dev.neuralsearch.tokenize.TokenizedText;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The I/O plumbing of an XLM-R-style export (no token_type_ids, BPE tokenizer, pad id 1) on the tiny
 * random-weight model in the shared fixtures. Its scores mean nothing; they must be finite, repeatable and
 * independent of batching. The model has 64 position embeddings, 2 of them taken by RoBERTa's padding
 * offset, so it takes at most 62 tokens.
 */
class XlmRobertaCrossEncoderTest {

    private static final String FIXTURE = "models/fixtures/TinyXLMRoberta-CE-onnx.zip";

    @TempDir
    static Path tmp;
    static Path dir;
    static CrossEncoderReranker reranker;

    @BeforeAll
    static void load() throws IOException {
        dir = unzip(SharedData.require(FIXTURE), tmp.resolve("tiny-xlmr"));
        reranker = CrossEncoderReranker.builder(dir).maxLength(62).build();
    }

    @AfterAll
    static void close() {
        if (reranker != null) {
            reranker.close();
        }
    }

    @Test
    void loadsWithoutTokenTypeIds() {
        assertThat(reranker.usesTokenTypeIds()).isFalse();
        assertThat(ModelDirectory.padTokenId(dir.resolve("tokenizer.json"))).isEqualTo(1);
        TokenizedText pair = reranker.tokenize("hello", "world");
        assertThat(pair.ids()[0]).isZero();                          // <s>
        assertThat(pair.ids()[pair.ids().length - 1]).isEqualTo(2);  // </s>
    }

    @Test
    void scoresAreFiniteRepeatableAndIndependentOfBatching() {
        String query = "how tall is the eiffel tower";
        List<String> passages = CrossEncoderRerankerTest.variedPassages(20);
        float[] all = reranker.score(query, passages);
        assertThat(all).hasSize(passages.size());
        assertThat(finite(all)).isTrue();
        assertThat(reranker.score(query, passages)).containsExactly(all);
        for (int i = 0; i < passages.size(); i++) {
            // Padding is masked out, but other batch shapes may sum in another order: allow rounding.
            assertThat(reranker.score(query, List.of(passages.get(i)))[0]).as("passage %d", i)
                    .isCloseTo(all[i], within(1e-5f));
        }
    }

    @Test
    void longPassagesAreCutToTheModelsLimit() {
        String longPassage = String.join(" ", Collections.nCopies(200, "the tower is tall"));
        assertThat(reranker.tokenize("tower", longPassage).tokenCount()).isEqualTo(62);
        assertThat(finite(reranker.score("tower", List.of(longPassage, "short")))).isTrue();
    }

    @Test
    void defaultMaxLengthComesFromConfigJson() throws IOException {
        Path withConfig = unzip(SharedData.require(FIXTURE), tmp.resolve("tiny-xlmr-config"));
        Files.writeString(withConfig.resolve("config.json"),
                "{\"model_type\": \"xlm-roberta\", \"max_position_embeddings\": 64}");
        try (CrossEncoderReranker r = CrossEncoderReranker.load(withConfig)) {
            assertThat(r.maxLength()).isEqualTo(62);
            String longPassage = String.join(" ", Collections.nCopies(200, "the tower is tall"));
            assertThat(finite(r.score("tower", List.of(longPassage)))).isTrue();
        }
    }

    private static boolean finite(float[] scores) {
        for (float s : scores) {
            if (!Float.isFinite(s)) {
                return false;
            }
        }
        return true;
    }

    static Path unzip(Path zip, Path target) throws IOException {
        Files.createDirectories(target);
        try (InputStream in = Files.newInputStream(zip); ZipInputStream z = new ZipInputStream(in)) {
            for (ZipEntry e; (e = z.getNextEntry()) != null; ) {
                Path out = target.resolve(e.getName()).normalize();
                if (!out.startsWith(target)) {
                    throw new IOException("zip entry outside the target: " + e.getName());
                }
                if (e.isDirectory()) {
                    Files.createDirectories(out);
                } else {
                    Files.createDirectories(out.getParent());
                    Files.copy(z, out);
                }
            }
        }
        return target;
    }
}
