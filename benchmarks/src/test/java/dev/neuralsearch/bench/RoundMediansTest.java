package dev.neuralsearch.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class RoundMediansTest {

    @Test
    void eachMetricIsTheMedianOfTheRoundsThatHaveIt() {
        List<String> r1 = List.of("RESULT ours\tbuild time (s)\t40.0", "RESULT ours\tef 25: QPS 1 thread\t7772",
                "RESULT ours\tef 25: recall@10\t0.9600", "RESULT lucene\tef 25: QPS 1 thread\t5,685");
        List<String> r2 = List.of("RESULT lucene\tef 25: QPS 1 thread\t2,100", "RESULT ours\tef 25: QPS 1 thread\t9100",
                "RESULT ours\tef 25: recall@10\t0.9600");
        List<String> r3 = List.of("RESULT ours\tef 25: QPS 1 thread\t8000", "RESULT ours\tef 25: recall@10\t0.9600",
                "RESULT lucene\tef 25: QPS 1 thread\t5,900");
        assertEquals(List.of("RESULT ours\tbuild time (s)\t40.0", "RESULT ours\tef 25: QPS 1 thread\t8000",
                        "RESULT ours\tef 25: recall@10\t0.9600", "RESULT lucene\tef 25: QPS 1 thread\t5685"),
                RoundMedians.merge(List.of(r1, r2, r3)));
        // the merged lines feed the summary as one round's would
        var sides = ComparisonSummary.parse(RoundMedians.merge(List.of(r1, r2, r3)), 10);
        assertEquals(8000, sides.get("ours").points().get(0).qps1());
        assertEquals(5685, sides.get("lucene").points().get(0).qps1());
    }

    @Test
    void anEvenCountTakesTheMeanOfTheMiddleTwoAndTextKeepsTheFirst() {
        assertEquals("2.50", RoundMedians.median(List.of("4.00", "1.00", "2.00", "3.00")));
        assertEquals("1.2 0.9", RoundMedians.median(List.of("1.2 0.9", "3.0 1.1")));
        assertEquals("12", RoundMedians.median(List.of("12")));
    }

    @Test
    void memoryLinesAreRecognised() {
        assertEquals(true, RoundMedians.isMemory("RESULT ours\tRssAnon delta (MB)\t2.1"));
        assertEquals(true, RoundMedians.isMemory("RESULT lucene\theap used after GC, delta (MB)\t0.2"));
        assertEquals(true, RoundMedians.isMemory("RESULT ours\tRssFile delta (MB)\t9.1"));
        assertEquals(false, RoundMedians.isMemory("RESULT ours\tef 15: QPS 1 thread\t39727"));
    }

    @Test
    void spreadListsEveryRound() {
        assertEquals("7772 / 9100", RoundMedians.spread(List.of(List.of("RESULT ours\tq\t7772"),
                List.of("RESULT ours\tq\t9100"))).get("ours\tq"));
    }

    @Test
    void laterRoundsReuseTheIndexes() {
        assertArrayEquals(new String[] {"--dataset", "scifact", "--reuse", "true"},
                VectorSearchComparison.withOption(new String[] {"--dataset", "scifact"}, "reuse", "true"));
        assertArrayEquals(new String[] {"--reuse", "true", "--ef", "10"},
                VectorSearchComparison.withOption(new String[] {"--reuse", "false", "--ef", "10"}, "reuse", "true"));
    }
}
