package dev.neuralsearch.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("smoke")
class FilterTextTest {

    @Test
    void string_ranges_are_lexicographic_and_match_strings_only() {
        assertThat(Filter.gt("k", "b").matches(Map.of("k", "c"))).isTrue();
        assertThat(Filter.gt("k", "b").matches(Map.of("k", "b"))).isFalse();
        assertThat(Filter.gte("k", "b").matches(Map.of("k", "b"))).isTrue();
        assertThat(Filter.lt("k", "b").matches(Map.of("k", "a"))).isTrue();
        assertThat(Filter.lt("k", "b").matches(Map.of("k", "b"))).isFalse();
        assertThat(Filter.lte("k", "b").matches(Map.of("k", "b"))).isTrue();
        assertThat(Filter.gt("k", "b").matches(Map.of("k", 5L))).isFalse();
        assertThat(Filter.gt("k", "b").matches(Map.of("other", "c"))).isFalse();
        assertThatThrownBy(() -> new Filter.TextRange("k", null, true, null, true))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void contains_is_a_case_sensitive_substring_test() {
        assertThat(Filter.contains("k", "ell").matches(Map.of("k", "hello"))).isTrue();
        assertThat(Filter.contains("k", "ELL").matches(Map.of("k", "hello"))).isFalse();
        assertThat(Filter.contains("k", "1").matches(Map.of("k", 1L))).isFalse();
        assertThat(Filter.not(Filter.contains("k", "x")).matches(Map.of())).isTrue();
    }

    @Test
    void large_longs_compare_exactly() {
        long a = 1746714878034235396L;
        assertThat(Filter.eq("k", a).matches(Map.of("k", a))).isTrue();
        assertThat(Filter.eq("k", a + 1).matches(Map.of("k", a))).isFalse();
        assertThat(Filter.eq("k", 2).matches(Map.of("k", 2.0))).isTrue();
    }
}
