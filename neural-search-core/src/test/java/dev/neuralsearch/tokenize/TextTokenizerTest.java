package dev.neuralsearch.tokenize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TextTokenizerTest {
    // BERT uncased vocab: [CLS]=101, [SEP]=102, [PAD]=0
    private static final long CLS = 101;
    private static final long SEP = 102;

    private static TextTokenizer minilm;
    private static TextTokenizer bge512;

    @BeforeAll
    static void load() {
        // MiniLM's tokenizer.json carries truncation 128 and padding 128: both must be overridden.
        minilm = TextTokenizer.fromClasspath("all-minilm-l6-v2-tokenizer.json", 256);
        bge512 = TextTokenizer.fromClasspath("bge-small-en-v1.5-tokenizer.json", 512);
    }

    @AfterAll
    static void close() {
        minilm.close();
        bge512.close();
    }

    @Test
    @Tag("smoke")
    void encodesWithoutPaddingAndWithSpecialTokens() {
        TokenizedText t = minilm.encode("Hello world");
        assertThat(t.ids()).startsWith(CLS).endsWith(SEP);
        assertThat(t.tokenCount()).isEqualTo(4);
        assertThat(t.attentionMask()).containsOnly(1L);
        assertThat(t.typeIds()).containsOnly(0L);
        assertThat(t.truncated()).isFalse();
        assertThat(minilm.decode(t.ids())).isEqualTo("hello world");
    }

    @Test
    void truncatesAtTheConfiguredMaximumNotTheFilesOne() {
        String longText = String.join(" ", Collections.nCopies(5000, "word"));
        TokenizedText t = minilm.encode(longText);
        assertThat(t.tokenCount()).isEqualTo(256);
        assertThat(t.truncated()).isTrue();
        assertThat(t.ids()[0]).isEqualTo(CLS);
        assertThat(t.ids()[255]).isEqualTo(SEP);

        TokenizedText b = bge512.encode(longText);
        assertThat(b.tokenCount()).isEqualTo(512);
        assertThat(b.truncated()).isTrue();
    }

    @Test
    void exactlyMaxTokensIsNotTruncated() {
        // "word" is one token: 254 words + [CLS] + [SEP] = 256
        TokenizedText exact = minilm.encode(String.join(" ", Collections.nCopies(254, "word")));
        assertThat(exact.tokenCount()).isEqualTo(256);
        assertThat(exact.truncated()).isFalse();
        TokenizedText over = minilm.encode(String.join(" ", Collections.nCopies(255, "word")));
        assertThat(over.tokenCount()).isEqualTo(256);
        assertThat(over.truncated()).isTrue();
    }

    @Test
    void pairsTruncateTheSecondTextOnly() {
        String query = "what is the capital of france";
        String passage = String.join(" ", Collections.nCopies(1000, "paris"));
        TokenizedText t = bge512.encodePair(query, passage);
        assertThat(t.tokenCount()).isEqualTo(512);
        assertThat(t.truncated()).isTrue();
        // [CLS] query(6) [SEP] passage... [SEP]
        assertThat(t.typeIds()[0]).isZero();
        assertThat(t.typeIds()[7]).isZero();
        assertThat(t.typeIds()[8]).isEqualTo(1L);
        assertThat(t.typeIds()[511]).isEqualTo(1L);
        TokenizedText q = bge512.encode(query);
        for (int i = 0; i < q.tokenCount(); i++) {
            assertThat(t.ids()[i]).isEqualTo(q.ids()[i]);
        }

        TokenizedText shortPair = bge512.encodePair("a question", "an answer");
        assertThat(shortPair.truncated()).isFalse();
        assertThat(shortPair.tokenCount()).isEqualTo(7);
    }

    @Test
    void batchPairsEqualSinglePairs() {
        List<String> passages = List.of("an answer", "", String.join(" ", Collections.nCopies(1000, "paris")));
        List<TokenizedText> batch = bge512.encodePairs("what is the capital of france", passages);
        assertThat(batch).hasSize(3);
        for (int i = 0; i < passages.size(); i++) {
            assertThat(batch.get(i)).isEqualTo(bge512.encodePair("what is the capital of france", passages.get(i)));
        }
        assertThat(batch.get(2).truncated()).isTrue();
        assertThat(batch.get(2).tokenCount()).isEqualTo(512);
        assertThat(bge512.encodePairs("q", List.of())).isEmpty();
        List<String> withNull = new ArrayList<>(List.of("a"));
        withNull.add(null);
        assertThatThrownBy(() -> bge512.encodePairs("q", withNull)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("second text 1");
    }

    @Test
    void emptyAndBlankTextGiveOnlySpecialTokens() {
        assertThat(minilm.encode("").ids()).containsExactly(CLS, SEP);
        assertThat(minilm.encode("   \t\n ").ids()).containsExactly(CLS, SEP);
        assertThat(minilm.encodeAll(List.of())).isEmpty();
    }

    @Test
    void nullInputIsRejectedWithAClearMessage() {
        assertThatThrownBy(() -> minilm.encode(null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("text must not be null");
        assertThatThrownBy(() -> minilm.encodePair("q", null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("second");
        List<String> withNull = new ArrayList<>(List.of("a", "b"));
        withNull.add(null);
        assertThatThrownBy(() -> minilm.encodeAll(withNull)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("text 2");
    }

    @Test
    void unpairedSurrogatesAndControlCharactersDoNotCrash() {
        String[] nasty = {
            "lone high \uD83D here", "lone low \uDE00 here", "\uDE00\uD83D", "\uD83D",
            "nul\u0000char", "bell\u0007 and escape\u001B[31m red", "\u0000\u0001\u0002",
            "emoji \uD83D\uDE00 ok", "mixed \uD83D\uDE00\uD83D", "\uFEFFbom", "\u200B\u200Czero width",
        };
        for (String s : nasty) {
            TokenizedText t = minilm.encode(s);
            assertThat(t.ids()).startsWith(CLS).endsWith(SEP);
            assertThat(bge512.encodePair(s, s).tokenCount()).isGreaterThanOrEqualTo(3);
        }
        assertThat(minilm.encodeAll(List.of(nasty))).hasSize(nasty.length);
        assertThat(TextTokenizer.sanitize("a\uD83Db")).isEqualTo("a\uFFFDb");
        assertThat(TextTokenizer.sanitize("a\uD83D\uDE00b")).isEqualTo("a\uD83D\uDE00b");
        assertThat(TextTokenizer.sanitize("\uDE00")).isEqualTo("\uFFFD");
    }

    @Test
    void batchEncodingEqualsSingleEncoding() {
        List<String> texts = List.of("first text", "", "a somewhat longer second text, with punctuation!",
                String.join(" ", Collections.nCopies(400, "long")));
        List<TokenizedText> batch = minilm.encodeAll(texts);
        for (int i = 0; i < texts.size(); i++) {
            assertThat(batch.get(i)).isEqualTo(minilm.encode(texts.get(i)));
        }
        assertThat(batch.get(3).truncated()).isTrue();
    }

    @Test
    void threadSafeUnderConcurrentUse() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<TokenizedText>> futures = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                String text = "concurrent text number " + i;
                futures.add(pool.submit(() -> minilm.encode(text)));
            }
            for (int i = 0; i < futures.size(); i++) {
                assertThat(futures.get(i).get()).isEqualTo(minilm.encode("concurrent text number " + i));
            }
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void chineseTokenizerSplitsCharacters() {
        try (TextTokenizer zh = TextTokenizer.fromClasspath("bge-small-zh-v1.5-tokenizer.json", 512)) {
            TokenizedText t = zh.encode("北京是中国的首都");
            assertThat(t.tokenCount()).isEqualTo(10);
            assertThat(zh.vocabularySize()).isEqualTo(21128);
        }
        assertThat(minilm.vocabularySize()).isEqualTo(30522);
    }

    @Test
    void loadErrorsNameTheFile(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> TextTokenizer.fromFile(dir.resolve("missing.json"), 128))
                .isInstanceOf(TokenizerException.class).hasMessageContaining("missing.json");
        Path bad = Files.writeString(dir.resolve("bad.json"), "{ not json");
        assertThatThrownBy(() -> TextTokenizer.fromFile(bad, 128))
                .isInstanceOf(TokenizerException.class).hasMessageContaining("bad.json");
        assertThatThrownBy(() -> TextTokenizer.fromClasspath("no-such-tokenizer.json", 128))
                .isInstanceOf(TokenizerException.class).hasMessageContaining("no-such-tokenizer.json");
        assertThatThrownBy(() -> TextTokenizer.fromClasspath("all-minilm-l6-v2-tokenizer.json", 1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void closedTokenizerRefusesWork() {
        TextTokenizer t = TextTokenizer.fromClasspath("all-minilm-l6-v2-tokenizer.json", 16);
        t.close();
        t.close(); // idempotent
        assertThatThrownBy(() -> t.encode("x")).isInstanceOf(IllegalStateException.class);
    }
}
