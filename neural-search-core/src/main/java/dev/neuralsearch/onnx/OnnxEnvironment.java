package dev.neuralsearch.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.lang.reflect.Field;
import java.net.URL;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the process-wide ONNX Runtime environment and its native-library set-up. Every session in the
 * library is created here.
 *
 * <p>Before ONNX Runtime's classes load their native code, the shared libraries ({@code libonnxruntime},
 * {@code libonnxruntime4j_jni} and, from the GPU artifact, the provider libraries) are extracted from the
 * ORT jar into one stable directory, and ORT is pointed at it with the system property
 * {@value #NATIVE_PATH_PROPERTY}. Without that, ORT copies the libraries into a fresh
 * {@code onnxruntime-java*} folder under {@code java.io.tmpdir} in every process. The directory is the
 * property's value when set (the build sets it to {@code target/ort-native}, the launcher to
 * {@code ~/.cache/neural-search/native}); otherwise {@code <java.io.tmpdir>/neural-search-ort-<version>-<user>},
 * which must belong to the current user and is kept at mode 0700 ({@link NativeLibraryCache}). A library
 * already there is reused only if its SHA-256 matches the library in the jar; extraction is atomic (write to
 * a temporary name in the same directory, then rename), so concurrent processes sharing the directory never
 * load a half-written library.
 *
 * <p>ORT's telemetry is switched off before the first session is created.
 */
public final class OnnxEnvironment {
    /** ONNX Runtime's own system property naming the directory it loads native libraries from. */
    public static final String NATIVE_PATH_PROPERTY = "onnxruntime.native.path";

    private static final Logger LOG = LoggerFactory.getLogger(OnnxEnvironment.class);
    private static final String[] LIBRARIES = {
        "onnxruntime", "onnxruntime4j_jni", "onnxruntime_providers_shared", "onnxruntime_providers_cuda",
    };

    private static volatile OrtEnvironment environment;
    private static volatile Path nativeDirectory;

    private OnnxEnvironment() {
    }

    /** The shared environment, initialising native libraries and turning telemetry off on first use. */
    public static OrtEnvironment get() {
        OrtEnvironment env = environment;
        if (env == null) {
            synchronized (OnnxEnvironment.class) {
                env = environment;
                if (env == null) {
                    env = initialise();
                    environment = env;
                }
            }
        }
        return env;
    }

    /** The directory the native libraries were loaded from (initialises the environment). */
    public static Path nativeLibraryDirectory() {
        get();
        return nativeDirectory;
    }

    /** The ONNX Runtime version in use. */
    public static String version() {
        return get().getVersion();
    }

