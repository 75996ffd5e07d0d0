package dev.neuralsearch.ann;

import dev.neuralsearch.core.Document;
import dev.neuralsearch.core.Filter;
import dev.neuralsearch.core.Hit;
import dev.neuralsearch.core.NeuralSearch;
import dev.neuralsearch.core.ProgressListener;
import dev.neuralsearch.core.ScoredDocument;
import dev.neuralsearch.core.Similarity;
import dev.neuralsearch.core.TextEncoder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Child process of {@link NoFlagsTest}: what a host application does, run by a JVM started with no flags at all.
 * Creates a home with the README's three documents, commits, reopens, and prints one line per result for the
 * parent to check. Args: home, store kind ({@link DocumentStoreKind} name).
 */
public final class NoFlagsHost {
    public static void main(String[] args) {
        Path home = Path.of(args[0]);
        DocumentStoreKind kind = DocumentStoreKind.valueOf(args[1]);
        JVectorIndex.Factory factory = JVectorIndex.at(home).documentStore(kind);
        try (NeuralSearch search = NeuralSearch.builder().encoder(new WordHashEncoder()).index(factory).build()) {
            search.add(List.of(
                    Document.of("1", "A black hole forms when a massive star collapses.", Map.of("year", 2019)),
                    Document.of("2", "Yeast makes bread rise by releasing carbon dioxide.", Map.of("year", 2021)),
                    Document.of("3", "Neutron stars are the remnants of supernovae.", Map.of("year", 2009))));
            search.commit();
        }
        try (NeuralSearch search = NeuralSearch.builder().encoder(new WordHashEncoder()).index(factory).build()) {
            print("dense", search.query("how do black holes form?").filter(Filter.gte("year", 2015)).execute());
            print("filtered", search.query("stars").filter(Filter.lt("year", 2015)).execute());
            print("lexical", search.query("yeast bread").lexical(10).execute());
            print("hybrid", search.query("massive star collapses").dense(10).lexical(10).execute());
            System.out.println("get 3 " + search.get("3").map(Document::text).orElse("<none>"));
        }
        try (JVectorIndex index = JVectorIndex.open(home, new WordHashEncoder().schema(), factory.options())) {
            System.out.println("store " + index.documentStoreKind());
            List<ScoredDocument> lex = index.lexicalSearch("neutron", 3, Filter.ALL);
            System.out.println("index-lexical " + lex.stream().map(d -> d.document().id())
                    .collect(Collectors.joining(",")));
            List<ScoredDocument> dense = index.search(new WordHashEncoder().encodeQuery("bread"), 1, Filter.ALL);
            System.out.println("index-dense " + dense.get(0).document().id() + " " + dense.get(0).document().text());
        }
        System.out.println("done");
    }

    private static void print(String label, List<Hit> hits) {
        System.out.println(label + " " + hits.stream().map(Hit::id).collect(Collectors.joining(",")));
    }

    /** Deterministic bag of words: each lower-cased word adds 1 to a hashed dimension; the vector is normalised. */
    static final class WordHashEncoder implements TextEncoder {
        static final int DIM = 64;

        dev.neuralsearch.core.IndexSchema schema() {
            return new dev.neuralsearch.core.IndexSchema(modelId(), DIM, similarity());
        }

        @Override
        public String modelId() {
            return "word-hash-64";
        }

        @Override
        public int dimension() {
            return DIM;
        }

        @Override
        public Similarity similarity() {
            return Similarity.DOT_PRODUCT;
        }

        @Override
        public float[] encodeQuery(String query) {
            float[] v = new float[DIM];
            for (String w : query.toLowerCase(Locale.ROOT).split("[^a-z]+")) {
                if (w.length() > 2) {
                    String stem = w.endsWith("s") ? w.substring(0, w.length() - 1) : w;
                    v[Math.floorMod(stem.hashCode(), DIM)] += 1;
                }
            }
            double norm = 0;
            for (float f : v) {
                norm += f * f;
            }
            if (norm == 0) {
                v[0] = 1;
                return v;
            }
            for (int i = 0; i < DIM; i++) {
                v[i] /= (float) Math.sqrt(norm);
            }
            return v;
        }

        @Override
        public List<float[]> encodeQueries(List<String> queries) {
            List<float[]> out = new ArrayList<>();
            for (String q : queries) {
                out.add(encodeQuery(q));
            }
            return out;
        }

        @Override
        public List<float[]> encodePassages(List<String> passages, ProgressListener progress) {
            return encodeQueries(passages);
        }

        @Override
        public void close() {
        }
    }
}
