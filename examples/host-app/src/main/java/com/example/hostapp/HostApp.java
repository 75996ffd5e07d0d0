package com.example.hostapp;

import dev.neuralsearch.ann.JVectorIndex;
import dev.neuralsearch.core.Document;
import dev.neuralsearch.core.Filter;
import dev.neuralsearch.core.Hit;
import dev.neuralsearch.core.NeuralSearch;
import dev.neuralsearch.core.SearchResult;
import dev.neuralsearch.encoder.BiEncoder;
import dev.neuralsearch.encoder.Presets;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The README's usage example as a host application runs it: {@code java -cp <its class path> com.example.hostapp.HostApp
 * [home]}, no JVM flags. Prints the hits, then the size of the index home.
 */
public final class HostApp {

    public static void main(String[] args) throws IOException {
        Path home = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("host-app-index");
        PrintStream out = System.out;
        // README example begins
        try (NeuralSearch search = NeuralSearch.builder()
                .encoder(BiEncoder.load(Presets.BGE_SMALL_EN_V15_Q))  // packaged model, int8
                .index(JVectorIndex.at(home))                            // index home on disk
                .build()) {
            search.add(List.of(
                    Document.of("1", "A black hole forms when a massive star collapses.", Map.of("year", 2019)),
                    Document.of("2", "Yeast makes bread rise by releasing carbon dioxide.", Map.of("year", 2021)),
                    Document.of("3", "Neutron stars are the remnants of supernovae.", Map.of("year", 2009))));
            search.commit();                                             // durable from here on
            SearchResult result = search.query("how do black holes form?")
                    .filter(Filter.gte("year", 2015))
                    .limit(5)
                    .run();
            for (Hit hit : result.hits()) {
                out.printf("%d. %s %.3f %s%n", hit.recallRank(), hit.id(), hit.score(), hit.text());
            }
            out.printf("encode %.1f ms, recall %.1f ms%n",
                    result.timings().encodeMillis(), result.timings().recallMillis());
        }
        // README example ends
        out.printf("home bytes %d (%s)%n", sizeOnDisk(home), home);
    }

    /** Sum of the home's file lengths (apparent sizes: a preallocated sparse file counts in full). */
    static long sizeOnDisk(Path home) throws IOException {
        try (Stream<Path> files = Files.walk(home)) {
            long total = 0;
            for (Path p : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                total += Files.size(p);
            }
            return total;
        }
    }
}
