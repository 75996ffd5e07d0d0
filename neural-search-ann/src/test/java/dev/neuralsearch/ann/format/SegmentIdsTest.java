package dev.neuralsearch.ann.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Ids of a segment both ways: every id finds its ordinal, absent ids and near misses find nothing. */
class SegmentIdsTest {

    @Test
    void everyIdFindsItsOrdinalAndBack() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            ids.add(Integer.toString(i));
        }
        ids.add("é-ü-汉字-😀"); // multi-byte UTF-8
        ids.add("a".repeat(512));
        ids.add("a".repeat(511));
        SegmentIds s = SegmentIds.of(ids.toArray(String[]::new));
        assertThat(s.count()).isEqualTo(ids.size());
        for (int ord = 0; ord < ids.size(); ord++) {
            assertThat(s.get(ord)).isEqualTo(ids.get(ord));
            assertThat(s.find(ids.get(ord))).isEqualTo(ord);
            assertThat(s.is(ord, ids.get(ord))).isTrue();
        }
        assertThat(s.find("10000")).isEqualTo(-1);
        assertThat(s.find("-1")).isEqualTo(-1);
        assertThat(s.find("a".repeat(510))).isEqualTo(-1);
        assertThat(s.find("é-ü-汉字")).isEqualTo(-1);
        assertThat(s.is(5, "6")).isFalse();
        // 12 to 20 bytes per id plus the id bytes, where Strings in a ConcurrentHashMap took ~140
        long idBytes = ids.stream().mapToLong(x -> x.getBytes(StandardCharsets.UTF_8).length).sum();
        assertThat(s.heapBytes()).isLessThanOrEqualTo(idBytes + 20L * ids.size() + 64);
    }

    @Test
    void findsAcrossSegmentsWithoutStrings() {
        SegmentIds a = SegmentIds.of("x", "y", "z");
        SegmentIds b = SegmentIds.of("z", "w", "x");
        assertThat(a.findIn(b, 0)).isEqualTo(2);
        assertThat(a.findIn(b, 1)).isEqualTo(-1);
        assertThat(a.findIn(b, 2)).isEqualTo(0);
    }

    @Test
    void aDuplicateInOneSegmentPointsToItsLastCopy() {
        SegmentIds s = SegmentIds.of("a", "b", "a", "c", "a");
        assertThat(s.lastOrdinalOf(0)).isEqualTo(4);
        assertThat(s.lastOrdinalOf(2)).isEqualTo(4);
        assertThat(s.lastOrdinalOf(4)).isEqualTo(4);
        assertThat(s.lastOrdinalOf(1)).isEqualTo(1);
    }

    @Test
    void emptyAndSingle() {
        SegmentIds empty = SegmentIds.of();
        assertThat(empty.count()).isZero();
        assertThat(empty.find("a")).isEqualTo(-1);
        SegmentIds one = SegmentIds.of("only");
        assertThat(one.find("only")).isZero();
        assertThat(one.find("onl")).isEqualTo(-1);
        assertThatThrownBy(() -> one.get(1)).isInstanceOf(IndexOutOfBoundsException.class);
    }
}
