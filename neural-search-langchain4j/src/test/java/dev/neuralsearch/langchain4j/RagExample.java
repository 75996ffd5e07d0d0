package dev.neuralsearch.langchain4j;

import dev.langchain4j.data.document.Document;
import dev.langchain4j.data.document.Metadata;
import dev.langchain4j.data.document.splitter.DocumentSplitters;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.store.embedding.EmbeddingStoreIngestor;
import dev.neuralsearch.encoder.BiEncoder;
import dev.neuralsearch.encoder.Presets;
import java.nio.file.Path;
import java.util.List;

/**
 * The README's RAG example, compiled and run by {@code RagExampleTest}: documents are split and ingested into a
 * {@link NeuralSearchEmbeddingStore} with our {@link NeuralSearchEmbeddingModel}; an {@code AiServices}
 * assistant answers with context from a {@link NeuralSearchContentRetriever}. The chat model here is a stand-in
 * that needs no network: it echoes the prompt it gets, so the retrieved context is visible in the answer.
 */
public final class RagExample {

    /** The AI service. */
    interface Assistant {
        String answer(String question);
    }

    /** Echoes the last user message, which AiServices has augmented with the retrieved contents. */
    static final class EchoChatModel implements ChatModel {
        @Override
        public ChatResponse doChat(ChatRequest request) {
            List<ChatMessage> messages = request.messages();
            ChatMessage last = messages.get(messages.size() - 1);
            String text = last instanceof UserMessage u ? u.singleText() : String.valueOf(last);
            return ChatResponse.builder().aiMessage(AiMessage.from(text)).build();
        }
    }

    static final List<Document> DOCUMENTS = List.of(
            Document.from("The Eiffel Tower was completed in 1889 for the World's Fair in Paris. "
                    + "It is 330 metres tall.", Metadata.from("topic", "landmarks")),
            Document.from("Photosynthesis converts light energy into chemical energy stored in glucose. "
                    + "It takes place in the chloroplasts of plant cells.", Metadata.from("topic", "biology")),
            Document.from("The Great Wall of China is a series of fortifications built over many centuries "
                    + "to protect against raids.", Metadata.from("topic", "landmarks")));

    private RagExample() {
    }

    /** Ingests {@link #DOCUMENTS} into an index at {@code home} and asks one question. */
    static String ask(BiEncoder encoder, Path home, String question) {
        try (NeuralSearchEmbeddingStore store = NeuralSearchEmbeddingStore.builder()
                .home(home)
                .schemaOf(encoder)          // model id, dimension, similarity of the encoder
                .build()) {

            EmbeddingStoreIngestor.builder()
                    .documentSplitter(DocumentSplitters.recursive(300, 0))
                    .embeddingModel(NeuralSearchEmbeddingModel.of(encoder))
                    .embeddingStore(store)
                    .build()
                    .ingest(DOCUMENTS);

            NeuralSearchContentRetriever retriever = NeuralSearchContentRetriever.builder()
                    .encoder(encoder)       // queries get the model's query prefix
                    .store(store)
                    // .reranker(CrossEncoderReranker.load(rerankerDir))   // optional second stage
                    .maxResults(1)
                    .minScore(0.6)
                    .build();
            try {
                Assistant assistant = AiServices.builder(Assistant.class)
                        .chatModel(new EchoChatModel())   // any LangChain4j ChatModel
                        .contentRetriever(retriever)
                        .build();
                return assistant.answer(question);
            } finally {
                retriever.close();
            }
        }
    }

    public static void main(String[] args) {
        try (BiEncoder encoder = BiEncoder.load(Presets.ALL_MINILM_L6_V2_Q)) {
            System.out.println(ask(encoder, Path.of(args.length > 0 ? args[0] : "rag-example-index"),
                    "When was the Eiffel Tower built?"));
        }
    }
}
