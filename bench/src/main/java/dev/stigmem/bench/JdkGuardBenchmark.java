package dev.stigmem.bench;

import dev.stigmem.guard.JdkGuard;
import dev.stigmem.loader.scan.ScanPolicy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.module.Configuration;
import java.lang.module.ModuleFinder;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.tools.ToolProvider;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The runtime JDK guard's cost on a guarded JDK call, all in one fork so the ratios compare: with
 * the guard installed and one plugin layer enclosed, {@code System.getProperty("java.version")}
 * (an allowed key: the call passes, so the score is the guard's caller attribution) from host code
 * and from plugin code (a javac-compiled class in an enclosed layer, called through a
 * {@link Supplier}), a caller-mode key from host code, and a non-guarded JDK call of similar weight
 * as the baseline; {@code guard=false} runs the same calls in a fork without the guard.
 * {@code bench/run JdkGuardBenchmark}; for percentiles add {@code -bm sample}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-XX:+IgnoreUnrecognizedVMOptions", "-XX:+EnableDynamicAgentLoading"})
public class JdkGuardBenchmark {

    static final String MODULE = "bench.guarded";
    static final String CLASS = "bench.guarded.JavaVersion";

    private static final Map<String, String> SOURCES = Map.of(
            "module-info.java", "module " + MODULE + " { exports bench.guarded; }",
            "bench/guarded/JavaVersion.java", """
                    package bench.guarded;

                    public final class JavaVersion implements java.util.function.Supplier<String> {
                        public JavaVersion() {
                        }

                        @Override
                        public String get() {
                            return System.getProperty("java.version");
                        }

                        /** A caller-mode key: refused to plugin code (setup checks the layer is enclosed). */
                        public static String home() {
                            return System.getProperty("user.home");
                        }
                    }
                    """);

    private static Supplier<String> plugin;

    /**
     * Installs the guard with the shipped policy and encloses one javac-compiled plugin layer
     * (once per JVM); returns the plugin's supplier, instantiated by host code through the layer's loader.
     */
    static synchronized Supplier<String> guardWithEnclosedLayer() {
        if (plugin != null) {
            return plugin;
        }
        ModuleLayer layer = compileLayer();
        JdkGuard.install(ScanPolicy.shipped());
        if (!JdkGuard.errors().isEmpty()) {
            throw new IllegalStateException("guard could not instrument: " + JdkGuard.errors());
        }
        if (JdkGuard.instrumentedMembers().stream().noneMatch(m -> m.contains("System") && m.contains("getProperty"))) {
            throw new IllegalStateException("System.getProperty is not instrumented: " + JdkGuard.instrumentedMembers());
        }
        JdkGuard.enclose(layer, "bench-plugin", JdkGuard.DEFAULT_THREAD_LIMIT, r -> { });
        try {
            Class<?> c = Class.forName(CLASS, true, layer.findLoader(MODULE));
            @SuppressWarnings("unchecked")
            Supplier<String> s = (Supplier<String>) c.getConstructor().newInstance();
            // Sanity: the layer is really enclosed (a caller-mode key is refused to it) ...
            try {
                c.getMethod("home").invoke(null);
                throw new IllegalStateException("plugin read user.home: the layer is not enclosed");
            } catch (InvocationTargetException e) {
                if (!e.getCause().getClass().getSimpleName().equals("JdkAccessError")) {
                    throw new IllegalStateException("unexpected failure of the refused call", e.getCause());
                }
            }
            // ... and the allowed key passes.
            if (!System.getProperty("java.version").equals(s.get())) {
                throw new IllegalStateException("plugin read another java.version");
            }
            plugin = s;
            return s;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ModuleLayer compileLayer() {
        try {
            Path dir = Files.createTempDirectory("jdk-guard-bench");
            Path src = Files.createDirectories(dir.resolve("src"));
            Path out = Files.createDirectories(dir.resolve("out"));
            List<String> args = new ArrayList<>(List.of("--release", "17", "-d", out.toString()));
            for (Map.Entry<String, String> e : SOURCES.entrySet()) {
                Path f = src.resolve(e.getKey());
                Files.createDirectories(f.getParent());
                Files.writeString(f, e.getValue());
                args.add(f.toString());
            }
            int rc = ToolProvider.getSystemJavaCompiler().run(null, null, null, args.toArray(new String[0]));
            if (rc != 0) {
                throw new IllegalStateException("javac failed: " + rc);
            }
            // The layer reads its classes from out/ as it loads them: all of it goes at exit. Walked parents
            // first, and the JDK deletes in the reverse order of registration, so each directory once empty.
            try (var all = Files.walk(dir)) {
                all.forEach(p -> p.toFile().deleteOnExit());
            }
            Configuration cf = ModuleLayer.boot().configuration().resolve(ModuleFinder.of(out), ModuleFinder.of(), Set.of(MODULE));
            return ModuleLayer.defineModulesWithOneLoader(cf, List.of(ModuleLayer.boot()), ClassLoader.getPlatformClassLoader()).layer();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Without the guard (its own fork): the same calls unguarded, the guard's overhead is the difference. */
    static synchronized Supplier<String> layerWithoutGuard() {
        if (JdkGuard.installed()) {
            throw new IllegalStateException("the guard is installed in this JVM");
        }
        try {
            ModuleLayer layer = compileLayer();
            @SuppressWarnings("unchecked")
            Supplier<String> s = (Supplier<String>) Class.forName(CLASS, true, layer.findLoader(MODULE)).getConstructor().newInstance();
            return s;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether the guard is installed (each value runs in a fork of its own). */
    @Param({"true", "false"})
    public boolean guard;

    private Supplier<String> fromPlugin;
    private int i;

    @Setup
    public void setUp() {
        fromPlugin = guard ? guardWithEnclosedLayer() : layerWithoutGuard();
    }

    /** (a) An allowed key read by host code: the guard walks the stack and finds the host. */
    @Benchmark
    public String hostAllowedProperty() {
        return System.getProperty("java.version");
    }

    /** (b) The same read by plugin code in the enclosed layer: attributed to the plugin, allowed. */
    @Benchmark
    public String pluginAllowedProperty() {
        return fromPlugin.get();
    }

    /** A caller-mode key read by host code (allowed to the host). */
    @Benchmark
    public String hostCallerModeProperty() {
        return System.getProperty("user.home");
    }

    /** (c) Baseline: a non-guarded JDK call of similar weight. */
    @Benchmark
    public String unguardedIntegerToString() {
        return Integer.toString(i++ & 1023);
    }
}
