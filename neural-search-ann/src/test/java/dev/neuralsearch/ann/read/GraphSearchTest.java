package dev.neuralsearch.ann.read;

import dev.neuralsearch.ann.JVectorIndex;
import dev.neuralsearch.ann.TestVectors;
import dev.neuralsearch.ann.format.Adjacency;
import dev.neuralsearch.ann.format.VectorFile;
import dev.neuralsearch.ann.vector.Vectorization;
import dev.neuralsearch.core.Document;
import dev.neuralsearch.core.IndexSchema;
import dev.neuralsearch.core.Similarity;
import io.github.jbellis.jvector.disk.ReaderSupplierFactory;
import io.github.jbellis.jvector.graph.GraphSearcher;
import io.github.jbellis.jvector.graph.SearchResult;
import io.github.jbellis.jvector.graph.disk.OnDiskGraphIndex;
import io.github.jbellis.jvector.graph.similarity.DefaultSearchScoreProvider;
import io.github.jbellis.jvector.util.Bits;
import io.github.jbellis.jvector.vector.VectorSimilarityFunction;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Our graph search ({@link GraphSearch}) on a real segment written by the index (JVector graph + vector file):
 * against a brute-force scan and against JVector's {@code GraphSearcher} on the same graph and scores, with a
 * filter, and after a search abandoned by its visit budget.
 */
@Tag("smoke") // also on the JDK 17 floor (the default vectorization)
class GraphSearchTest {
    @TempDir
    Path home;

    private static final int N = 4000;
    private static final int DIM = 48;

