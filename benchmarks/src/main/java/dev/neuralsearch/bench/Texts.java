package dev.neuralsearch.bench;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A fixed slice of texts cut to a model's max length, with the token count and useful FLOP of each, so the
 * counters both sides report are computed once, the same way.
 */
public final class Texts {
    public final EncoderModel model;
    public final List<String> texts;
    /** Tokens each text becomes, [CLS] and [SEP] included. */
    public final int[] tokens;
    public final long totalTokens;
    public final double totalFlops;
    /** How many texts were longer than the model's max and were cut. */
    public final int cut;

    private Texts(EncoderModel model, List<String> texts, int[] tokens, int cut) {
        this.model = model;
        this.texts = List.copyOf(texts);
        this.tokens = tokens;
        long sum = 0;
        double flops = 0;
        for (int t : tokens) {
            sum += t;
            flops += model.flops(t);
        }
        this.totalTokens = sum;
        this.totalFlops = flops;
        this.cut = cut;
    }

    /** The first {@code count} texts of {@code source}, each cut to at most {@code model.maxTokens} tokens. */
    public static Texts of(EncoderModel model, List<String> source, int count) {
        List<String> slice = source.subList(0, Math.min(count, source.size()));
        int limit = model.maxTokens - 2;
        List<String> out = new ArrayList<>(slice.size());
        int[] tokens = new int[slice.size()];
        int cut = 0;
        try (HuggingFaceTokenizer tok = tokenizer(model)) {
            for (int i = 0; i < slice.size(); i++) {
                String text = slice.get(i);
                Encoding e = tok.encode(text, false, false);
                int n = e.getIds().length;
                if (n > limit) {
                    CharSpan[] spans = e.getCharTokenSpans();
                    text = text.substring(0, spans[limit - 1].getEnd());
                    n = tok.encode(text, false, false).getIds().length;
                    cut++;
                }
                out.add(text);
                tokens[i] = Math.min(n, limit) + 2;
            }
        }
        return new Texts(model, out, tokens, cut);
    }

    /** The model's packaged tokenizer with its own truncation and padding switched off. */
    static HuggingFaceTokenizer tokenizer(EncoderModel model) {
        try (InputStream in = Texts.class.getClassLoader().getResourceAsStream(model.tokenizerResource)) {
            if (in == null) {
                throw new IllegalStateException(model.tokenizerResource + " not on the classpath");
            }
            return HuggingFaceTokenizer.newInstance(in, Map.of("truncation", "false", "padding", "false",
                    "addSpecialTokens", "false"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int size() {
        return texts.size();
    }

    @Override
    public String toString() {
        return String.format("%d texts, %d tokens (%.1f per text), %d cut to %d tokens, %.3g useful FLOP",
                size(), totalTokens, totalTokens / (double) size(), cut, model.maxTokens, totalFlops);
    }
}
