package dev.neuralsearch.ann;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.cjk.CJKAnalyzer;
import org.apache.lucene.analysis.cn.smart.SmartChineseAnalyzer;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.standard.StandardAnalyzer;

/**
 * How the lexical (BM25) route of a {@link JVectorIndex} splits text into terms. Chosen when an index home is
 * created and recorded in its manifest: changing it needs a re-index.
 */
public enum LexicalAnalyzer {
    /** Lucene's {@code StandardAnalyzer}: Unicode word breaks, lower case, no stemming, no stop words. */
    STANDARD,
    /** Lucene's {@code EnglishAnalyzer}: standard tokens, possessives, English stop words, Porter stemming. */
    ENGLISH,
    /** Lucene's {@code SmartChineseAnalyzer}: HMM word segmentation of Simplified Chinese. */
    CHINESE,
    /** Lucene's {@code CJKAnalyzer}: overlapping bigrams of Chinese, Japanese and Korean characters. */
    CJK;

    Analyzer create() {
        return switch (this) {
            case STANDARD -> new StandardAnalyzer();
            case ENGLISH -> new EnglishAnalyzer();
            case CHINESE -> new SmartChineseAnalyzer();
            case CJK -> new CJKAnalyzer();
        };
    }
}