    /** Writes one segment of {@code N} clustered vectors; returns the generator, to draw queries from. */
    private TestVectors writeSegment() {
        int n = N;
        int dim = DIM;
        TestVectors tv = new TestVectors(dim, 40, 0.3f, 11);
        try (JVectorIndex index = JVectorIndex.open(home, new IndexSchema("g", dim, Similarity.DOT_PRODUCT))) {
            List<Document> docs = new ArrayList<>();
            List<float[]> vecs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                docs.add(Document.of("d" + i, "", Map.of()));
                vecs.add(tv.next());
            }
            index.add(docs, vecs);
            index.commit();
        }
        return tv;
    }

    @Test
    void bulkReadsOfTheNeighbourListsEqualJVectors() throws IOException {
        writeSegment();
        Path graphFile = only("glob:**/seg-*.graph");
        try (var readers = ReaderSupplierFactory.open(graphFile);
             var graph = OnDiskGraphIndex.load(readers);
             Adjacency adjacency = Adjacency.open(graphFile, graph, false);
             var view = graph.getView()) {
            assertThat(adjacency).as("JVector's layer-0 layout recognised").isNotNull();
            int[] lists = new int[graph.maxDegree()];
            long total = 0;
            for (int node = 0; node < N; node++) {
                var it = view.getNeighborsIterator(0, node);
                int size = adjacency.read(node, lists);
                assertThat(size).as("degree of %d", node).isEqualTo(it.size());
                for (int i = 0; i < size; i++) {
                    assertThat(lists[i]).isEqualTo(it.nextInt());
                }
                total += size;
            }
            assertThat(total).isGreaterThan(N * 8L);
            assertThatThrownBy(() -> adjacency.read(N, lists)).isInstanceOf(IndexOutOfBoundsException.class);
        }
    }

    @Test
    void findsWhatAScanFindsFiltersAndRecoversFromAnExceededBudget() throws IOException {
        TestVectors tv = writeSegment();
        Path graphFile = only("glob:**/seg-*.graph");
        Path vectorFile = only("glob:**/seg-*.vec");
        for (boolean bulk : new boolean[] {true, false}) {
            try (var readers = ReaderSupplierFactory.open(graphFile);
                 var graph = OnDiskGraphIndex.load(readers);
                 Adjacency adjacency = bulk ? Adjacency.open(graphFile, graph, true) : null;
                 VectorFile vf = VectorFile.open(vectorFile, N, DIM);
                 GraphSearch search = new GraphSearch(graph, adjacency);
                 GraphSearcher jvector = new GraphSearcher(graph)) {
                assertThat(adjacency == null).isEqualTo(!bulk);
                check(tv, graph, vf, search, jvector);
            }
        }
    }

    private static void check(TestVectors tv, OnDiskGraphIndex graph, VectorFile vf, GraphSearch search,
                              GraphSearcher jvector) {
        int n = N;
        {
            assertThat(graph.size(0)).isEqualTo(n);
            int k = 10;
            int narrow = 12; // a beam where both searches miss some: their recall compared
            int ef = 60;
            int queries = 100;
            double ours = 0;
            double theirs = 0;
            double oursWide = 0;
            double filtered = 0;
            Bits third = node -> node % 3 == 0;
            int[] nodes = new int[k];
            float[] scores = new float[k];
            for (int q = 0; q < queries; q++) {
                float[] query = tv.next();
                Vectorization.Scorer scorer = vf.scorer(query, VectorSimilarityFunction.DOT_PRODUCT);
                int[] truth = scan(scorer, n, k, Bits.ALL);

                int found = search.search(scorer, null, k, narrow, narrow, Bits.ALL, null, nodes, scores);
                assertThat(found).isEqualTo(k);
                assertBestFirstWithTheirExactScores(scorer, nodes, scores, found);
                ours += overlap(truth, nodes, found) / (double) k;
                SearchResult r = jvector.search(new DefaultSearchScoreProvider(scorer), k, narrow, 0f, 0f, Bits.ALL);
                theirs += overlap(truth, Arrays.stream(r.getNodes()).mapToInt(ns -> ns.node).toArray(), k) / (double) k;

                found = search.search(scorer, null, k, ef, ef, Bits.ALL, null, nodes, scores);
                assertThat(found).isEqualTo(k);
                assertThat(search.visits()).isBetween(ef, n);
                assertBestFirstWithTheirExactScores(scorer, nodes, scores, found);
                oursWide += overlap(truth, nodes, found) / (double) k;

                found = search.search(scorer, null, k, ef, ef, third, null, nodes, scores);
                assertThat(found).isEqualTo(k);
                for (int i = 0; i < found; i++) {
                    assertThat(nodes[i] % 3).as("filtered result %d", nodes[i]).isZero();
                }
                assertBestFirstWithTheirExactScores(scorer, nodes, scores, found);
                filtered += overlap(scan(scorer, n, k, third), nodes, found) / (double) k;
            }
            System.out.printf("recall@10 at ef %d: ours %.3f, JVector's %.3f; at ef %d: ours %.3f, a third accepted"
                    + " %.3f%n", narrow, ours / queries, theirs / queries, ef, oursWide / queries, filtered / queries);
            assertThat(ours / queries).isGreaterThanOrEqualTo(theirs / queries - 0.02);
            assertThat(oursWide / queries).isGreaterThanOrEqualTo(0.95);
            assertThat(filtered / queries).isGreaterThanOrEqualTo(0.95);

            // a beam as wide as the graph finds the exact top k
            float[] query = tv.next();
            Vectorization.Scorer scorer = vf.scorer(query, VectorSimilarityFunction.DOT_PRODUCT);
            int found = search.search(scorer, null, k, n, n, Bits.ALL, null, nodes, scores);
            assertThat(Arrays.copyOf(nodes, found)).containsExactly(scan(scorer, n, k, Bits.ALL));
            int[] before = nodes.clone();

            // an exceeded budget throws, and leaves no visited marks behind: the same search finds the same nodes
            assertThatThrownBy(() -> search.search(scorer, null, k, ef, ef, Bits.ALL, new VisitBudget(50),
                    new int[k], new float[k])).isSameAs(VisitBudget.EXCEEDED);
            VisitBudget budget = new VisitBudget(Integer.MAX_VALUE);
            found = search.search(scorer, null, k, n, n, Bits.ALL, budget, nodes, scores);
            assertThat(nodes).containsExactly(before);
            assertThat(budget.visits()).isEqualTo(search.visits());

            // an approximate traversal (scores rounded to 0.05) reranked by the exact scores: exact scores, best first
            Vectorization.Scorer coarse = node -> Math.round(scorer.similarityTo(node) * 20) / 20f;
            found = search.search(coarse, scorer, k, ef, ef, Bits.ALL, null, nodes, scores);
            assertThat(found).isEqualTo(k);
            assertBestFirstWithTheirExactScores(scorer, nodes, scores, found);
            assertThat(overlap(scan(scorer, n, k, Bits.ALL), nodes, found)).isGreaterThanOrEqualTo(8);
            // rescoring only the best k by the approximate score: the approximate search's own top k (ties broken
            // by node, as the heap orders them), now with exact scores, best first
            int[] approximateTop = Arrays.copyOf(nodes, search.search(coarse, null, k, ef, ef, Bits.ALL, null, nodes,
                    scores));
            found = search.search(coarse, scorer, k, ef, k, Bits.ALL, null, nodes, scores);
            assertThat(Arrays.copyOf(nodes, found)).containsExactlyInAnyOrder(approximateTop);
            assertBestFirstWithTheirExactScores(scorer, nodes, scores, found);

            // fewer accepted nodes than k: all of them, reachable through the rest of the graph
            Bits five = node -> node < 5;
            found = search.search(scorer, null, k, ef, ef, five, null, nodes, scores);
            assertThat(Arrays.copyOf(nodes, found)).containsExactlyInAnyOrder(0, 1, 2, 3, 4);
        }
    }

    private static void assertBestFirstWithTheirExactScores(Vectorization.Scorer scorer, int[] nodes, float[] scores,
                                                            int found) {
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < found; i++) {
            assertThat(seen.add(nodes[i])).as("node %d twice", nodes[i]).isTrue();
            assertThat(scores[i]).isCloseTo(scorer.similarityTo(nodes[i]),
                    org.assertj.core.data.Offset.offset(1e-6f));
            if (i > 0) {
                assertThat(scores[i]).isLessThanOrEqualTo(scores[i - 1]);
            }
        }
    }

    /** The k best accepted nodes by a full scan, best first. */
    private static int[] scan(Vectorization.Scorer scorer, int n, int k, Bits accept) {
        Integer[] all = new Integer[n];
        float[] s = new float[n];
        for (int i = 0; i < n; i++) {
            all[i] = i;
            s[i] = scorer.similarityTo(i);
        }
        return Arrays.stream(all).filter(accept::get).sorted((a, b) -> Float.compare(s[b], s[a])).limit(k)
                .mapToInt(Integer::intValue).toArray();
    }

    private static int overlap(int[] truth, int[] found, int count) {
        Set<Integer> t = new HashSet<>();
        for (int x : truth) {
            t.add(x);
        }
        int hits = 0;
        for (int i = 0; i < count; i++) {
            if (t.contains(found[i])) {
                hits++;
            }
        }
        return hits;
    }

    private Path only(String glob) throws IOException {
        var matcher = home.getFileSystem().getPathMatcher(glob);
        try (Stream<Path> files = Files.list(home)) {
            List<Path> found = files.filter(matcher::matches).toList();
            assertThat(found).as(glob).hasSize(1);
            return found.get(0);
        }
    }
}