    /** Whether the loaded ONNX Runtime build has the CUDA provider (i.e. the {@code onnxruntime_gpu} artifact). */
    public static boolean cudaBuildPresent() {
        get();
        return OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA);
    }

    /** Creates a session for a model file. */
    public static OrtSession createSession(Path model, SessionConfig config) {
        Objects.requireNonNull(model, "model");
        if (!Files.isRegularFile(model)) {
            throw new OnnxException("ONNX model file not found: " + model.toAbsolutePath());
        }
        OrtEnvironment env = get();
        try (OrtSession.SessionOptions options = options(config)) {
            return env.createSession(model.toString(), options);
        } catch (OrtException e) {
            throw new OnnxException("cannot load ONNX model " + model.toAbsolutePath()
                    + " (corrupt or not an ONNX model?): " + e.getMessage(), e);
        }
    }

    /** Creates a session for a model held in memory; {@code name} only labels error messages. */
    public static OrtSession createSession(byte[] model, String name, SessionConfig config) {
        Objects.requireNonNull(model, "model");
        OrtEnvironment env = get();
        try (OrtSession.SessionOptions options = options(config)) {
            return env.createSession(model, options);
        } catch (OrtException e) {
            throw new OnnxException("cannot load ONNX model " + name
                    + " (corrupt or not an ONNX model?): " + e.getMessage(), e);
        }
    }

    /**
     * Session options for a configuration. The caller closes them. A CUDA request that cannot be met throws
     * {@link GpuUnavailableException}.
     */
    public static OrtSession.SessionOptions options(SessionConfig config) {
        Objects.requireNonNull(config, "config");
        get();
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        try {
            options.setIntraOpNumThreads(config.intraOpThreads());
            options.setInterOpNumThreads(1);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            options.setOptimizationLevel(switch (config.optimization()) {
                case NONE -> OrtSession.SessionOptions.OptLevel.NO_OPT;
                case BASIC -> OrtSession.SessionOptions.OptLevel.BASIC_OPT;
                case EXTENDED -> OrtSession.SessionOptions.OptLevel.EXTENDED_OPT;
                case ALL -> OrtSession.SessionOptions.OptLevel.ALL_OPT;
            });
            options.setSessionLogLevel(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
            if (config.provider() == ExecutionProvider.CUDA) {
                addCuda(options, config.deviceId());
            }
            return options;
        } catch (OrtException e) {
            options.close();
            throw new OnnxException("invalid ONNX Runtime session options " + config + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            options.close();
            throw e;
        }
    }

    private static void addCuda(OrtSession.SessionOptions options, int device) {
        if (!OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA)) {
            throw new GpuUnavailableException("CUDA execution provider requested, but the ONNX Runtime on the "
                    + "classpath is the CPU-only build (com.microsoft.onnxruntime:onnxruntime). Use the GPU "
                    + "build com.microsoft.onnxruntime:onnxruntime_gpu:" + version() + " instead (in this "
                    + "project: build with -Pgpu); it needs CUDA 12.x and cuDNN 9 installed.", null);
        }
        try {
            options.addCUDA(device);
        } catch (OrtException e) {
            throw new GpuUnavailableException("CUDA execution provider requested (device " + device + "), but "
                    + "ONNX Runtime " + version() + " could not load it: " + e.getMessage() + ". The GPU build "
                    + "needs the CUDA 12.x runtime (libcudart.so.12, libcublas.so.12, libcublasLt.so.12, "
                    + "libcurand.so.10, libcufft.so.11) and cuDNN 9 (libcudnn.so.9) on the dynamic-linker path, "
                    + "and an NVIDIA driver that supports CUDA 12: install them or add their lib directories "
                    + "to LD_LIBRARY_PATH before starting the JVM (see docs/encoders.md).", e);
        }
    }

    private static OrtEnvironment initialise() {
        Path dir = prepareNativeDirectory();
        OrtEnvironment env = OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR, "neural-search");
        try {
            env.setTelemetry(false);
        } catch (OrtException e) {
            LOG.debug("could not turn ONNX Runtime telemetry off: {}", e.getMessage());
        }
        removeOrtTempDirectory();
        LOG.debug("ONNX Runtime {} loaded from {}", env.getVersion(), dir);
        return env;
    }

    /** Picks the native directory, fills it from the ORT jar when needed, and points ORT at it. */
    private static Path prepareNativeDirectory() {
        String configured = System.getProperty(NATIVE_PATH_PROPERTY);
        Path dir;
        if (configured != null && !configured.isBlank()) {
            dir = Path.of(configured).toAbsolutePath().normalize();
        } else {
            String version = Objects.requireNonNullElse(OrtEnvironment.class.getPackage().getImplementationVersion(), "unknown");
            String user = System.getProperty("user.name", "user").replaceAll("[^A-Za-z0-9._-]", "_");
            dir = Path.of(System.getProperty("java.io.tmpdir"), "neural-search-ort-" + version + "-" + user);
        }
        String platform = platform();
        try {
            if (configured != null && !configured.isBlank()) {
                Files.createDirectories(dir);
            } else {
                // a folder under a shared temp directory: ours alone, or not used at all
                NativeLibraryCache.privateDirectory(dir);
            }
            for (String lib : LIBRARIES) {
                String fileName = System.mapLibraryName(lib);
                URL resource = OrtEnvironment.class.getResource("/ai/onnxruntime/native/" + platform + "/" + fileName);
                if (resource == null) {
                    continue; // e.g. the CUDA provider in the CPU build
                }
                NativeLibraryCache.extractIfNeeded(resource, dir.resolve(fileName));
            }
        } catch (IOException e) {
            throw new OnnxException("cannot prepare the ONNX Runtime native-library directory " + dir
                    + " (set -D" + NATIVE_PATH_PROPERTY + " to a writable directory): " + e.getMessage(), e);
        }
        System.setProperty(NATIVE_PATH_PROPERTY, dir.toString());
        nativeDirectory = dir;
        return dir;
    }

    /**
     * ORT creates an {@code onnxruntime-java*} directory under {@code java.io.tmpdir} even when it loads the
     * libraries from {@value #NATIVE_PATH_PROPERTY}, and only schedules it for deletion at exit. Since every
     * library came from our directory it is empty: remove it now, so a crashed process leaves nothing
     * behind. Best effort (needs reflective access to ORT's loader, which the class path grants).
     */
    private static void removeOrtTempDirectory() {
        try {
            Class<?> loader = Class.forName("ai.onnxruntime.OnnxRuntime");
            Field field = loader.getDeclaredField("tempDirectory");
            field.setAccessible(true);
            Object value = field.get(null);
            if (value instanceof Path tmp) {
                Files.deleteIfExists(tmp);
                LOG.debug("removed ONNX Runtime's empty temp directory {}", tmp);
            }
        } catch (DirectoryNotEmptyException e) {
            LOG.debug("ONNX Runtime's temp directory is in use, left for deletion at exit: {}", e.getFile());
        } catch (NoSuchFileException e) {
            // already gone
        } catch (ReflectiveOperationException | RuntimeException | IOException e) {
            LOG.debug("could not remove ONNX Runtime's temp directory: {}", e.toString());
        }
    }

    /** ONNX Runtime's name for this platform's folder inside its jar. */
    static String platform() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        String osPart = os.contains("win") ? "win" : os.contains("mac") || os.contains("darwin") ? "osx" : "linux";
        String archPart = arch.equals("amd64") || arch.equals("x86_64") ? "x64"
                : arch.equals("aarch64") || arch.equals("arm64") ? "aarch64" : arch;
        return osPart + "-" + archPart;
    }

    /** File names of the native libraries this platform's ORT jar ships (for tests and diagnostics). */
    public static List<String> bundledLibraries() {
        List<String> names = new ArrayList<>();
        for (String lib : LIBRARIES) {
            String fileName = System.mapLibraryName(lib);
            if (OrtEnvironment.class.getResource("/ai/onnxruntime/native/" + platform() + "/" + fileName) != null) {
                names.add(fileName);
            }
        }
        return names;
    }
}
