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
        assertThatThrownBy(() -> FilterParser.parse("year>>2020")).hasMessageContaining("unknown operator");
        assertThatThrownBy(() -> FilterParser.parse("year>=abc")).hasMessageContaining("needs a number");
        assertThatThrownBy(() -> FilterParser.parse("lang=en,,year=1")).hasMessageContaining("empty clause");
        assertThatThrownBy(() -> FilterParser.parse("lang in (en|fr")).hasMessageContaining("unbalanced");
        assertThatThrownBy(() -> FilterParser.parse("lang='en")).hasMessageContaining("unclosed quote");
        assertThatThrownBy(() -> FilterParser.parse("lang=")).hasMessageContaining("missing value");
        assertThatThrownBy(() -> FilterParser.parse("just words")).hasMessageContaining("cannot read clause");
    }

    @Test
    void aLongDigitRunIsReadInLinearTime() {
        // The regexes this parser once used backtracked quadratically on it: 20,000 digits took 3.2 s.
        String digits = "1".repeat(60_000);
        long started = System.nanoTime();
        Filter f = FilterParser.parse("a=" + digits + "x");
        assertThatThrownBy(() -> FilterParser.parse("a>=" + digits + "x")).hasMessageContaining("needs a number")
                .hasMessageContaining("(60004 characters)");
        FilterParser.parse("a in (" + (digits + "x|").repeat(4) + "y)");
        FilterParser.parse("a=" + digits + " " + "\t ".repeat(1000) + "x");
        long millis = (System.nanoTime() - started) / 1_000_000;
        assertThat(f.matches(Map.of("a", digits + "x"))).isTrue();
        // a generous bound, a sanity check only: the scanner looks at each character a bounded number of times
        assertThat(millis).isLessThan(1000);
    }

    @Test
    void clausesAndInListsAreCapped() {
        String values = "v|".repeat(FilterParser.MAX_IN_VALUES - 1) + "v";
        assertThat(FilterParser.parse("a in (" + values + ")").matches(Map.of("a", "v"))).isTrue();
        assertThatThrownBy(() -> FilterParser.parse("a in (" + values + "|w)"))
                .hasMessageContaining("more than 1024 values in a list");
        String clauses = "a=1,".repeat(FilterParser.MAX_CLAUSES - 1) + "a=1";
        assertThat(FilterParser.parse(clauses).matches(Map.of("a", 1L))).isTrue();
        assertThatThrownBy(() -> FilterParser.parse(clauses + ",a=1")).hasMessageContaining("more than 64 clauses");
    }

    @Test
    void theSyntaxReadsAsBefore() {
        assertThat(FilterParser.parse("lang in(en|fr)").matches(EN_2021)).isTrue();
        assertThat(FilterParser.parse("  year  >=  2.021e3 ").matches(EN_2021)).isTrue();
        assertThat(FilterParser.parse("year>-1").matches(EN_2021)).isTrue();
        assertThat(FilterParser.parse("in=x").matches(Map.of("in", "x"))).isTrue();
        assertThat(FilterParser.parse("flag=true").matches(Map.of("flag", true))).isTrue();
        assertThat(FilterParser.parse("v=1e").matches(Map.of("v", "1e"))).as("not a number: a string").isTrue();
        assertThatThrownBy(() -> FilterParser.parse("lang in en")).hasMessageContaining("field in (a|b|c)");
        assertThatThrownBy(() -> FilterParser.parse("=3")).hasMessageContaining("cannot read clause");
        assertThatThrownBy(() -> FilterParser.parse("a=(x)")).hasMessageContaining("unexpected ( ) or |");
    }
}
