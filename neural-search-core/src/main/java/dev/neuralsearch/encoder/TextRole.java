package dev.neuralsearch.encoder;

/** Whether a text is a search query or an indexed passage; decides which prefix it gets. */
public enum TextRole {
    QUERY,
    PASSAGE
}
