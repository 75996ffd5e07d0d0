package dev.neuralsearch.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --model}: a preset name or a model directory. */
final class ModelOption {
    @Option(names = {"-m", "--model"}, paramLabel = "<model>",
            description = "A preset (bge-small-en-v1.5, bge-small-zh-v1.5, all-minilm-l6-v2, e5-small-v2; add -q for"
                    + " int8) or a directory with model.onnx and tokenizer.json. Default: the model recorded in the"
                    + " index home, or " + Components.DEFAULT_MODEL + " for a new one.")
    String model;

    /** For commands that may create a home: the option, else the home's model, else the default. */
    String resolve(Path home) {
        if (model != null) {
            return model;
        }
        return Components.indexedModel(home).orElse(Components.DEFAULT_MODEL);
    }

    /** For commands that need an existing home: the option, else the home's model. */
    String resolveExisting(Path home) {
        if (model != null) {
            if (!java.nio.file.Files.isRegularFile(home.resolve("manifest.json"))) {
                Components.requireHome(home);
            }
            return model;
        }
        return Components.requireHome(home).modelId();
    }
}
