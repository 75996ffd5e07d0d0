package dev.neuralsearch.ann.lexical;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.apache.lucene.analysis.standard.StandardAnalyzer;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexCommit;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.NoDeletionPolicy;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.similarities.BM25Similarity;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommittedSearcherTest {
    @TempDir
    Path home;

    /**
     * A reader's refresh while the writer deletes an older commit: one commit's files are gone (as when a writer
     * deleted it while a reader parsed it), the recorded one is intact. Listing every commit fails; reading the
     * recorded one alone opens it.
     */
    @Test
    void opensTheRecordedCommitWhileAnotherCommitIsHalfDeleted() throws Exception {
        String older;
        String newer;
        try (Directory dir = FSDirectory.open(home);
             IndexWriter w = new IndexWriter(dir, new IndexWriterConfig(new StandardAnalyzer())
                     .setIndexDeletionPolicy(NoDeletionPolicy.INSTANCE))) {
            w.addDocument(doc("alpha"));
            w.commit();
            older = SegmentInfos.readLatestCommit(dir).getSegmentsFileName();
            w.deleteAll(); // the next commit shares no segment with the older one
            w.addDocument(doc("beta"));
            w.addDocument(doc("gamma"));
            w.commit();
            newer = SegmentInfos.readLatestCommit(dir).getSegmentsFileName();
        }
        try (Directory dir = FSDirectory.open(home)) {
            Set<String> onlyOlder = new HashSet<>(SegmentInfos.readCommit(dir, older).files(false));
            onlyOlder.removeAll(SegmentInfos.readCommit(dir, newer).files(true));
            assertThat(onlyOlder).isNotEmpty();
            for (String f : onlyOlder) {
                if (f.endsWith(".si")) {
                    Files.delete(home.resolve(f));
                }
            }
            assertThatThrownBy(() -> DirectoryReader.listCommits(dir)) // what the reader used to do
                    .isInstanceOf(org.apache.lucene.index.CorruptIndexException.class);

            IndexCommit commit = CommittedSearcher.recorded(dir, newer);
            assertThat(commit.getSegmentsFileName()).isEqualTo(newer);
            try (DirectoryReader r = DirectoryReader.open(commit)) {
                assertThat(r.numDocs()).isEqualTo(2);
            }
            assertThat(CommittedSearcher.recorded(dir, "segments_99")).isNull();
        }

        CommittedSearcher searcher = new CommittedSearcher(home, new BM25Similarity());
        try {
            searcher.reopen(new dev.neuralsearch.ann.commit.Manifest.LexicalEntry("standard", newer, 0, 2));
            IndexSearcher s = searcher.acquire();
            try {
                assertThat(s.getIndexReader().numDocs()).isEqualTo(2);
            } finally {
                CommittedSearcher.release(s);
            }
        } finally {
            searcher.close();
        }
    }

    private static Document doc(String text) {
        Document d = new Document();
        d.add(new TextField("text", text, Field.Store.NO));
        return d;
    }
}
