package dev.stigmem.testkit.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.module.ModuleDescriptor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Turns a plugin's build output into an archive the loader takes, the way {@code maven-jar-plugin}
 * would: a classes directory becomes a jar; with bundled libraries, a zip of jars. Output is
 * deterministic (sorted entries, fixed times) and written next to the build output, in
 * {@code stigmem-testkit/}, so a failing test leaves the exact archive behind for {@code stigmem scan}.
 */
public final class BuildOutput {

    // Bounds on what is packed: a classes directory is the author's, but a wrong path (a home
    // directory) must fail fast rather than pack gigabytes.
    private static final int MAX_FILES = 20_000;
    private static final long MAX_BYTES = 256L * 1024 * 1024;
    private static final LocalDateTime FIXED_TIME = LocalDateTime.of(2000, 1, 1, 0, 0);

    private BuildOutput() {
    }

    /** Whether {@code dir} is a classes directory (it holds a class file) rather than a directory of jars. */
    public static boolean isClassesDirectory(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.anyMatch(p -> p.getFileName().toString().endsWith(".class"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + dir, e);
        }
    }

    /** The module name a classes directory declares in its {@code module-info.class}, if any. */
    public static Optional<String> moduleName(Path classesDir) {
        Path info = classesDir.resolve("module-info.class");
        if (!Files.isRegularFile(info)) {
            return Optional.empty();
        }
        try (InputStream in = Files.newInputStream(info)) {
            return Optional.of(ModuleDescriptor.read(in).name());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + info, e);
        }
    }

    /** The module name a jar declares, if it is an explicit module. */
    public static Optional<String> moduleNameOfJar(Path jar) {
        try (JarFile f = new JarFile(jar.toFile())) {
            ZipEntry e = f.getEntry("module-info.class");
            if (e == null) {
                return Optional.empty();
            }
            try (InputStream in = f.getInputStream(e)) {
                return Optional.of(ModuleDescriptor.read(in).name());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + jar, e);
        }
    }

    /**
     * Packs a classes directory into {@code outputDir/jarName}.
     *
     * @throws IllegalArgumentException if the directory holds more than the bounds allow
     */
    public static Path pack(Path classesDir, Path outputDir, String jarName) {
        List<Path> files = new ArrayList<>();
        long total = 0;
        try (Stream<Path> s = Files.walk(classesDir)) {
            for (Path p : (Iterable<Path>) s.filter(Files::isRegularFile).sorted(BuildOutput::byEntryName)::iterator) {
                files.add(p);
                total += Files.size(p);
                if (files.size() > MAX_FILES || total > MAX_BYTES) {
                    throw new IllegalArgumentException("build output " + classesDir + " holds more than " + MAX_FILES
                            + " files or " + (MAX_BYTES >> 20) + " MiB: is it really the plugin's classes directory?");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read build output " + classesDir, e);
        }
        // A manifest in the classes directory (Multi-Release, Automatic-Module-Name, ...) is kept, so
        // the loader sees what the jar would declare. (One configured in maven-jar-plugin is not
        // here before the package phase; the scan reads every META-INF/versions entry either way.)
        Manifest manifest = new Manifest();
        Path own = classesDir.resolve(JarFile.MANIFEST_NAME);
        if (Files.isRegularFile(own)) {
            try (InputStream in = Files.newInputStream(own)) {
                manifest.read(in);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + own, e);
            }
        }
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().putValue("Created-By", "stigmem-testkit");
        return writeAtomically(outputDir, jarName, out -> {
            try (JarOutputStream jar = new JarOutputStream(out)) {
                // Written by hand, not by JarOutputStream(out, manifest): that one stamps the entry with
                // the current time, so two packings a second apart differed.
                ZipEntry m = new ZipEntry(JarFile.MANIFEST_NAME);
                m.setTimeLocal(FIXED_TIME);
                jar.putNextEntry(m);
                manifest.write(jar);
                jar.closeEntry();
                for (Path p : files) {
                    String name = entryName(classesDir, p);
                    if (name.equalsIgnoreCase(JarFile.MANIFEST_NAME)) {
                        continue; // the packed jar's own manifest stands in for it
                    }
                    ZipEntry e = new ZipEntry(name);
                    e.setTimeLocal(FIXED_TIME);
                    jar.putNextEntry(e);
                    Files.copy(p, jar);
                    jar.closeEntry();
                }
            }
        });
    }

    /** Packs a plugin jar and its library jars into {@code outputDir/zipName}, the layout the loader reads. */
    public static Path zip(Path pluginJar, List<Path> libraries, Path outputDir, String zipName) {
        return writeAtomically(outputDir, zipName, out -> {
            try (ZipOutputStream zip = new ZipOutputStream(out)) {
                List<Path> all = new ArrayList<>();
                all.add(pluginJar);
                all.addAll(libraries);
                for (Path p : all) {
                    ZipEntry e = new ZipEntry(p.getFileName().toString());
                    e.setTimeLocal(FIXED_TIME);
                    zip.putNextEntry(e);
                    Files.copy(p, zip);
                    zip.closeEntry();
                }
            }
        });
    }

    /**
     * The jars on the test JVM's class path and module path whose file name starts with
     * {@code prefix} followed by {@code -} or {@code .jar} ({@code text-library} finds
     * {@code text-library-1.0.jar}).
     *
     * @throws IllegalArgumentException if none or more than one matches; the message lists the candidates
     */
    public static Path library(String prefix) {
        List<Path> found = new ArrayList<>();
        List<String> jars = new ArrayList<>();
        for (String property : new String[] {"jdk.module.path", "java.class.path"}) {
            String value = System.getProperty(property, "");
            for (String entry : value.split(java.io.File.pathSeparator)) {
                if (entry.isEmpty() || !entry.endsWith(".jar")) {
                    continue;
                }
                Path p = Path.of(entry);
                String name = p.getFileName().toString();
                jars.add(name);
                if ((name.startsWith(prefix + "-") || name.equals(prefix + ".jar")) && !found.contains(p)) {
                    found.add(p);
                }
            }
        }
        if (found.size() == 1) {
            return found.get(0);
        }
        throw new IllegalArgumentException((found.isEmpty() ? "no jar" : "more than one jar (" + found + ")")
                + " on the test class path or module path matches library '" + prefix
                + "'; add the library as a dependency of the plugin, or name it more exactly. Jars seen: "
                + jars.stream().sorted().distinct().toList());
    }

    private interface Writer {
        void write(OutputStream out) throws IOException;
    }

    // Parallel test classes may pack the same output: each writes its own temp file, then moves it in.
    private static Path writeAtomically(Path outputDir, String name, Writer writer) {
        try {
            Files.createDirectories(outputDir);
            Path target = outputDir.resolve(name);
            Path tmp = Files.createTempFile(outputDir, name, ".tmp");
            try {
                try (OutputStream out = Files.newOutputStream(tmp)) {
                    writer.write(out);
                }
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + outputDir.resolve(name) + ": " + e.getMessage(), e);
        }
    }

    private static int byEntryName(Path a, Path b) {
        return a.toString().replace('\\', '/').compareTo(b.toString().replace('\\', '/'));
    }

    private static String entryName(Path root, Path file) {
        return root.relativize(file).toString().replace('\\', '/');
    }
}
