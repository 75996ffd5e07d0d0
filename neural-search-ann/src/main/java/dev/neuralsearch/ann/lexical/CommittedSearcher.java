package dev.neuralsearch.ann.lexical;

import dev.neuralsearch.ann.commit.Manifest;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Map;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexCommit;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.similarities.BM25Similarity;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;

/**
 * The searcher of a read-only lexical index: the Lucene commit its manifest records, opened without a writer, and
 * moved to a newer commit by {@link #reopen}. Searches hold a reference to the reader they started on.
 */
final class CommittedSearcher {
    private final Path dirPath;
    private final BM25Similarity similarity;
    /** Opened when a commit first exists (opening creates the directory). */
    private Directory dir;
    /** The searcher of the recorded commit, or null: no commit yet, so no documents. */
    private volatile IndexSearcher committed;

    CommittedSearcher(Path dirPath, BM25Similarity similarity) {
        this.dirPath = dirPath;
        this.similarity = similarity;
    }

    /** The commit of {@code dir} whose segments file is {@code segmentsFile}, or null. */
    static IndexCommit find(Directory dir, String segmentsFile) throws IOException {
        IndexCommit commit = null;
        if (DirectoryReader.indexExists(dir)) {
            for (IndexCommit c : DirectoryReader.listCommits(dir)) {
                if (c.getSegmentsFileName().equals(segmentsFile)) {
                    commit = c;
                }
            }
        }
        return commit;
    }

    /**
     * The commit whose segments file is {@code segmentsFile}, read alone; null if that file is gone. Why not
     * {@link #find}: a reader runs beside a writer that deletes older commits (and, after a crash, commits the
     * manifest never recorded), and {@code DirectoryReader.listCommits} parses every commit in the directory, so a
     * commit deleted while it was parsed failed the refresh with Lucene's "Unexpected file read error" although the
     * recorded commit was intact.
     */
    static IndexCommit recorded(Directory dir, String segmentsFile) throws IOException {
        SegmentInfos infos;
        try {
            infos = SegmentInfos.readCommit(dir, segmentsFile);
        } catch (NoSuchFileException | FileNotFoundException e) {
            return null;
        }
        return new RecordedCommit(dir, infos);
    }

    /** One commit read by {@link #recorded}; the reader opens it by its segments file name. */
    private static final class RecordedCommit extends IndexCommit {
        private final Directory dir;
        private final SegmentInfos infos;

        RecordedCommit(Directory dir, SegmentInfos infos) {
            this.dir = dir;
            this.infos = infos;
        }

        @Override
        public String getSegmentsFileName() {
            return infos.getSegmentsFileName();
        }

        @Override
        public Collection<String> getFileNames() throws IOException {
            return infos.files(true);
        }

        @Override
        public Directory getDirectory() {
            return dir;
        }

        @Override
        public void delete() {
            throw new UnsupportedOperationException("a reader never deletes commits");
        }

        @Override
        public boolean isDeleted() {
            return false;
        }

        @Override
        public int getSegmentCount() {
            return infos.size();
        }

        @Override
        public long getGeneration() {
            return infos.getGeneration();
        }

        @Override
        public Map<String, String> getUserData() {
            return infos.getUserData();
        }
    }

    /** Moves to the commit {@code recorded} names (null: none, an empty route). */
    void reopen(Manifest.LexicalEntry recorded) throws IOException {
        IndexSearcher old = committed;
        if (recorded == null) {
            committed = null;
        } else {
            if (dir == null) {
                dir = FSDirectory.open(dirPath);
            }
            IndexCommit commit = recorded(dir, recorded.segmentsFile());
            if (commit == null) {
                throw new java.nio.file.NoSuchFileException(recorded.segmentsFile(), null,
                        "the lexical commit the manifest records is gone");
            }
            DirectoryReader next = old == null ? DirectoryReader.open(commit)
                    : DirectoryReader.openIfChanged((DirectoryReader) old.getIndexReader(), commit);
            if (next == null) {
                return; // the same commit
            }
            IndexSearcher s = new IndexSearcher(next);
            s.setSimilarity(similarity);
            committed = s;
        }
        if (old != null) {
            old.getIndexReader().decRef(); // closes once the searches that hold it are done
        }
    }

    /** The current searcher with a reference taken (give it back with {@link #release}), or null. */
    IndexSearcher acquire() {
        while (true) {
            IndexSearcher s = committed;
            if (s == null || s.getIndexReader().tryIncRef()) {
                return s;
            }
        }
    }

    static void release(IndexSearcher s) throws IOException {
        s.getIndexReader().decRef();
    }

    void close() throws IOException {
        IndexSearcher s = committed;
        committed = null;
        try {
            if (s != null) {
                s.getIndexReader().decRef();
            }
        } finally {
            if (dir != null) {
                dir.close();
            }
        }
    }
}
