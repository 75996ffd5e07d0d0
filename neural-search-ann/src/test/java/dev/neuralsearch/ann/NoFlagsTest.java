package dev.neuralsearch.ann;

import dev.neuralsearch.ann.store.ChronicleAvailability;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A host application that starts its JVM with no flags at all (plain {@code java -cp}) gets a working index on every
 * installed JDK: create, add, commit, reopen, dense, filtered, lexical and hybrid queries, through {@code NeuralSearch}
 * and through {@link JVectorIndex} directly ({@link NoFlagsHost} runs in the child). The document store is then the
 * segment files, announced by one INFO line naming the flags; with those flags it is Chronicle Map.
 */
class NoFlagsTest {
    @TempDir
    Path tmp;

    @Test
    void everyDefaultPathWorksWithoutJvmFlagsOnEveryInstalledJdk() throws Exception {
        for (Path jdk : ForkedJvm.installedJdks()) {
            Path home = tmp.resolve("home-" + jdk.getFileName());
            ForkedJvm.Result r = ForkedJvm.run(jdk, List.of(), 180, NoFlagsHost.class, home.toString(), "AUTO");
            assertThat(r.exitCode()).as("%s: %s", jdk, r).isZero();
            assertThat(r.lines()).as("%s: %s", jdk, r).containsExactly(
                    "dense 1,2",
                    "filtered 3",
                    "lexical 2",
                    "hybrid 1,3,2",
                    "get 3 Neutron stars are the remnants of supernovae.",
                    "store SEGMENT_FILES",
                    "index-lexical 3",
                    "index-dense 2 Yeast makes bread rise by releasing carbon dioxide.",
                    "done");
            List<String> info = r.stderr().lines().filter(l -> l.contains("dev.neuralsearch.ann.store.DocumentStores")).toList();
            assertThat(info).as("%s: %s", jdk, r).hasSize(1);
            assertThat(info.get(0)).contains("INFO", "document store = segment files",
                    "--add-opens=java.base/java.lang=ALL-UNNAMED",
                    "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED", "JVM flags");
            assertThat(r.stderr()).as("%s", jdk).doesNotContain("ExceptionInInitializerError", "net.openhft");
            // the Vector API scoring: an accelerator on Java 22+ only, and then announced once
            List<String> vectorInfo = r.stderr().lines()
                    .filter(l -> l.contains("dev.neuralsearch.ann.vector.Vectorization")).toList();
            if (featureVersion(jdk) >= 22) {
                assertThat(vectorInfo).as("%s: %s", jdk, r).hasSize(1);
                assertThat(vectorInfo.get(0)).contains("INFO", "--add-modules jdk.incubator.vector");
            } else {
                assertThat(vectorInfo).as("%s: %s", jdk, r).isEmpty();
            }
            assertThat(home.resolve("store")).doesNotExist();
        }
    }

    /** JAVA_VERSION of the JDK's {@code release} file: "17.0.15" is 17. */
    private static int featureVersion(Path jdk) throws java.io.IOException {
        for (String line : java.nio.file.Files.readAllLines(jdk.resolve("release"))) {
            if (line.startsWith("JAVA_VERSION=")) {
                String v = line.substring("JAVA_VERSION=".length()).replace("\"", "");
                return Integer.parseInt(v.split("[.+-]")[0]);
            }
        }
        throw new IllegalStateException("no JAVA_VERSION in " + jdk.resolve("release"));
    }

    @Test
    void chronicleAskedForWithoutFlagsIsAClearErrorNamingThem() throws Exception {
        ForkedJvm.Result r = ForkedJvm.run(ForkedJvm.currentJdk(), List.of(), 180, NoFlagsHost.class,
                tmp.resolve("home").toString(), "CHRONICLE");
        assertThat(r.exitCode()).as("%s", r).isNotZero();
        assertThat(r.stderr()).as("%s", r).contains("IllegalStateException: documentStore=CHRONICLE, but Chronicle Map"
                + " cannot run in this JVM", "--add-opens=java.base/java.lang=ALL-UNNAMED")
                .doesNotContain("ExceptionInInitializerError", "InaccessibleObjectException");
    }

    @Test
    void withTheReadmeFlagsTheStoreIsChronicleAndNothingIsLogged() throws Exception {
        Path home = tmp.resolve("home");
        ForkedJvm.Result r = ForkedJvm.run(ForkedJvm.currentJdk(), ChronicleAvailability.FLAGS, 180,
                NoFlagsHost.class, home.toString(), "AUTO");
        assertThat(r.exitCode()).as("%s", r).isZero();
        assertThat(r.lines()).as("%s", r).contains("dense 1,2", "hybrid 1,3,2", "store CHRONICLE", "done");
        assertThat(r.stderr()).doesNotContain("dev.neuralsearch.ann.store.DocumentStores");
        assertThat(home.resolve("store").resolve("docs-0.cmap")).exists();
    }
}
