package dev.neuralsearch.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.neuralsearch.bench.ComparisonSummary.Point;
import dev.neuralsearch.bench.ComparisonSummary.Side;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ComparisonSummaryTest {

    @Test
    void picksTheSmallestEfThatReachesTheRecall() {
        List<Point> sweep = List.of(new Point(40, 0.96, 900, 1500), new Point(10, 0.80, 3000, 5000),
                new Point(20, 0.95, 2000, 3500), new Point(80, 0.99, 500, 900));
        assertEquals(20, ComparisonSummary.first(sweep, 0.95).orElseThrow().ef());
        assertTrue(ComparisonSummary.first(sweep, 0.995).isEmpty());
    }

    @Test
    void lineHasRatiosOursOverPeerEachAtItsOwnFirstEf() {
        Side ours = new Side(List.of(new Point(10, 0.90, 4000, 7000), new Point(20, 0.97, 3000, 5000)), 100.0);
        Side peer = new Side(List.of(new Point(20, 0.93, 2000, 3000), new Point(40, 0.96, 1500, 2500)), 250.5);
        assertEquals("summary scifact peer=lucene-sq8 ours_ef=20 peer_ef=40 qps1_ratio=2.00 qps2_ratio=2.00"
                + " ours_mb=100.0 peer_mb=250.5", ComparisonSummary.line("scifact", "lucene-sq8", ours, peer));
    }

    @Test
    void aSideThatNeverReachesTheRecallGetsNa() {
        Side ours = new Side(List.of(new Point(10, 0.97, 4000, 7000)), 100.0);
        Side peer = new Side(List.of(new Point(10, 0.60, 9000, 9000)), Double.NaN);
        assertEquals("summary s peer=p ours_ef=10 peer_ef=na qps1_ratio=na qps2_ratio=na ours_mb=100.0 peer_mb=na",
                ComparisonSummary.line("s", "p", ours, peer));
    }

    @Test
    void parsesTheComparisonsResultLines() {
        List<String> lines = List.of(
                "RESULT ours\tbuild time (s)\t1.5",
                "RESULT ours\tbytes on disk\t1,234,567",
                "RESULT ours\tef 20: QPS 1 thread\t3000",
                "RESULT ours\tef 20: QPS 2 threads\t5000",
                "RESULT ours\tef 20: recall@10\t0.9700",
                "RESULT ours\theap used after GC, delta (MB)\t10.0",
                "RESULT ours\tRssAnon delta (MB)\t20.5",
                "RESULT ours\tRssFile delta (MB)\t30.0",
                "RESULT ours\tload average at end\t15.1 14.0 13.2",
                "RESULT lucene-bq1\tef 10: QPS 1 thread\t1000",
                "RESULT lucene-bq1\tef 10: recall@10\t0.9600");
        Map<String, Side> sides = ComparisonSummary.parse(lines, 10);
        assertEquals(List.of("ours", "lucene-bq1"), List.copyOf(sides.keySet()));
        assertEquals(List.of(new Point(20, 0.97, 3000, 5000)), sides.get("ours").points());
        assertEquals(60.5, sides.get("ours").mb(), 1e-9);
        Point bq1 = sides.get("lucene-bq1").points().get(0);
        assertEquals(1000, bq1.qps1());
        assertTrue(Double.isNaN(bq1.qps2()));
        assertTrue(Double.isNaN(sides.get("lucene-bq1").mb()));
    }
}
