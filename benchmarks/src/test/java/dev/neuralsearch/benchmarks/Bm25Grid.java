package dev.neuralsearch.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.*;
import java.util.*;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.document.*;
import org.apache.lucene.index.*;
import org.apache.lucene.search.*;
import org.apache.lucene.search.similarities.BM25Similarity;
import org.apache.lucene.store.ByteBuffersDirectory;

/**
 * BM25 parameter grid on a BEIR split with plain Lucene, built the way the index's lexical route builds its
 * queries (analyzed terms, SHOULD clauses, repeated terms boosted). Norms do not depend on k1/b, so one index
 * per analyzer serves the whole grid. Usage: java -cp <lucene+jackson> Bm25Grid.java DIR SPLIT ANALYZER k1,k1.. b,b..
 */
public final class Bm25Grid {
    private Bm25Grid() {
    }

    public static void main(String[] a) throws Exception {
        Path dir = Path.of(a[0]);
        String split = a[1];
        Analyzer an = switch (a[2]) {
            case "standard" -> new org.apache.lucene.analysis.standard.StandardAnalyzer();
            case "english" -> new org.apache.lucene.analysis.en.EnglishAnalyzer();
            case "cjk" -> new org.apache.lucene.analysis.cjk.CJKAnalyzer();
            case "chinese" -> new org.apache.lucene.analysis.cn.smart.SmartChineseAnalyzer();
            default -> throw new IllegalArgumentException(a[2]);
        };
        ObjectMapper om = new ObjectMapper();
        Map<String, Map<String, Integer>> qrels = new LinkedHashMap<>();
        for (String line : Files.readAllLines(dir.resolve("qrels").resolve(split + ".tsv"))) {
            String[] f = line.split("\t");
            if (f.length < 3 || f[2].equals("score")) continue;
            int g = Integer.parseInt(f[2].trim());
            qrels.computeIfAbsent(f[0], k -> new HashMap<>()).put(f[1], g);
        }
        Map<String, String> queries = new LinkedHashMap<>();
        for (String line : Files.readAllLines(dir.resolve("queries.jsonl"))) {
            if (line.isBlank()) continue;
            JsonNode n = om.readTree(line);
            String id = n.get("_id").asText();
            if (qrels.containsKey(id)) queries.put(id, n.get("text").asText());
        }
        ByteBuffersDirectory d = new ByteBuffersDirectory();
        try (IndexWriter w = new IndexWriter(d, new IndexWriterConfig(an).setSimilarity(new BM25Similarity()))) {
            for (String line : Files.readAllLines(dir.resolve("corpus.jsonl"))) {
                if (line.isBlank()) continue;
                JsonNode n = om.readTree(line);
                Document doc = new Document();
                doc.add(new StringField("id", n.get("_id").asText(), Field.Store.YES));
                doc.add(new TextField("text", (n.path("title").asText("") + " " + n.path("text").asText("")).strip(), Field.Store.NO));
                w.addDocument(doc);
            }
        }
        DirectoryReader r = DirectoryReader.open(d);
        IndexSearcher s = new IndexSearcher(r);
        List<Query> qs = new ArrayList<>();
        for (String q : queries.values()) qs.add(build(an, q));
        List<String> qids = new ArrayList<>(queries.keySet());
        System.out.printf("%s %s %s: %d queries, %d docs%n", dir.getFileName(), split, a[2], qids.size(), r.numDocs());
        for (String k1s : a[3].split(",")) {
            for (String bs : a[4].split(",")) {
                float k1 = Float.parseFloat(k1s), b = Float.parseFloat(bs);
                s.setSimilarity(new BM25Similarity(k1, b));
                double sum = 0;
                for (int i = 0; i < qs.size(); i++) {
                    List<String> ranked = new ArrayList<>();
                    if (qs.get(i) != null) {
                        TopDocs td = s.search(qs.get(i), 100);
                        ScoreDoc[] sd = td.scoreDocs;
                        // trec order: score desc, id desc
                        List<Object[]> rows = new ArrayList<>();
                        for (ScoreDoc x : sd) rows.add(new Object[] {x.score, s.storedFields().document(x.doc).get("id")});
                        rows.sort((p, q) -> Float.compare((float) q[0], (float) p[0]) != 0 ? Float.compare((float) q[0], (float) p[0]) : ((String) q[1]).compareTo((String) p[1]));
                        for (Object[] x : rows) ranked.add((String) x[1]);
                    }
                    sum += ndcg10(ranked, qrels.get(qids.get(i)));
                }
                System.out.printf(Locale.ROOT, "k1 %.2f b %.2f nDCG@10 %.4f%n", k1, b, sum / qs.size());
            }
        }
    }

    static Query build(Analyzer an, String text) throws Exception {
        Map<String, Integer> terms = new LinkedHashMap<>();
        try (TokenStream ts = an.tokenStream("text", text)) {
            CharTermAttribute t = ts.addAttribute(CharTermAttribute.class);
            ts.reset();
            while (ts.incrementToken()) terms.merge(t.toString(), 1, Integer::sum);
            ts.end();
        }
        if (terms.isEmpty()) return null;
        BooleanQuery.Builder b = new BooleanQuery.Builder();
        int n = 0;
        for (var e : terms.entrySet()) {
            if (n++ == IndexSearcher.getMaxClauseCount() - 1) break;
            Query tq = new TermQuery(new Term("text", e.getKey()));
            b.add(e.getValue() == 1 ? tq : new BoostQuery(tq, e.getValue()), BooleanClause.Occur.SHOULD);
        }
        return b.build();
    }

    static double ndcg10(List<String> ranked, Map<String, Integer> judged) {
        double dcg = 0;
        for (int i = 0; i < Math.min(10, ranked.size()); i++) {
            int g = judged.getOrDefault(ranked.get(i), 0);
            if (g > 0) dcg += g / (Math.log(i + 2) / Math.log(2));
        }
        List<Integer> gs = new ArrayList<>(judged.values());
        gs.sort(Comparator.reverseOrder());
        double idcg = 0;
        for (int i = 0; i < Math.min(10, gs.size()); i++) {
            if (gs.get(i) > 0) idcg += gs.get(i) / (Math.log(i + 2) / Math.log(2));
        }
        return idcg == 0 ? 0 : dcg / idcg;
    }
}
