package dev.stigmem.loader;

import dev.stigmem.api.Plugin;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Builds real jars at test time: sources compiled by javac against the api module, packed with
 * any extra resources. A jar with {@code module-info.java} is an explicit module; without, a plain jar.
 */
final class JavacJar {
    private final String name;
    private final Map<String, String> sources = new LinkedHashMap<>();
    private final Map<String, byte[]> resources = new LinkedHashMap<>();
    private final List<Path> modulePath = new ArrayList<>();

    private JavacJar(String name) {
        this.name = name;
    }

    static JavacJar named(String jarName) {
        return new JavacJar(jarName);
    }

    /** Adds a source file, by its path relative to the source root (for example {@code a/B.java}). */
    JavacJar source(String path, String code) {
        sources.put(path, code);
        return this;
    }

    JavacJar resource(String path, String text) {
        resources.put(path, text.getBytes(StandardCharsets.UTF_8));
        return this;
    }

    /** Services file naming the entry class. */
    JavacJar service(String entryClass) {
        return resource("META-INF/services/dev.stigmem.api.Plugin", entryClass + "\n");
    }

    /** Compiles against another jar too (a library). */
    JavacJar against(Path jar) {
        modulePath.add(jar);
        return this;
    }

    /** Compiles and writes the jar into {@code dir}. */
    Path writeTo(Path dir) {
        try {
            Path work = Files.createTempDirectory("stigmem-javac-");
            Path src = work.resolve("src");
            Path out = work.resolve("out");
            List<String> files = new ArrayList<>();
            for (var e : sources.entrySet()) {
                Path f = src.resolve(e.getKey());
                Files.createDirectories(f.getParent());
                Files.writeString(f, e.getValue());
                files.add(f.toString());
            }
            boolean module = sources.containsKey("module-info.java");
            List<String> path = new ArrayList<>();
            path.add(apiLocation().toString());
            modulePath.forEach(p -> path.add(p.toString()));
            List<String> args = new ArrayList<>(List.of("--release", "17", "-nowarn", "-d", out.toString(),
                    module ? "--module-path" : "-classpath", String.join(java.io.File.pathSeparator, path)));
            args.addAll(files);
            // javac through java.util.spi.ToolProvider (java.base), so the test module needs no java.compiler.
            java.util.spi.ToolProvider javac = java.util.spi.ToolProvider.findFirst("javac")
                    .orElseThrow(() -> new IllegalStateException("no javac: run the tests on a JDK"));
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            java.io.PrintStream ps = new java.io.PrintStream(err, true, StandardCharsets.UTF_8);
            int rc = javac.run(ps, ps, args.toArray(String[]::new));
            if (rc != 0) {
                throw new IllegalStateException("javac failed for " + name + ":\n" + err.toString(StandardCharsets.UTF_8));
            }
            Path jar = dir.resolve(name);
            try (OutputStream o = Files.newOutputStream(jar); ZipOutputStream zip = new ZipOutputStream(o)) {
                if (Files.exists(out)) {
                    try (Stream<Path> walk = Files.walk(out)) {
                        for (Path p : walk.filter(Files::isRegularFile).sorted().toList()) {
                            zip.putNextEntry(new ZipEntry(out.relativize(p).toString().replace('\\', '/')));
                            zip.write(Files.readAllBytes(p));
                            zip.closeEntry();
                        }
                    }
                }
                for (var e : resources.entrySet()) {
                    zip.putNextEntry(new ZipEntry(e.getKey()));
                    zip.write(e.getValue());
                    zip.closeEntry();
                }
            }
            try (Stream<Path> walk = Files.walk(work)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
            return jar;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Where the api module was loaded from (a jar, or target/classes in the reactor). */
    static Path apiLocation() {
        try {
            return Path.of(Plugin.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An explicit-module plugin with one entry class; {@code body} goes inside the class. */
    static JavacJar explicitPlugin(String jarName, String module, String pkg, String annotation, String body) {
        return named(jarName)
                .source("module-info.java", "module " + module + " { requires dev.stigmem.api; provides dev.stigmem.api.Plugin with "
                        + pkg + ".Entry; }")
                .source(pkg.replace('.', '/') + "/Entry.java", "package " + pkg + ";\n"
                        + annotation + "\npublic final class Entry implements dev.stigmem.api.Plugin {\n" + body + "\n}\n");
    }

    /** A plain-jar plugin (automatic module) with one entry class published through META-INF/services. */
    static JavacJar plainPlugin(String jarName, String pkg, String annotation, String body) {
        return named(jarName)
                .source(pkg.replace('.', '/') + "/Entry.java", "package " + pkg + ";\n"
                        + annotation + "\npublic final class Entry implements dev.stigmem.api.Plugin {\n" + body + "\n}\n")
                .service(pkg + ".Entry");
    }

    /** {@code @StigmemPlugin} with a name and the usual version and range. */
    static String manifest(String name, String... dependsOn) {
        return "@dev.stigmem.api.StigmemPlugin(name = \"" + name + "\", version = \"1.0.0\", requires = \">=0.9.0\""
                + (dependsOn.length == 0 ? "" : ", dependsOn = {\"" + String.join("\", \"", dependsOn) + "\"}") + ")";
    }

}
