package dev.neuralsearch.train.crossencoder;

import dev.neuralsearch.core.Fusion;
import dev.neuralsearch.core.RankFusion;
import dev.neuralsearch.eval.BeirDataset;
import dev.neuralsearch.eval.PseudoQueries;
import dev.neuralsearch.eval.TeacherFile;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Distillation examples from a {@link TeacherFile} ({@code nsearch eval --pipeline F --split train --teacher-out}):
 * one {@link CrossEncoderExample} per query, its "positive" the teacher's best candidate, its negatives the next ones,
 * and the teacher's scores z-scored over the query's candidates (so that scores of any fusion family, e.g. RRF's
 * small ones, have one scale for the loss). A pseudo-query's source document shows its {@code sourcePassage} (the
 * query text taken out), every other candidate its corpus passage.
 *
 * <p>Test queries are refused, as the trainers refuse them: a judged query whose id is a test query's stops the load;
 * a query whose text (stripped, any case) is a test query's under another id (SciFact's train queries 871 and 1291)
 * is left out with a warning, and so is such a pseudo-query.
 */
public final class DistillData {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(DistillData.class);

    private DistillData() {
    }

    /**
     * @param corpus    the dataset whose corpus the teacher ranked
     * @param testIds   test query ids ({@link CrossEncoderData#testQueryIds})
     * @param testTexts test query texts ({@link CrossEncoderData#testQueryTexts})
     */
    public static List<CrossEncoderExample> fromTeacher(List<TeacherFile.Entry> entries, BeirDataset corpus,
                                                        Set<String> testIds, Set<String> testTexts) {
        Set<String> banned = new HashSet<>();
        testTexts.forEach(t -> banned.add(key(t)));
        List<CrossEncoderExample> out = new ArrayList<>();
        for (TeacherFile.Entry e : entries) {
            boolean pseudo = PseudoQueries.isPseudo(e.id());
            if (!pseudo && testIds.contains(e.id())) {
                throw new IllegalArgumentException("teacher query " + e.id() + " ('" + e.query()
                        + "') is a test query: refusing to train on test queries");
            }
            if (banned.contains(key(e.query()))) {
                LOG.warn("teacher query {} has the text of a test query ('{}'): left out", e.id(), e.query());
                continue;
            }
            if (e.docs().size() < 2) {
                continue; // nothing to order
            }
            List<String> passages = new ArrayList<>(e.docs().size());
            double[] raw = new double[e.docs().size()];
            for (int i = 0; i < raw.length; i++) {
                TeacherFile.Candidate c = e.docs().get(i);
                BeirDataset.CorpusDoc d = corpus.corpus().get(c.docId());
                if (d == null) {
                    throw new IllegalArgumentException("teacher query " + e.id() + ": document " + c.docId()
                            + " is not in the corpus of " + corpus.name());
                }
                passages.add(c.docId().equals(e.source()) && e.sourcePassage() != null ? e.sourcePassage()
                        : d.passage());
                raw[i] = c.score();
            }
            List<Float> z = zscores(raw);
            out.add(new CrossEncoderExample(e.id(), e.query(), passages.get(0), passages.subList(1, passages.size()),
                    z));
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("no distillation examples (every teacher query was empty or refused)");
        }
        return out;
    }

    /** z-scores, as the z-score fusion normalizes a route ({@link RankFusion#normalize}), as the example's list. */
    static List<Float> zscores(double[] v) {
        List<Float> out = new ArrayList<>(v.length);
        for (double x : RankFusion.normalize(v, Fusion.Normalization.Z_SCORE)) {
            out.add((float) x);
        }
        return out;
    }

    private static String key(String s) {
        return s.strip().toLowerCase(Locale.ROOT);
    }
}
