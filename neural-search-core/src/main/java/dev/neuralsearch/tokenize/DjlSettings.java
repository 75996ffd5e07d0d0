package dev.neuralsearch.tokenize;

/**
 * Keeps DJL from reaching the network. Applied before the first DJL tokenizer class is used.
 *
 * <p>DJL 0.38 reads these through {@code ai.djl.util.Utils}: {@code Utils.isOfflineMode()} is true when the
 * environment variable {@code DJL_OFFLINE} or the system property {@code ai.djl.offline} (or {@code offline})
 * is {@code true}; {@code Ec2Utils.callHome} (called by {@code HuggingFaceTokenizer.newInstance}) returns
 * at once in offline mode or when {@code OPT_OUT_TRACKING} (environment variable or system property) is
 * {@code true}; in offline mode the tokenizers native library is never downloaded (it is in the jar for
 * linux-x86_64, linux-aarch64, osx-aarch64 and win-x86_64). The generic property {@code offline} is not
 * set, since other libraries may read it. {@code RUST_FLAVOR=cpu} picks the CPU build of the native
 * tokenizer library without probing for CUDA. Values the user has set are kept.
 */
final class DjlSettings {
    private DjlSettings() {
    }

    static void applyOfflineDefaults() {
        setIfAbsent("ai.djl.offline", "true");
        setIfAbsent("OPT_OUT_TRACKING", "true");
        // Tokenizers only need the CPU build of the native library; without this DJL probes the CUDA driver
        // on every start (and logs a warning on machines without a GPU).
        setIfAbsent("RUST_FLAVOR", "cpu");
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
