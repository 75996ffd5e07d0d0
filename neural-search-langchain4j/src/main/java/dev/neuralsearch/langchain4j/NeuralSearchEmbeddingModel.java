package dev.neuralsearch.langchain4j;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.request.EmbeddingInput;
import dev.langchain4j.model.embedding.request.EmbeddingInputType;
import dev.langchain4j.model.embedding.request.EmbeddingParameter;
import dev.langchain4j.model.embedding.request.EmbeddingRequestParameters;
import dev.langchain4j.model.embedding.request.EmbeddingRequest;
import dev.langchain4j.model.embedding.response.EmbeddingResponse;
import dev.langchain4j.model.output.TokenUsage;
import dev.neuralsearch.core.TextEncoder;
import dev.neuralsearch.encoder.BiEncoder;
import dev.neuralsearch.encoder.EncodedText;
import dev.neuralsearch.encoder.TextRole;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A LangChain4j {@link EmbeddingModel} over a neural-search {@link TextEncoder} (usually a {@link BiEncoder}).
 *
 * <p>Texts are encoded as passages (the model's passage prefix, e.g. {@code "passage: "} for e5), unless the
 * request says {@link EmbeddingInputType#QUERY} or the model was made with {@link #forQueries}. Asymmetric
 * models (bge with its query instruction, e5) need the right role: use {@code forQueries} for the model you
 * give to LangChain4j's {@code EmbeddingStoreContentRetriever}, or use {@link NeuralSearchContentRetriever},
 * which encodes queries itself.
 *
 * <p>Token usage: with a {@link BiEncoder} the response carries the number of input tokens (special tokens and
 * prefix included, after truncation); other encoders report none. Does not close the encoder.
 */
public final class NeuralSearchEmbeddingModel implements EmbeddingModel {

    private final TextEncoder encoder;
    private final TextRole defaultRole;

    private NeuralSearchEmbeddingModel(TextEncoder encoder, TextRole defaultRole) {
        this.encoder = Objects.requireNonNull(encoder, "encoder");
        this.defaultRole = defaultRole;
    }

    /** Encodes texts as passages (documents), unless a request asks for queries. */
    public static NeuralSearchEmbeddingModel of(TextEncoder encoder) {
        return new NeuralSearchEmbeddingModel(encoder, TextRole.PASSAGE);
    }

    /** Encodes texts as queries, unless a request asks for documents. */
    public static NeuralSearchEmbeddingModel forQueries(TextEncoder encoder) {
        return new NeuralSearchEmbeddingModel(encoder, TextRole.QUERY);
    }

    public TextEncoder encoder() {
        return encoder;
    }

    @Override
    public EmbeddingResponse doEmbed(EmbeddingRequest request) {
        List<String> texts = new ArrayList<>(request.inputs().size());
        for (EmbeddingInput input : request.inputs()) {
            texts.add(input.text());
        }
        TextRole role = request.inputType() == EmbeddingInputType.QUERY ? TextRole.QUERY
                : request.inputType() == EmbeddingInputType.DOCUMENT ? TextRole.PASSAGE : defaultRole;
        List<Embedding> embeddings = new ArrayList<>(texts.size());
        TokenUsage usage = null;
        if (encoder instanceof BiEncoder bi) {
            int tokens = 0;
            for (EncodedText e : bi.encodeAll(texts, role, null)) {
                embeddings.add(Embedding.from(e.vector()));
                tokens += e.tokenCount();
            }
            usage = new TokenUsage(tokens);
        } else {
            List<float[]> vectors = role == TextRole.QUERY ? encoder.encodeQueries(texts) : encoder.encodePassages(texts);
            for (float[] v : vectors) {
                embeddings.add(Embedding.from(v));
            }
        }
        return EmbeddingResponse.builder().embeddings(embeddings).modelName(modelName()).tokenUsage(usage).build();
    }

    /** {@code inputType} (QUERY or DOCUMENT) picks the encoder's query or passage role per request. */
    @Override
    public Set<EmbeddingParameter<?>> supportedParameters() {
        return Set.of(EmbeddingRequestParameters.INPUT_TYPE);
    }

    @Override
    public int dimension() {
        return encoder.dimension();
    }

    @Override
    public String modelName() {
        return encoder.modelId();
    }

    @Override
    public String toString() {
        return "NeuralSearchEmbeddingModel[" + encoder.modelId() + ", " + defaultRole + "]";
    }
}
