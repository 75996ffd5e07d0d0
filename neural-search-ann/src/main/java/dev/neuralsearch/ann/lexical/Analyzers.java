package dev.neuralsearch.ann.lexical;

import dev.neuralsearch.ann.LexicalAnalyzer;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.cjk.CJKAnalyzer;
import org.apache.lucene.analysis.cn.smart.SmartChineseAnalyzer;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.standard.StandardAnalyzer;

/** The Lucene analyzer of each {@link LexicalAnalyzer} (kept out of the public enum, which names no Lucene type). */
final class Analyzers {
    private Analyzers() {
    }

    static Analyzer create(LexicalAnalyzer kind) {
        return switch (kind) {
            case STANDARD -> new StandardAnalyzer();
            case ENGLISH -> new EnglishAnalyzer();
            case CHINESE -> new SmartChineseAnalyzer();
            case CJK -> new CJKAnalyzer();
        };
    }
}
