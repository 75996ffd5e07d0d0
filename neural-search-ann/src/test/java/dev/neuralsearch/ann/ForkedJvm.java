package dev.neuralsearch.ann;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs a main class of the test class path in a child JVM with exactly the flags given: surefire hands its own JVM
 * the build's module flags, so what a host application sees with none must be tried in a JVM of its own.
 */
final class ForkedJvm {
    record Result(int exitCode, String stdout, String stderr) {
        List<String> lines() {
            return stdout.lines().toList();
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
        }
    }

    private ForkedJvm() {
    }

    /** The running JDK's home. */
    static Path currentJdk() {
        return Path.of(System.getProperty("java.home"));
    }

    /** The running JDK and every other JDK installed under /usr/lib/jvm (one per real path). */
    static List<Path> installedJdks() {
        Set<Path> homes = new LinkedHashSet<>();
        homes.add(realPath(currentJdk()));
        Path jvms = Path.of("/usr/lib/jvm");
        if (Files.isDirectory(jvms)) {
            try (Stream<Path> dirs = Files.list(jvms)) {
                dirs.filter(d -> Files.isExecutable(d.resolve("bin/java")) && Files.exists(d.resolve("release")))
                        .sorted().forEach(d -> homes.add(realPath(d)));
            } catch (IOException ignored) {
                // only the running JDK then
            }
        }
        return new ArrayList<>(homes);
    }

    private static Path realPath(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            return p.toAbsolutePath();
        }
    }

    /**
     * The module and native-access flags this JVM was started with (surefire's {@code argLine}, the parent POM's
     * {@code jvm.flags}): a child that should run as the tests do gets these.
     */
    static List<String> moduleFlags() {
        List<String> flags = new ArrayList<>();
        for (String a : java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("--add-") || a.startsWith("--enable-native-access") || a.startsWith("--sun-misc")
                    || a.startsWith("-Dchronicle")) {
                flags.add(a);
            }
        }
        return flags;
    }

    /** The command line that runs {@code mainClass} on {@code jdk} with {@code flags} (and nothing else). */
    static List<String> command(Path jdk, List<String> flags, Class<?> mainClass, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(jdk.resolve("bin").resolve("java").toString());
        cmd.addAll(flags);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass.getName());
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** A process builder for {@code command} whose environment adds no JVM options behind our back. */
    static ProcessBuilder processBuilder(List<String> command) {
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        pb.environment().remove("JDK_JAVA_OPTIONS");
        return pb;
    }

    /** Starts {@code mainClass} on {@code jdk} with {@code flags} (and nothing else) and the test class path. */
    static Process start(Path jdk, List<String> flags, Class<?> mainClass, String... args) throws IOException {
        return processBuilder(command(jdk, flags, mainClass, args)).start();
    }

    /** Starts {@code mainClass} on this JDK with this JVM's module flags plus {@code extraFlags}. */
    static ProcessBuilder likeThisJvm(List<String> extraFlags, Class<?> mainClass, String... args) {
        List<String> flags = new ArrayList<>(moduleFlags());
        flags.addAll(extraFlags);
        return processBuilder(command(currentJdk(), flags, mainClass, args));
    }

    /** Runs to completion (at most {@code timeoutSeconds}) and collects both streams. */
    static Result run(Path jdk, List<String> flags, long timeoutSeconds, Class<?> mainClass, String... args)
            throws IOException, InterruptedException {
        Process p = start(jdk, flags, mainClass, args);
        p.getOutputStream().close();
        // both streams drained by their own threads, so a chatty child cannot block on a full pipe
        return new StreamCollector(p).await(timeoutSeconds);
    }

    /** Drains stdout and stderr of a process on two threads. */
    private static final class StreamCollector {
        private final Process process;
        private final StringBuilder stdout = new StringBuilder();
        private final StringBuilder stderr = new StringBuilder();
        private final Thread outThread;
        private final Thread errThread;

        StreamCollector(Process process) {
            this.process = process;
            this.outThread = drain(process.getInputStream(), stdout);
            this.errThread = drain(process.getErrorStream(), stderr);
        }

        private static Thread drain(java.io.InputStream in, StringBuilder sink) {
            Thread t = new Thread(() -> {
                try {
                    String s = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                    synchronized (sink) {
                        sink.append(s);
                    }
                } catch (IOException ignored) {
                    // process gone
                }
            });
            t.setDaemon(true);
            t.start();
            return t;
        }

        Result await(long timeoutSeconds) throws InterruptedException {
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
            outThread.join(10_000);
            errThread.join(10_000);
            synchronized (stdout) {
                synchronized (stderr) {
                    return new Result(process.exitValue(), stdout.toString(), stderr.toString());
                }
            }
        }
    }
}
