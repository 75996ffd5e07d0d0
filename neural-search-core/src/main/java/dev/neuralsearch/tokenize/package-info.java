/**
 * Tokenization: <b>API</b>. {@link dev.neuralsearch.tokenize.TextTokenizer} is returned by {@code
 * BiEncoder.tokenizer()} and usable on its own (e.g. to count tokens before encoding), {@link
 * dev.neuralsearch.tokenize.TokenizedText} is what it and {@code CrossEncoderReranker.tokenize} return, and
 * {@link dev.neuralsearch.tokenize.TokenizerException} is thrown for an unreadable {@code tokenizer.json}.
 * The DJL settings that keep tokenizers off the network are package-private.
 */
package dev.neuralsearch.tokenize;
