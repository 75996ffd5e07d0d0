package dev.neuralsearch.core;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The test's own model of what an index should hold, for {@link VectorIndexContract}: random documents with
 * clustered unit vectors and metadata of every value type, and the brute-force answer computed here, never
 * by an index.
 */
public final class ContractCorpus {
    static final String[] CATEGORIES = {"news", "sport", "science", "art"};

    private final Random random;
    private final int dimension;
    private final float[][] centers;
    /** What the index should hold now, by id. */
    private final Map<String, Document> documents = new LinkedHashMap<>();
    private final Map<String, float[]> vectors = new LinkedHashMap<>();
    private int next;

    ContractCorpus(Random random, int dimension) {
        this.random = random;
        this.dimension = dimension;
        this.centers = new float[Math.max(8, dimension / 4)][];
        for (int c = 0; c < centers.length; c++) {
            float[] v = new float[dimension];
            for (int i = 0; i < dimension; i++) {
                v[i] = (float) random.nextGaussian();
            }
            centers[c] = normalize(v);
        }
    }

    /** A unit vector near one of the cluster centres (uniform random vectors are pathological for graphs). */
    float[] vector() {
        float[] c = centers[random.nextInt(centers.length)];
        float[] v = new float[dimension];
        for (int i = 0; i < dimension; i++) {
            v[i] = c[i] + 0.15f * (float) random.nextGaussian();
        }
        return normalize(v);
    }

    /** A new document with a fresh id; "year" is absent from one in ten (absent fields match no comparison). */
    Document document() {
        String id = "doc-" + next++;
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("cat", CATEGORIES[random.nextInt(CATEGORIES.length)]);
        if (random.nextInt(10) != 0) {
            meta.put("year", 1990 + random.nextInt(36));
        }
        meta.put("price", Math.round(random.nextDouble() * 10_000) / 100.0);
        meta.put("flag", random.nextBoolean());
        meta.put("title", String.format("t%03d", random.nextInt(1000)));
        return Document.of(id, "text of " + id + " about " + meta.get("cat"), meta);
    }

    /** {@code n} new documents, recorded as expected. */
    List<Document> newDocuments(int n) {
        List<Document> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(document());
        }
        return out;
    }

    List<float[]> vectorsFor(List<Document> docs) {
        List<float[]> out = new ArrayList<>(docs.size());
        for (int i = 0; i < docs.size(); i++) {
            out.add(vector());
        }
        return out;
    }

    /** Records an add the index accepted. */
    void added(List<Document> docs, List<float[]> vs) {
        for (int i = 0; i < docs.size(); i++) {
            documents.put(docs.get(i).id(), docs.get(i));
            vectors.put(docs.get(i).id(), vs.get(i).clone());
        }
    }

    void deleted(List<String> ids) {
        for (String id : ids) {
            documents.remove(id);
            vectors.remove(id);
        }
    }

    Map<String, Document> documents() {
        return documents;
    }

    Map<String, float[]> vectors() {
        return vectors;
    }

    List<String> ids() {
        return new ArrayList<>(documents.keySet());
    }

    ContractCorpus copy() {
        ContractCorpus c = new ContractCorpus(random, dimension);
        c.documents.putAll(documents);
        c.vectors.putAll(vectors);
        c.next = next;
        return c;
    }

    Random random() {
        return random;
    }

    /** One filter of every kind {@link Filter} has, some of them very selective, one matching nothing. */
    List<Filter> filters() {
        List<Document> docs = new ArrayList<>(documents.values());
        Document some = docs.get(random.nextInt(docs.size()));
        return List.of(
                Filter.all(),
                Filter.eq("cat", "news"),
                Filter.eq("flag", true),
                Filter.eq("year", 2001),
                Filter.eq("title", some.metadata().get("title")),
                Filter.eq("cat", "no such category"),
                Filter.ne("cat", "sport"),
                Filter.in("cat", "art", "science"),
                Filter.in("year", 1995, 2005L, 2015),
                Filter.gt("price", 50.0),
                Filter.gte("year", 2020),
                Filter.lt("price", 3.5),
                Filter.lte("year", 1992),
                Filter.between("price", 40.0, 41.5),
                Filter.gt("title", "t900"),
                Filter.gte("title", "t500"),
                Filter.lt("title", "t020"),
                Filter.lte("title", "t100"),
                Filter.contains("title", "77"),
                Filter.and(Filter.eq("cat", "art"), Filter.gt("price", 20.0), Filter.eq("flag", false)),
                Filter.or(Filter.eq("year", 1999), Filter.contains("title", "5")),
                Filter.not(Filter.eq("year", 2000)),
                Filter.not(Filter.or(Filter.eq("cat", "news"), Filter.lt("price", 90.0))));
    }

    /** The exact top-k among documents matching {@code filter}, by the score {@code similarity} defines. */
    List<Map.Entry<String, Float>> bruteForce(float[] q, int k, Filter filter, Similarity similarity) {
        List<Map.Entry<String, Float>> all = new ArrayList<>();
        for (Map.Entry<String, Document> e : documents.entrySet()) {
            if (filter.matches(e.getValue().metadata())) {
                all.add(Map.entry(e.getKey(), score(similarity, q, vectors.get(e.getKey()))));
            }
        }
        all.sort(Map.Entry.<String, Float>comparingByValue(Comparator.reverseOrder()));
        return all.subList(0, Math.min(k, all.size()));
    }

    int matching(Filter filter) {
        int n = 0;
        for (Document d : documents.values()) {
            if (filter.matches(d.metadata())) {
                n++;
            }
        }
        return n;
    }

    /** The scores {@link VectorIndex} documents: cosine, inner product, {@code 1 / (1 + squared distance)}. */
    static float score(Similarity similarity, float[] q, float[] v) {
        double dot = 0;
        double qq = 0;
        double vv = 0;
        double dist = 0;
        for (int i = 0; i < q.length; i++) {
            dot += (double) q[i] * v[i];
            qq += (double) q[i] * q[i];
            vv += (double) v[i] * v[i];
            dist += ((double) q[i] - v[i]) * ((double) q[i] - v[i]);
        }
        return switch (similarity) {
            case COSINE -> (float) (dot / Math.sqrt(qq * vv));
            case DOT_PRODUCT -> (float) dot;
            case EUCLIDEAN -> (float) (1 / (1 + dist));
        };
    }

    static float[] normalize(float[] v) {
        double n = 0;
        for (float x : v) {
            n += (double) x * x;
        }
        float inv = (float) (1 / Math.sqrt(n));
        for (int i = 0; i < v.length; i++) {
            v[i] *= inv;
        }
        return v;
    }
}
