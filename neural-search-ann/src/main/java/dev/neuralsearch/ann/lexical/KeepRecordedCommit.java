package dev.neuralsearch.ann.lexical;

import java.util.List;
import org.apache.lucene.index.IndexCommit;
import org.apache.lucene.index.IndexDeletionPolicy;

/**
 * Keeps the Lucene commit the current manifest records (so that a crash between a Lucene commit and the manifest
 * swap can go back to it) and the newest one; deletes every other commit.
 */
final class KeepRecordedCommit extends IndexDeletionPolicy {
    private volatile String recorded;

    KeepRecordedCommit(String recorded) {
        this.recorded = recorded;
    }

    @Override
    public void onInit(List<? extends IndexCommit> commits) {
        // at open only the recorded commit is wanted; newer ones were never acknowledged by a manifest
        for (IndexCommit c : commits) {
            if (!c.getSegmentsFileName().equals(recorded)) {
                c.delete();
            }
        }
    }

    @Override
    public void onCommit(List<? extends IndexCommit> commits) {
        for (int i = 0; i < commits.size() - 1; i++) {
            IndexCommit c = commits.get(i);
            if (!c.getSegmentsFileName().equals(recorded)) {
                c.delete();
            }
        }
    }

    /** The manifest naming {@code segmentsFile} is now the commit point: older Lucene commits may go. */
    void record(String segmentsFile) {
        recorded = segmentsFile;
    }
}
