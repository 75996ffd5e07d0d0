package dev.neuralsearch.ann.lexical;

import dev.neuralsearch.ann.CorruptIndexException;
import dev.neuralsearch.ann.JVectorIndex;
import dev.neuralsearch.ann.LexicalAnalyzer;
import dev.neuralsearch.ann.LexicalOptions;
import dev.neuralsearch.ann.commit.Manifest;
import dev.neuralsearch.core.Document;
import dev.neuralsearch.core.Filter;
import dev.neuralsearch.core.ScoredDocument;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexCommit;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherFactory;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.similarities.BM25Similarity;
import org.apache.lucene.store.AlreadyClosedException;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;

/**
 * The lexical route of a {@link JVectorIndex}: a Lucene index in {@code <home>/lexical/} with one Lucene document
 * per live document (id, analysed text, metadata as indexed fields). Written by the index's single writer under its
 * lock, committed by {@link JVectorIndex} just before each manifest swap; the manifest records which Lucene commit
 * belongs to it (see docs/hybrid.md).
 *
 * <p>Not thread-safe for writers (the owning index serialises them); {@link #search} may run on any thread.
 */
public final class LexicalIndex implements AutoCloseable {
    public static final String DIR = "lexical";
    public static final String ID = "_id";
    static final String TEXT = "text";
    /** Live commit data key: the manifest generation a Lucene commit was made for. */
    static final String GENERATION_KEY = "nsgen";
    /** Largest page of hits fetched at once while a widened filter is checked hit by hit. */
    private static final int MAX_PAGE = 4096;

    /** The Lucene directory of the writer; null when read-only (its {@link CommittedSearcher} opens one). */
    private final Directory dir;
    private final LexicalAnalyzer analyzerKind;
    private final Analyzer analyzer;
    private final KeepRecordedCommit policy;
    /** The writer, or null when opened read-only ({@link #openReadOnly}). */
    private final IndexWriter writer;
    /** Near-real-time searchers of the writer; null when read-only. */
    private final SearcherManager searchers;
    /** Read-only: the searcher of the commit the reader's manifest records; null for a writer. */
    private final CommittedSearcher committed;
    private final AtomicLong writes = new AtomicLong();
    private volatile long refreshedWrites;
    private boolean dirty;

    private LexicalIndex(Directory dir, LexicalAnalyzer kind, Analyzer analyzer, KeepRecordedCommit policy,
                         IndexWriter writer, SearcherManager searchers, CommittedSearcher committed) {
        this.committed = committed;
        this.dir = dir;
        this.analyzerKind = kind;
        this.analyzer = analyzer;
        this.policy = policy;
        this.writer = writer;
        this.searchers = searchers;
    }

