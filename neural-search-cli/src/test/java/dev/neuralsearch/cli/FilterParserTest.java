package dev.neuralsearch.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.neuralsearch.core.Filter;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FilterParserTest {

    private static final Map<String, Object> EN_2021 = Map.of("lang", "en", "year", 2021L, "topic", "energy");
    private static final Map<String, Object> ZH_2019 = Map.of("lang", "zh", "year", 2019L, "topic", "economy, state");

    @Test
    void blankIsAll() {
        assertThat(FilterParser.parse(null)).isEqualTo(Filter.ALL);
        assertThat(FilterParser.parse("  ")).isEqualTo(Filter.ALL);
    }

    @Test
    void comparisonsAndConjunction() {
        Filter f = FilterParser.parse("year>=2020, lang=en");
        assertThat(f.matches(EN_2021)).isTrue();
        assertThat(f.matches(ZH_2019)).isFalse();
        assertThat(FilterParser.parse("year<2020").matches(ZH_2019)).isTrue();
        assertThat(FilterParser.parse("year<=2019").matches(ZH_2019)).isTrue();
        assertThat(FilterParser.parse("year>2021").matches(EN_2021)).isFalse();
        assertThat(FilterParser.parse("lang!=en").matches(ZH_2019)).isTrue();
        assertThat(FilterParser.parse("lang!=en").matches(Map.of())).isTrue();
        assertThat(FilterParser.parse("year=2021.0").matches(EN_2021)).isTrue();
    }

    @Test
    void inListsAndQuotes() {
        assertThat(FilterParser.parse("lang in (zh|fr)").matches(ZH_2019)).isTrue();
        assertThat(FilterParser.parse("lang IN (en | fr), year=2021").matches(EN_2021)).isTrue();
        assertThat(FilterParser.parse("topic=\"economy, state\"").matches(ZH_2019)).isTrue();
        assertThat(FilterParser.parse("topic in ('economy, state'|x)").matches(ZH_2019)).isTrue();
        assertThat(FilterParser.parse("year='2021'").matches(EN_2021)).as("quoted = string").isFalse();
    }

    @Test
    void badSyntaxNamesTheProblem() {
        assertThatThrownBy(() -> FilterParser.parse("year>>2020")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("year>>2020");
        assertThatThrownBy(() -> FilterParser.parse("year>=abc")).hasMessageContaining("needs a number");
        assertThatThrownBy(() -> FilterParser.parse("lang=en,,year=1")).hasMessageContaining("empty clause");
        assertThatThrownBy(() -> FilterParser.parse("lang in (en|fr")).hasMessageContaining("unbalanced");
        assertThatThrownBy(() -> FilterParser.parse("lang='en")).hasMessageContaining("unclosed quote");
        assertThatThrownBy(() -> FilterParser.parse("lang=")).hasMessageContaining("missing value");
        assertThatThrownBy(() -> FilterParser.parse("just words")).hasMessageContaining("cannot read clause");
    }
}
