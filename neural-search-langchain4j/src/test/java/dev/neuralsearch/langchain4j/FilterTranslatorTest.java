package dev.neuralsearch.langchain4j;

import static dev.langchain4j.store.embedding.filter.MetadataFilterBuilder.metadataKey;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.data.document.Metadata;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.store.embedding.filter.Filter;
import dev.neuralsearch.core.Document;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Differential test: for random metadata and random filter trees, our translated filter on the stored document
 * agrees with LangChain4j's own {@code Filter.test(metadata)} (the in-memory store's semantics).
 */
class FilterTranslatorTest {

    private static final String[] STRINGS = {"a", "b", "c", "aa", "a a", "A", ""};
    private static final UUID[] UUIDS = {UUID.randomUUID(), UUID.randomUUID()};
    private static final String[] KEYS = {"s", "i", "l", "f", "d", "u"};

    private static Object value(String key, Random r) {
        return switch (key) {
            case "s" -> STRINGS[r.nextInt(STRINGS.length)];
            case "i" -> r.nextInt(5) - 2;
            case "l" -> (long) (r.nextInt(5) - 2) + (r.nextBoolean() ? 0 : 1746714878034235396L);
            case "f" -> (r.nextInt(5) - 2) * 1.1f;
            case "d" -> (r.nextInt(5) - 2) * 1.1d;
            default -> UUIDS[r.nextInt(UUIDS.length)];
        };
    }

    private static Metadata metadata(Random r) {
        Metadata m = new Metadata();
        for (String k : KEYS) {
            if (r.nextInt(3) > 0) {
                m.putAll(java.util.Map.of(k, value(k, r)));
            }
        }
        return m;
    }

    private static Filter filter(Random r, int depth) {
        if (depth > 0 && r.nextInt(3) == 0) {
            return switch (r.nextInt(3)) {
                case 0 -> filter(r, depth - 1).and(filter(r, depth - 1));
                case 1 -> filter(r, depth - 1).or(filter(r, depth - 1));
                default -> Filter.not(filter(r, depth - 1));
            };
        }
        String k = KEYS[r.nextInt(KEYS.length)];
        Object v = value(k, r);
        // Not compared here, as docs/langchain4j.md says: UUID order (we compare strings) and ranges on longs
        // beyond 2^53 (ranges compare doubles; equality of longs is exact and is compared).
        boolean ordered = !k.equals("u") && !(v instanceof Long l && Math.abs(l) > (1L << 53));
        int op = r.nextInt(ordered ? 9 : 4);
        if (k.equals("s") && op == 8) {
            return metadataKey(k).containsString((String) v);
        }
        return switch (op) {
            case 0 -> new dev.langchain4j.store.embedding.filter.comparison.IsEqualTo(k, v);
            case 1 -> new dev.langchain4j.store.embedding.filter.comparison.IsNotEqualTo(k, v);
            case 2 -> metadataKey(k).isIn(List.of(v, value(k, r)));
            case 3 -> metadataKey(k).isNotIn(List.of(v, value(k, r)));
            case 4 -> new dev.langchain4j.store.embedding.filter.comparison.IsGreaterThan(k, (Comparable<?>) v);
            case 5 -> new dev.langchain4j.store.embedding.filter.comparison.IsGreaterThanOrEqualTo(k, (Comparable<?>) v);
            case 6 -> new dev.langchain4j.store.embedding.filter.comparison.IsLessThan(k, (Comparable<?>) v);
            default -> new dev.langchain4j.store.embedding.filter.comparison.IsLessThanOrEqualTo(k, (Comparable<?>) v);
        };
    }

    @Test
    void agrees_with_langchain4j_on_random_filters() {
        Random r = new Random(42);
        int compared = 0;
        for (int i = 0; i < 5000; i++) {
            Metadata md = metadata(r);
            Filter f = filter(r, 3);
            Document doc = MetadataCodec.toDocument("id", TextSegment.from("t", md));
            boolean expected = f.test(md);
            boolean actual = FilterTranslator.translate(f).matches(doc.metadata());
            assertThat(actual).as("%s on %s", f, md).isEqualTo(expected);
            compared++;
        }
        assertThat(compared).isEqualTo(5000);
    }

    @Test
    void null_is_all_and_reserved_keys_are_refused() {
        assertThat(FilterTranslator.translate(null).matchesAll()).isTrue();
        assertThatThrownBy(() -> FilterTranslator.translate(metadataKey("_lc4j.noSegment").isEqualTo("x")))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
