package dev.stigmem.bench;

import dev.stigmem.api.Plugin;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes N distinct small plugins (explicit modules, one entry class each, real javac output)
 * into a directory, compiled in one javac run with --module-source-path.
 */
final class GeneratedPlugins {
    private GeneratedPlugins() {
    }

    static Path write(Path dir, int count) {
        try {
            Path src = Files.createTempDirectory("stigmem-bench-src-");
            Path out = Files.createTempDirectory("stigmem-bench-out-");
            List<String> modules = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                String m = "benchplugin" + i;
                modules.add(m);
                Path root = Files.createDirectories(src.resolve(m).resolve(m));
                Files.writeString(src.resolve(m).resolve("module-info.java"), "module " + m
                        + " { requires dev.stigmem.api; provides dev.stigmem.api.Plugin with " + m + ".Entry; }");
                Files.writeString(root.resolve("Entry.java"), "package " + m + ";\n"
                        + "@dev.stigmem.api.StigmemPlugin(name = \"bench-plugin-" + i + "\", version = \"1.0.0\", "
                        + "requires = \">=0.9.0\", capabilities = {\"audit.emit\"}"
                        + (i > 0 ? ", dependsOn = {\"bench-plugin-" + (i - 1) + "\"}" : "") + ")\n"
                        + "public final class Entry implements dev.stigmem.api.Plugin, dev.stigmem.api.hook.PreAssertAuthorize {\n"
                        + "  public dev.stigmem.api.hook.Vote preAssertAuthorize(dev.stigmem.api.PluginContext c, "
                        + "dev.stigmem.api.hook.AssertRequest r) { return dev.stigmem.api.hook.Vote.allow(); }\n}\n");
            }
            ToolProvider javac = ToolProvider.findFirst("javac").orElseThrow(() -> new IllegalStateException("run on a JDK"));
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            PrintStream ps = new PrintStream(err, true, StandardCharsets.UTF_8);
            List<String> args = new ArrayList<>(List.of("--release", "17", "-nowarn", "-d", out.toString(),
                    "--module-source-path", src.toString(), "--module-path", apiJar().toString(),
                    "--module", String.join(",", modules)));
            if (javac.run(ps, ps, args.toArray(String[]::new)) != 0) {
                throw new IllegalStateException("javac failed: " + err.toString(StandardCharsets.UTF_8));
            }
            Files.createDirectories(dir);
            for (String m : modules) {
                jar(out.resolve(m), dir.resolve(m + ".jar"));
            }
            delete(src);
            delete(out);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void jar(Path classes, Path jar) throws IOException {
        try (OutputStream o = Files.newOutputStream(jar); ZipOutputStream z = new ZipOutputStream(o);
             Stream<Path> walk = Files.walk(classes)) {
            for (Path p : walk.filter(Files::isRegularFile).sorted().toList()) {
                z.putNextEntry(new ZipEntry(classes.relativize(p).toString().replace('\\', '/')));
                z.write(Files.readAllBytes(p));
                z.closeEntry();
            }
        }
    }

    static void delete(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static Path apiJar() {
        try {
            return Path.of(Plugin.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
