package dev.stigmem.node.internal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.spi.ToolProvider;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node build's step that writes the ModulePackages attribute into the launcher's module jars
 * ({@code src/build/ModulePackagesAttribute.java}), run as the build runs it (a single-file program
 * in a JVM of its own, once over a directory of jars that covers each case): which jars it rewrites,
 * that a rewritten jar is the same module with only its descriptor entry changed, and which it leaves
 * byte for byte as they were.
 */
class ModulePackagesAttributeTests {

    private static final Path PROGRAM = Path.of("src/build/ModulePackagesAttribute.java");

    @TempDir
    static Path work;
    private static Path dir;
    private static final Map<String, byte[]> BEFORE = new TreeMap<>();
    private static final Map<String, ModuleDescriptor> DESCRIPTORS = new TreeMap<>();

    @BeforeAll
    static void rewriteADirectoryOfJars() throws Exception {
        Path classes = javac(work.resolve("src"), Map.of(
                "module-info.java", "module m.sample { exports p.a; }",
                "p/a/A.java", "package p.a; public class A {}",
                "p/b/B.java", "package p.b; class B {}"));
        byte[] moduleInfo = Files.readAllBytes(classes.resolve("module-info.class"));
        byte[] a = Files.readAllBytes(classes.resolve("p/a/A.class"));
        byte[] b = Files.readAllBytes(classes.resolve("p/b/B.class"));
        dir = Files.createDirectories(work.resolve("modules"));
        Map<String, byte[]> plain = entries("module-info.class", moduleInfo, "p/a/A.class", a, "p/b/B.class", b,
                "p/c/notes.txt", "a resource's package".getBytes(StandardCharsets.UTF_8));
        zip("plain.jar", plain);
        // jackson's and picocli's layout: the descriptor only under versions/9, a versioned class in a known package.
        byte[] manifest = "Manifest-Version: 1.0\r\nMulti-Release: true\r\n\r\n".getBytes(StandardCharsets.UTF_8);
        zip("multi-release.jar", entries("META-INF/MANIFEST.MF", manifest, "p/a/A.class", a, "p/b/B.class", b,
                "META-INF/versions/9/module-info.class", moduleInfo, "META-INF/versions/11/p/b/B.class", b));
        // A package only a newer release sees (on JDK 17 not yet, on 25 already): the set would depend on the JDK that runs it.
        zip("versioned-package.jar", entries("META-INF/MANIFEST.MF", manifest, "module-info.class", moduleInfo,
                "p/a/A.class", a, "p/b/B.class", b, "META-INF/versions/21/p/later/L.class", b));
        zip("versioned-package-9.jar", entries("META-INF/MANIFEST.MF", manifest, "module-info.class", moduleInfo,
                "p/a/A.class", a, "p/b/B.class", b, "META-INF/versions/9/p/later/L.class", b));
        zip("automatic.jar", entries("p/a/A.class", a));
        zip("signed.jar", entries("module-info.class", moduleInfo, "p/a/A.class", a, "p/b/B.class", b,
                "META-INF/SIGNER.SF", "Signature-Version: 1.0\r\n".getBytes(StandardCharsets.UTF_8)));
        zip("two-descriptors.jar", entries("META-INF/MANIFEST.MF", manifest, "module-info.class", moduleInfo,
                "p/a/A.class", a, "p/b/B.class", b, "META-INF/versions/9/module-info.class", moduleInfo));
        // The jar tool writes the attribute itself.
        int rc = ToolProvider.findFirst("jar").orElseThrow().run(System.out, System.err,
                "--create", "--file", dir.resolve("jar-tool.jar").toString(), "-C", classes.toString(), ".");
        assertThat(rc).isZero();
        for (Path jar : jars()) {
            BEFORE.put(jar.getFileName().toString(), Files.readAllBytes(jar));
            DESCRIPTORS.put(jar.getFileName().toString(), ModuleFinder.of(jar).findAll().iterator().next().descriptor());
        }

        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                PROGRAM.toString(), dir.toString()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(output).isZero();
        assertThat(output).isEmpty();
    }

