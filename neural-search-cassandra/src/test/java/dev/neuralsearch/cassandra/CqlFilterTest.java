package dev.neuralsearch.cassandra;

import dev.neuralsearch.core.Filter;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Filters as SAI predicates, without a node: what is pushed down, how in(...) expands, what is refused. */
class CqlFilterTest {
    private static final Map<String, FieldType> FIELDS = Map.of("year", FieldType.NUMBER, "lang", FieldType.TEXT,
            "flag", FieldType.BOOLEAN);

    @Test
    void conjunctionsOfEqualityAndRangesArePushedDown() {
        List<CqlFilter> q = CqlFilter.of(Filter.and(Filter.eq("lang", "en"), Filter.between("year", 2000, 2010),
                Filter.eq("flag", true), Filter.gt("year", 1999)), FIELDS);
        assertThat(q).singleElement().satisfies(f -> {
            assertThat(f.where()).isEqualTo("\"m_lang\" = ? AND \"m_year\" >= ? AND \"m_year\" <= ? AND \"m_flag\" = ?"
                    + " AND \"m_year\" > ?");
            assertThat(f.values()).containsExactly("en", 2000.0, 2010.0, true, 1999.0);
        });
        assertThat(CqlFilter.of(Filter.ALL, FIELDS)).singleElement().satisfies(f -> assertThat(f.isEmpty()).isTrue());
        assertThat(CqlFilter.of(Filter.eq("year", 2021), FIELDS).get(0).values()).containsExactly(2021.0);
    }

    @Test
    void inBecomesOneQueryPerDistinctValue() {
        List<CqlFilter> q = CqlFilter.of(Filter.and(Filter.in("year", 2005, 2005L, 2005.0, 2015),
                Filter.in("lang", "en", "de")), FIELDS);
        assertThat(q).extracting(CqlFilter::values).containsExactlyInAnyOrder(List.of(2005.0, "en"),
                List.of(2005.0, "de"),
                List.of(2015.0, "en"), List.of(2015.0, "de"));
        assertThat(q).extracting(CqlFilter::where).containsOnly("\"m_year\" = ? AND \"m_lang\" = ?");
        Object[] many = new Object[65];
        for (int i = 0; i < many.length; i++) {
            many[i] = i;
        }
        assertThatThrownBy(() -> CqlFilter.of(Filter.in("year", many), FIELDS))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("more than 64 queries");
    }

    @Test
    void whatSaiCannotDoIsRefusedNamingTheFilter() {
        for (Filter f : List.of(Filter.or(Filter.eq("lang", "en"), Filter.eq("lang", "de")),
                Filter.not(Filter.eq("lang", "en")), Filter.ne("year", 3), Filter.contains("lang", "e"),
                Filter.gt("lang", "d"))) {
            assertThat(CassandraIndex.canPushDown(f)).as(f.toString()).isFalse();
            assertThatThrownBy(() -> CqlFilter.of(f, FIELDS)).as(f.toString())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("not supported by CassandraIndex").hasMessageContaining(f.toString());
        }
        Filter inner = Filter.not(Filter.eq("flag", true)); // inside and(...): the message names the part refused
        assertThat(CassandraIndex.canPushDown(Filter.and(Filter.eq("year", 1), inner))).isFalse();
        assertThatThrownBy(() -> CqlFilter.of(Filter.and(Filter.eq("year", 1), inner), FIELDS))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("filter " + inner + " is not");
        assertThatThrownBy(() -> CqlFilter.of(Filter.eq("title", "x"), FIELDS))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("field 'title' is not filterable");
        assertThatThrownBy(() -> CqlFilter.of(Filter.gte("lang", 3), FIELDS))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not numeric");
        assertThatThrownBy(() -> CqlFilter.of(Filter.eq("year", "x"), FIELDS))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("holds NUMBER values");
    }
}