    /**
     * Opens the Lucene index of a home at the commit {@code recorded} names (rolling back any newer commit, which a
     * crash left before its manifest swap), or creates an empty one when {@code recorded} is null.
     */
    public static LexicalIndex open(Path home, Manifest.LexicalEntry recorded, LexicalAnalyzer kind, LexicalOptions o,
                             boolean verifyChecksums) throws IOException {
        Path path = home.resolve(DIR);
        Files.createDirectories(path);
        Directory dir = FSDirectory.open(path);
        Analyzer analyzer = Analyzers.create(kind);
        try {
            String recordedName = recorded == null ? null : recorded.segmentsFile();
            KeepRecordedCommit policy = new KeepRecordedCommit(recordedName);
            BM25Similarity sim = new BM25Similarity(o.k1(), o.b());
            IndexWriterConfig cfg = new IndexWriterConfig(analyzer)
                    .setSimilarity(sim)
                    .setIndexDeletionPolicy(policy)
                    .setCommitOnClose(false);
            if (recordedName == null) {
                cfg.setOpenMode(IndexWriterConfig.OpenMode.CREATE);
            } else {
                IndexCommit commit = CommittedSearcher.find(dir, recordedName);
                if (commit == null) {
                    throw new CorruptIndexException(path.resolve(recordedName),
                            "the lexical index commit recorded in the manifest is missing");
                }
                cfg.setOpenMode(IndexWriterConfig.OpenMode.APPEND).setIndexCommit(commit);
            }
            IndexWriter writer = new IndexWriter(dir, cfg);
            SearcherManager searchers;
            try {
                searchers = new SearcherManager(writer, true, false, new SearcherFactory() {
                    @Override
                    public IndexSearcher newSearcher(org.apache.lucene.index.IndexReader reader,
                                                     org.apache.lucene.index.IndexReader previous) {
                        IndexSearcher s = new IndexSearcher(reader);
                        s.setSimilarity(sim);
                        return s;
                    }
                });
                if (verifyChecksums) {
                    IndexSearcher s = searchers.acquire();
                    try {
                        for (LeafReaderContext leaf : s.getIndexReader().leaves()) {
                            leaf.reader().checkIntegrity();
                        }
                    } finally {
                        searchers.release(s);
                    }
                }
            } catch (IOException | RuntimeException e) {
                writer.rollback();
                throw e;
            }
            return new LexicalIndex(dir, kind, analyzer, policy, writer, searchers, null);
        } catch (org.apache.lucene.index.CorruptIndexException e) {
            analyzer.close();
            dir.close();
            throw new CorruptIndexException(path, "lexical index is corrupted: " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            analyzer.close();
            dir.close();
            throw e;
        }
    }

    /**
     * Opens the Lucene commit {@code recorded} names for searching only: no writer, no lock, nothing written. The
     * writer of the home may delete that commit's files later; the open reader keeps reading them (POSIX keeps an
     * unlinked file readable while it is open or mapped). {@link #reopen} moves to a newer commit.
     *
     * @throws java.nio.file.NoSuchFileException the commit is gone (a writer moved on since the manifest was read)
     */
    public static LexicalIndex openReadOnly(Path home, Manifest.LexicalEntry recorded, LexicalAnalyzer kind, LexicalOptions o)
            throws IOException {
        Analyzer analyzer = Analyzers.create(kind);
        BM25Similarity sim = new BM25Similarity(o.k1(), o.b());
        LexicalIndex index = new LexicalIndex(null, kind, analyzer, null, null, null,
                new CommittedSearcher(home.resolve(DIR), sim));
        try {
            index.reopen(recorded);
            return index;
        } catch (IOException | RuntimeException e) {
            index.close();
            throw e;
        }
    }

    /** Read-only: moves to the commit {@code recorded} names (null: none, an empty route). */
    public void reopen(Manifest.LexicalEntry recorded) throws IOException {
        if (writer != null) {
            throw new IllegalStateException("reopen is for read-only lexical indexes");
        }
        committed.reopen(recorded);
    }

    /** A searcher to use and give back with {@link #release}, or null when there is nothing to search. */
    private IndexSearcher acquire() throws IOException {
        if (searchers != null) {
            return searchers.acquire();
        }
        return committed.acquire();
    }

    private void release(IndexSearcher s) throws IOException {
        if (s == null) {
            return;
        }
        if (searchers != null) {
            searchers.release(s);
        } else {
            CommittedSearcher.release(s);
        }
    }

    public LexicalAnalyzer analyzer() {
        return analyzerKind;
    }

    /** Adds or replaces documents (by id). */
    public void update(List<Document> docs) {
        try {
            for (Document d : docs) {
                writer.updateDocument(new Term(ID, d.id()), LexicalQueries.toLucene(d));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("lexical index: " + e.getMessage(), e);
        }
        dirty = true;
        writes.incrementAndGet();
    }

    public void delete(Collection<String> ids) {
        if (ids.isEmpty()) {
            return;
        }
        Term[] terms = ids.stream().map(id -> new Term(ID, id)).toArray(Term[]::new);
        try {
            writer.deleteDocuments(terms);
        } catch (IOException e) {
            throw new UncheckedIOException("lexical index: " + e.getMessage(), e);
        }
        dirty = true;
        writes.incrementAndGet();
    }

    /**
     * Whether the Lucene writer has closed itself: Lucene does so when a flush fails (a full disk, say), dropping
     * the documents it had not committed. The owning index then reopens this index at the recorded commit and
     * replays its uncommitted changes.
     */
    public boolean failed() {
        return writer != null && !writer.isOpen();
    }

    /** Whether there are changes since the last commit. */
    public boolean dirty() {
        return dirty;
    }

    /**
     * Commits the Lucene index for manifest generation {@code generation} (first half of a two-phase commit): after
     * this the commit is durable but not yet the one the index opens at; {@link #recorded} makes it so once the
     * manifest that names it has been swapped in.
     */
    public Manifest.LexicalEntry commit(long generation) throws IOException {
        writer.setLiveCommitData(Map.of(GENERATION_KEY, Long.toString(generation)).entrySet());
        try {
            writer.commit();
        } catch (IOException e) {
            throw new IOException("committing the lexical index failed: " + e.getMessage(), e);
        }
        dirty = false;
        try {
            // the searchers' view follows the commit (it writes nothing now: the commit flushed everything), so
            // that searches while a later refresh cannot flush (a full disk) see at least this commit
            searchers.maybeRefreshBlocking();
            refreshedWrites = writes.get();
        } catch (IOException | AlreadyClosedException e) {
            // searches refresh again
        }
        IndexCommit c = latestCommit();
        long docs;
        try (DirectoryReader r = DirectoryReader.open(c)) {
            docs = r.numDocs();
        }
        return new Manifest.LexicalEntry(analyzerKind.name(), c.getSegmentsFileName(), c.getGeneration(), docs);
    }

    private IndexCommit latestCommit() throws IOException {
        List<IndexCommit> commits = DirectoryReader.listCommits(dir);
        return commits.get(commits.size() - 1);
    }

    /** The manifest naming {@code e} is now the commit point: older Lucene commits may go at the next commit. */
    public void recorded(Manifest.LexicalEntry e) {
        policy.record(e.segmentsFile());
    }

    /**
     * The k best live documents for {@code text} among those matching {@code filter}, with BM25 scores.
     *
     * <p>Every filter the vector route takes works here with the same result: the Lucene query carries the part of
     * the filter that the indexed fields can answer, widened where they cannot ({@link LexicalQueries#superset}: substring and
     * text-range conditions, numbers that a double cannot tell apart, strings too long to index), and each hit is
     * then checked with {@link Filter#matches} on the document's stored metadata ({@code live} looks it up), paging
     * down the ranking until k documents passed or the hits run out. A filter the fields answer exactly costs one
     * page of k; a widened one costs as many hits as it takes to find k that match.
     */
    public List<ScoredDocument> search(String text, int k, Filter filter, Function<String, Optional<Document>> live) {
        boolean exact = filter.matchesAll() || LexicalQueries.exact(filter);
        Query q = LexicalQueries.buildQuery(analyzer, text, filter.matchesAll() ? null : LexicalQueries.superset(filter));
        if (q == null || k == 0) {
            return List.of();
        }
        try {
            long w = writes.get();
            if (searchers != null && w != refreshedWrites) {
                try {
                    searchers.maybeRefreshBlocking();
                    refreshedWrites = w;
                } catch (IOException | AlreadyClosedException e) {
                    // the refresh flushes buffered documents, which a full disk refuses (and Lucene then closes the
                    // writer): search the last view, whose hits are still checked against the live documents; the
                    // owning index reopens the writer at its next write (see failed())
                }
            }
            IndexSearcher s = acquire();
            if (s == null) {
                return List.of();
            }
            try {
                List<ScoredDocument> out = new ArrayList<>(Math.min(k, 1024));
                var stored = s.storedFields();
                int page = exact ? k : (int) Math.max(64, Math.min(2L * k, MAX_PAGE));
                ScoreDoc after = null;
                while (true) {
                    TopDocs top = after == null ? s.search(q, page) : s.searchAfter(after, q, page);
                    for (ScoreDoc sd : top.scoreDocs) {
                        // a document deleted since the Lucene refresh is skipped
                        Optional<Document> d = live.apply(stored.document(sd.doc).get(ID));
                        if (d.isPresent() && (filter.matchesAll() || filter.matches(d.get().metadata()))) {
                            out.add(new ScoredDocument(d.get(), sd.score));
                            if (out.size() == k) {
                                return out;
                            }
                        }
                    }
                    if (top.scoreDocs.length < page) {
                        return out;
                    }
                    after = top.scoreDocs[top.scoreDocs.length - 1];
                    page = (int) Math.min(page * 2L, MAX_PAGE);
                }
            } finally {
                release(s);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("lexical search failed: " + e.getMessage(), e);
        }
    }

    /** Ids of all live documents (for tests and consistency checks). */
    public java.util.Set<String> ids() throws IOException {
        if (searchers != null) {
            searchers.maybeRefreshBlocking();
        }
        IndexSearcher s = acquire();
        try {
            java.util.Set<String> ids = new java.util.HashSet<>();
            if (s == null) {
                return ids;
            }
            TopDocs all = s.search(new MatchAllDocsQuery(), Math.max(1, s.getIndexReader().numDocs()));
            var stored = s.storedFields();
            for (ScoreDoc sd : all.scoreDocs) {
                ids.add(stored.document(sd.doc).get(ID));
            }
            return ids;
        } finally {
            release(s);
        }
    }

    /** Discards uncommitted changes and closes (the index never commits on close). */
    @Override
    public void close() {
        try {
            if (searchers != null) {
                searchers.close();
            }
            if (committed != null) {
                committed.close();
            }
        } catch (IOException ignored) {
            // closing anyway
        }
        try {
            if (writer != null) {
                writer.rollback();
            }
        } catch (IOException | RuntimeException ignored) {
            // the next open rolls back to the recorded commit anyway
        }
        analyzer.close();
        try {
            if (dir != null) {
                dir.close();
            }
        } catch (IOException ignored) {
            // nothing left to do
        }
    }
}
