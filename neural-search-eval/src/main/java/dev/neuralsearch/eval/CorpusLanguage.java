package dev.neuralsearch.eval;

import java.util.Collection;

/**
 * Guesses a corpus's language from its script, for when the model does not say ({@code ModelSpec.language()} null):
 * "zh" when at least 20 % of the letters are Han characters, else null (unknown). Only Han is recognised: telling
 * English from other Latin-script languages needs more than the script, and a wrong stemmer is worse than none.
 */
public final class CorpusLanguage {

    /** Letters looked at, at most (the passages are read in order). */
    static final int SAMPLE_LETTERS = 200_000;

    private CorpusLanguage() {
    }

    /** "zh" for a mostly-Han corpus, else null. */
    public static String detect(Collection<String> passages) {
        long letters = 0;
        long han = 0;
        outer:
        for (String p : passages) {
            for (int i = 0; i < p.length(); ) {
                int cp = p.codePointAt(i);
                i += Character.charCount(cp);
                if (Character.isLetter(cp)) {
                    letters++;
                    if (Character.UnicodeScript.of(cp) == Character.UnicodeScript.HAN) {
                        han++;
                    }
                    if (letters >= SAMPLE_LETTERS) {
                        break outer;
                    }
                }
            }
        }
        return letters > 0 && han * 5 >= letters ? "zh" : null;
    }
}
