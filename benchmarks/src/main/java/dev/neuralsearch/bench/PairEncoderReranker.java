package dev.neuralsearch.bench;

import dev.neuralsearch.core.Reranker;
import dev.neuralsearch.core.TextEncoder;
import java.util.ArrayList;
import java.util.List;

/**
 * A stand-in cross-encoder for latency measurements only: it runs a MiniLM-L6-sized transformer over each
 * {@code query + " " + passage} pair (the same architecture, hidden size and token count as
 * cross-encoder/ms-marco-MiniLM-L-6-v2, whose weights are not available on this machine) and scores the pair by
 * the dot product of the pair's vector with the query's. The cost per pair is that of a real MiniLM-L6
 * cross-encoder at the same max length, minus a 384 x 1 classification head; the scores mean nothing.
 */
final class PairEncoderReranker implements Reranker {
    private final TextEncoder encoder;

    PairEncoderReranker(TextEncoder encoder) {
        this.encoder = encoder;
    }

    @Override
    public String id() {
        return "cost-proxy(" + encoder.modelId() + ")";
    }

    @Override
    public float[] score(String query, List<String> passages) {
        List<String> pairs = new ArrayList<>(passages.size());
        for (String p : passages) {
            pairs.add(query + " " + p);
        }
        float[] q = encoder.encodeQuery(query);
        List<float[]> v = encoder.encodePassages(pairs);
        float[] out = new float[v.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = VectorData.dot(q, v.get(i));
        }
        return out;
    }

    @Override
    public void close() {
        encoder.close();
    }
}
