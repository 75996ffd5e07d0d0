package dev.neuralsearch.ann.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Whether Chronicle Map can work in this JVM, decided once and without initialising any Chronicle class: Chronicle
 * reflects into the JDK from static initialisers and generates code with {@code javac} at run time, so in a JVM without
 * the module flags its first use throws {@code ExceptionInInitializerError} and leaves its classes unusable for the
 * rest of the JVM's life. The probe reads the module graph instead ({@link Module#isOpen}, {@link Module#isExported}
 * toward the module Chronicle's classes were loaded into, loaded but not initialised).
 */
public final class ChronicleAvailability {
    /** The flags Chronicle Map needs (the same as the build passes to its test JVMs, parent POM {@code jvm.flags.base}). */
    public static final List<String> FLAGS = List.of(
            "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED",
            "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
            "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
            "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED");

    /** Classes whose module needs the access: the map itself and Chronicle's run-time compiler. */
    private static final List<String> CHRONICLE_CLASSES = List.of(
            "net.openhft.chronicle.map.ChronicleMapBuilder", "net.openhft.compiler.CompilerUtils");

    private ChronicleAvailability() {
    }

    private static final class Holder {
        static final Optional<String> PROBLEM = Optional.ofNullable(probe());
    }

    /** Why Chronicle Map cannot work in this JVM, or empty when it can. */
    static Optional<String> problem() {
        return Holder.PROBLEM;
    }

    /** The flags of {@link #FLAGS} this JVM lacks. */
    static List<String> missingFlags() {
        List<Module> targets = chronicleModules();
        return targets.isEmpty() ? FLAGS : missingFlags(targets);
    }

    private static String probe() {
        if (System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows")) {
            return "Chronicle Map does not run on Windows";
        }
        List<Module> targets = chronicleModules();
        if (targets.isEmpty()) {
            return "Chronicle Map is not on the class path";
        }
        if (ModuleLayer.boot().findModule("jdk.compiler").isEmpty()) {
            return "this JVM has no jdk.compiler module (a JRE or a jlink image without it); Chronicle Map compiles"
                    + " code at run time and needs a full JDK";
        }
        List<String> missing = missingFlags(targets);
        if (!missing.isEmpty()) {
            return "this JVM lacks " + missing.size() + " of the module flags it needs"; // the advice names them
        }
        return null;
    }

    private static List<Module> chronicleModules() {
        List<Module> modules = new ArrayList<>();
        ClassLoader loader = ChronicleAvailability.class.getClassLoader();
        for (String name : CHRONICLE_CLASSES) {
            try {
                Module m = Class.forName(name, false, loader).getModule(); // loaded, not initialised
                if (!modules.contains(m)) {
                    modules.add(m);
                }
            } catch (ClassNotFoundException | LinkageError e) {
                return List.of();
            }
        }
        return modules;
    }

    private static List<String> missingFlags(List<Module> targets) {
        List<String> missing = new ArrayList<>();
        for (String flag : FLAGS) {
            // --add-opens=module/package=ALL-UNNAMED
            boolean opens = flag.startsWith("--add-opens=");
            String spec = flag.substring(flag.indexOf('=') + 1, flag.lastIndexOf('='));
            String moduleName = spec.substring(0, spec.indexOf('/'));
            String pkg = spec.substring(spec.indexOf('/') + 1);
            Optional<Module> module = ModuleLayer.boot().findModule(moduleName);
            for (Module target : targets) {
                boolean granted = module.isPresent()
                        && (opens ? module.get().isOpen(pkg, target) : module.get().isExported(pkg, target));
                if (!granted) {
                    missing.add(flag);
                    break;
                }
            }
        }
        return missing;
    }
}