    @Test
    void aDescriptorWithoutTheAttributeGetsItAndStaysTheSameModule() throws Exception {
        for (String name : List.of("plain.jar", "multi-release.jar")) {
            Path jar = dir.resolve(name);
            String entry = name.equals("plain.jar") ? "module-info.class" : "META-INF/versions/9/module-info.class";
            assertThat(hasModulePackages(read(jar, entry))).as(name).isTrue();
            ModuleDescriptor after = ModuleFinder.of(jar).findAll().iterator().next().descriptor();
            assertThat(after).as(name).isEqualTo(DESCRIPTORS.get(name));
            assertThat(after.packages()).as(name).isEqualTo(name.equals("plain.jar") ? Set.of("p.a", "p.b", "p.c") : Set.of("p.a", "p.b"));
            // Every other entry as it was.
            Map<String, byte[]> before = contents(BEFORE.get(name), work.resolve("before-" + name));
            Map<String, byte[]> now = contents(Files.readAllBytes(jar), work.resolve("after-" + name));
            assertThat(now.keySet()).isEqualTo(before.keySet());
            before.remove(entry);
            before.forEach((e, bytes) -> assertThat(now.get(e)).as(name + "!" + e).isEqualTo(bytes));
        }
    }

    @Test
    void jarsWhoseSetCouldDifferOrThatTheRewriteCouldBreakOrThatHaveItAreLeftAsTheyWere() throws Exception {
        for (String name : List.of("versioned-package.jar", "versioned-package-9.jar", "automatic.jar", "signed.jar", "two-descriptors.jar", "jar-tool.jar")) {
            assertThat(Files.readAllBytes(dir.resolve(name))).as(name).isEqualTo(BEFORE.get(name));
        }
        // (The jar tool's own descriptor has it, so leaving it alone is not for want of trying.)
        assertThat(hasModulePackages(read(dir.resolve("jar-tool.jar"), "module-info.class"))).isTrue();
        assertThat(hasModulePackages(read(dir.resolve("versioned-package.jar"), "module-info.class"))).isFalse();
        assertThat(jars()).hasSize(BEFORE.size());
        try (var left = Files.list(work)) {
            assertThat(left.map(f -> f.getFileName().toString())).noneMatch(f -> f.startsWith("module-packages"));
        }
    }

    /**
     * Whether a module descriptor holds the ModulePackages attribute, as the JDK reads it: it asks for the
     * packages only when the descriptor does not list them.
     */
    static boolean hasModulePackages(byte[] classFile) {
        final class Asked extends RuntimeException {
            Asked() {
                super(null, null, false, false);
            }
        }
        try {
            ModuleDescriptor.read(java.nio.ByteBuffer.wrap(classFile), () -> {
                throw new Asked();
            });
            return true;
        } catch (Asked e) {
            return false;
        }
    }

    private static List<Path> jars() throws IOException {
        try (var files = Files.list(dir)) {
            return files.sorted().toList();
        }
    }

    private static byte[] read(Path jar, String entry) throws IOException {
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            return zip.getInputStream(zip.getEntry(entry)).readAllBytes();
        }
    }

    /** The entries of a jar given as bytes (written to {@code copy} to be read), by name. */
    static Map<String, byte[]> contents(byte[] jarBytes, Path copy) throws IOException {
        Files.write(copy, jarBytes);
        Map<String, byte[]> contents = new TreeMap<>();
        try (ZipFile zip = new ZipFile(copy.toFile())) {
            for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements();) {
                ZipEntry z = e.nextElement();
                contents.put(z.getName(), zip.getInputStream(z).readAllBytes());
            }
        }
        return contents;
    }

    private static Map<String, byte[]> entries(Object... nameThenBytes) {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        for (int i = 0; i < nameThenBytes.length; i += 2) {
            entries.put((String) nameThenBytes[i], (byte[]) nameThenBytes[i + 1]);
        }
        return entries;
    }

    private static void zip(String name, Map<String, byte[]> entries) throws IOException {
        zip(dir.resolve(name), entries);
    }

    /** Writes a jar of these entries, in this order. */
    static void zip(Path jar, Map<String, byte[]> entries) throws IOException {
        try (OutputStream o = Files.newOutputStream(jar); ZipOutputStream zip = new ZipOutputStream(o)) {
            for (var e : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey()));
                zip.write(e.getValue());
                zip.closeEntry();
            }
        }
    }

    private static Path javac(Path src, Map<String, String> sources) throws IOException {
        Path out = work.resolve("classes");
        PluginJars.javac(src, out, sources, List.of());
        return out;
    }
}
