package dev.stigmem.loader.internal.scan;

import dev.stigmem.api.PluginContext;
import dev.stigmem.api.PluginManifest;
import dev.stigmem.loader.internal.archive.ArchiveImage;
import dev.stigmem.loader.internal.archive.JarImage;
import dev.stigmem.loader.scan.Finding;
import dev.stigmem.loader.scan.ScanPolicy;
import dev.stigmem.loader.scan.ScanReport;
import dev.stigmem.loader.scan.Severity;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.FileObject;
import javax.tools.ForwardingJavaFileManager;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileManager;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/** Builds test plugins from real javac output into in-memory jars, and scans them. */
final class TestArchives {

    private TestArchives() {
    }

    /**
     * Compiles sources (path to text, e.g. {@code "p/Direct.java"}) with the real javac, against the
     * api, with line numbers, and returns the class files by entry name.
     */
    static Map<String, byte[]> compile(Map<String, String> sources) {
        return compile(sources, List.of());
    }

    static Map<String, byte[]> compile(Map<String, String> sources, List<Path> extraClasspath) {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        Map<String, ByteArrayOutputStream> out = new TreeMap<>();
        StandardJavaFileManager standard = javac.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8);
        JavaFileManager files = new ForwardingJavaFileManager<>(standard) {
            @Override
            public JavaFileObject getJavaFileForOutput(Location location, String className, JavaFileObject.Kind kind,
                                                       FileObject sibling) {
                String entry = className.replace('.', '/') + ".class";
                return new SimpleJavaFileObject(uri("mem:///" + entry), kind) {
                    @Override
                    public OutputStream openOutputStream() {
                        return out.computeIfAbsent(entry, k -> new ByteArrayOutputStream());
                    }
                };
            }
        };
        List<JavaFileObject> units = new ArrayList<>();
        sources.forEach((path, text) -> units.add(new SimpleJavaFileObject(uri("mem:///" + path), JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                return text;
            }
        }));
        List<String> classpath = new ArrayList<>();
        classpath.add(location(PluginContext.class));
        extraClasspath.forEach(p -> classpath.add(p.toString()));
        List<String> options = List.of("--release", "17", "-g", "-nowarn", "-XDignore.symbol.file",
                "-classpath", String.join(java.io.File.pathSeparator, classpath));
        boolean ok = javac.getTask(null, files, diagnostics, options, null, units).call();
        if (!ok) {
            throw new AssertionError("test plugin does not compile: " + diagnostics.getDiagnostics().stream()
                    .filter(d -> d.getKind() == Diagnostic.Kind.ERROR).map(d -> d.toString()).collect(Collectors.joining("\n")));
        }
        Map<String, byte[]> classes = new TreeMap<>();
        out.forEach((k, v) -> classes.put(k, v.toByteArray()));
        try {
            files.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return classes;
    }

    static String location(Class<?> c) {
        try {
            return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static URI uri(String s) {
        return URI.create(s.replace("$", "%24"));
    }

    static JarImage jar(String name, Map<String, byte[]> entries) {
        return new JarImage(name, entries);
    }

    static ArchiveImage archive(Map<String, byte[]> pluginEntries, JarImage... libraries) {
        return new ArchiveImage(Path.of("test-plugin.zip"), jar("plugin.jar", pluginEntries), Arrays.asList(libraries));
    }

    static PluginManifest manifest(String... capabilities) {
        return PluginManifest.of("test-plugin", "1.0.0", ">=0.9.0", List.of(capabilities), List.of());
    }

    /**
     * Scans with every method judged as if reachable: the tests of the policy table put each rule in a
     * method of its own that nothing calls. Reachability has tests of its own ({@code ReachabilityScanTests}).
     */
    static ScanReport scan(ArchiveImage image, String... capabilities) {
        return everyMethod(image, manifest(capabilities), ScanPolicy.shipped());
    }

    /** Scans without the call graph: every JDK-policy finding stands as in reachable code. */
    static ScanReport everyMethod(ArchiveImage image, PluginManifest manifest, ScanPolicy policy) {
        return BytecodeScanner.scan(image, manifest, policy, java.util.Optional.empty(), false);
    }

    /** Scans as the loader does, judging the JDK policy by reachability. */
    static ScanReport scanReachable(ArchiveImage image, String... capabilities) {
        return BytecodeScanner.scan(image, manifest(capabilities), ScanPolicy.shipped());
    }

    /** Compiles one source and scans it as the plugin jar. */
    static ScanReport scanSource(String path, String source, String... capabilities) {
        return scan(archive(compile(Map.of(path, source))), capabilities);
    }

    /** The findings of a severity, for assertions. */
    static List<Finding> of(ScanReport report, Severity severity) {
        return report.findings().stream().filter(f -> f.severity() == severity).toList();
    }

    /** A finding in one line, for readable assertion failures. */
    static String brief(Finding f) {
        return f.severity() + " " + f.rule() + " " + f.target() + " @ " + f.className().orElse("-") + "."
                + f.method().orElse("-") + ":" + (f.line().isPresent() ? f.line().getAsInt() : -1);
    }

    static List<String> brief(List<Finding> findings) {
        return findings.stream().map(TestArchives::brief).toList();
    }
}
