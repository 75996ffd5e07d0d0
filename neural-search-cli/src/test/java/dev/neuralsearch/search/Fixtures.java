package dev.neuralsearch.search;

import dev.neuralsearch.rerank.CrossEncoderReranker;
import dev.neuralsearch.testing.SharedData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/** Test models from the shared folder. */
public final class Fixtures {
    private Fixtures() {
    }

    /** The tiny XLM-R cross-encoder as a reranker; it has 64 positions, so pairs are cut at 60 tokens (XLM-R positions start at 2). */
    public static CrossEncoderReranker tinyReranker(Path dir) {
        return CrossEncoderReranker.builder(tinyXlmRoberta(dir)).maxLength(60).build();
    }

    /**
     * The tiny random-weight XLM-R cross-encoder (model.onnx + tokenizer.json), unzipped into {@code dir}.
     * Its scores mean nothing; it exercises the reranking plumbing. Skips the test when the shared folder is absent.
     */
    public static Path tinyXlmRoberta(Path dir) {
        Path zip = SharedData.require("models/fixtures/TinyXLMRoberta-CE-onnx.zip");
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
            Files.createDirectories(dir);
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                if (!e.isDirectory()) {
                    Path target = dir.resolve(Path.of(e.getName()).getFileName().toString());
                    Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

}
