package dev.neuralsearch.ann;


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

    /**
     * The analyzer for texts in {@code language} (a BCP 47 tag such as {@code "en"} or {@code "zh-CN"}; only the
     * primary subtag counts): ENGLISH for English, CJK for Chinese, Japanese and Korean (on cmrc2018_zh bigrams
     * fuse better with the dense route than SmartChinese's words, though BM25 alone is slightly better with words:
     * benchmarks/RESULTS.md "Quality defaults"), STANDARD for null (unknown) and every other language.
     */
    public static LexicalAnalyzer forLanguage(String language) {
        if (language == null) {
            return STANDARD;
        }
        String primary = language.strip().toLowerCase(java.util.Locale.ROOT).split("[-_]", 2)[0];
        return switch (primary) {
            case "en" -> ENGLISH;
            case "zh", "ja", "ko" -> CJK;
            default -> STANDARD;
        };
    }
}
