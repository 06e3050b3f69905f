package dev.stigmem.node.internal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import net.bytebuddy.jar.asm.Attribute;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.Opcodes;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node build's step that gives class files before Java 6 stack map frames
 * ({@code src/build/ClassFileUpgrade.java}), run as the build runs it (a single-file program in a JVM
 * of its own, with ByteBuddy's ASM on its class path) over a directory of jars that covers each case:
 * an old jar is rewritten and behaves the same, every other jar is left byte for byte, the real picocli
 * jar is rewritten whole, and a second run changes nothing.
 */
class ClassFileUpgradeTests {

    private static final Path PROGRAM = Path.of("src/build/ClassFileUpgrade.java");

    @TempDir
    static Path work;
    private static Path dir;
    private static final Map<String, byte[]> BEFORE = new TreeMap<>();
    private static String output;
    private static final byte[] NOTES = "a resource".getBytes(StandardCharsets.UTF_8);

    @BeforeAll
    static void upgradeADirectoryOfJars() throws Exception {
        // The frames at the join of `n > 0 ? new A() : new B()` need A's and B's common superclass, from the jar.
        Path classes = work.resolve("classes");
        PluginJars.javac(work.resolve("src"), classes, Map.of(
                "p/Old.java", """
                        package p;
                        public class Old {
                            public static String run(int n) {
                                Base b = n > 0 ? new A() : new B();
                                StringBuilder out = new StringBuilder();
                                for (int i = 0; i < n; i++) {
                                    try {
                                        out.append(b.name()).append(i);
                                        if (i == 2) {
                                            throw new IllegalStateException("two");
                                        }
                                    } catch (IllegalStateException e) {
                                        out.append('!');
                                    }
                                }
                                return out.toString();
                            }
                        }
                        """,
                "p/Base.java", "package p; class Base { String name() { return \"base\"; } }",
                "p/A.java", "package p; class A extends Base { @Override String name() { return \"a\"; } }",
                "p/B.java", "package p; class B extends Base { @Override String name() { return \"b\"; } }",
                "p/Modern.java", "package p; public class Modern { public static int twice(int x) { return x > 0 ? 2 * x : 0; } }"), List.of());
        Map<String, byte[]> old = new LinkedHashMap<>();
        for (String c : List.of("Old", "Base", "A", "B")) {
            old.put("p/" + c + ".class", asJava5(Files.readAllBytes(classes.resolve("p/" + c + ".class"))));
        }
        byte[] modern = Files.readAllBytes(classes.resolve("p/Modern.class"));
        dir = Files.createDirectories(work.resolve("modules"));

        Map<String, byte[]> mixed = new LinkedHashMap<>(old);
        mixed.put("p/Modern.class", modern);
        mixed.put("p/notes.txt", NOTES);
        zip("old.jar", mixed);
        zip("modern.jar", Map.of("p/Modern.class", modern));
        Map<String, byte[]> signed = new LinkedHashMap<>(old);
        signed.put("META-INF/SIGNER.SF", "Signature-Version: 1.0\r\n".getBytes(StandardCharsets.UTF_8));
        zip("signed.jar", signed);
        // Old without A and B: their common superclass cannot be told, so no frames.
        zip("missing-types.jar", Map.of("q/Old.class", renamed(old.get("p/Old.class"))));
        Path picocli = Path.of(picocli.CommandLine.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Files.copy(picocli, dir.resolve("picocli.jar"));
        for (Path jar : jars()) {
            BEFORE.put(jar.getFileName().toString(), Files.readAllBytes(jar));
        }
        output = runProgram();
    }

    @Test
    void oldClassFilesGetFramesAsVersion52AndBehaveTheSame() throws Exception {
        Path jar = dir.resolve("old.jar");
        Map<String, byte[]> before = ModulePackagesAttributeTests.contents(BEFORE.get("old.jar"), work.resolve("before-old.jar"));
        Map<String, byte[]> after = ModulePackagesAttributeTests.contents(Files.readAllBytes(jar), work.resolve("after-old.jar"));
        assertThat(after.keySet()).isEqualTo(before.keySet());
        for (String c : List.of("p/Old.class", "p/Base.class", "p/A.class", "p/B.class")) {
            assertThat(version(before.get(c))).as(c).isEqualTo(49);
            assertThat(version(after.get(c))).as(c).isEqualTo(52);
        }
        assertThat(hasStackMapTable(after.get("p/Old.class"))).isTrue();
        assertThat(hasStackMapTable(before.get("p/Old.class"))).isFalse();
        // The modern class and the resource as they were.
        assertThat(after.get("p/Modern.class")).isEqualTo(before.get("p/Modern.class"));
        assertThat(after.get("p/notes.txt")).isEqualTo(NOTES);
        // Run from the rewritten jar (the type-checking verifier checks it as it links) and from the original.
        Path original = work.resolve("original-old.jar");
        Files.write(original, BEFORE.get("old.jar"));
        for (int n : new int[] {0, 1, 4}) {
            assertThat(run(jar, n)).as("n = " + n).isEqualTo(run(original, n));
        }
        assertThat(run(jar, 4)).isEqualTo("a0a1a2!a3");
        assertThat(output).contains("old.jar: 4 class files before Java 6 given stack map frames");
    }

    @Test
    void theRealPicocliJarIsRewrittenWhole() throws Exception {
        Map<String, byte[]> before = ModulePackagesAttributeTests.contents(BEFORE.get("picocli.jar"), work.resolve("before-picocli.jar"));
        Map<String, byte[]> after = ModulePackagesAttributeTests.contents(Files.readAllBytes(dir.resolve("picocli.jar")), work.resolve("after-picocli.jar"));
        assertThat(after.keySet()).isEqualTo(before.keySet());
        int rewritten = 0;
        for (var e : before.entrySet()) {
            String name = e.getKey();
            if (name.endsWith(".class") && !name.startsWith("META-INF/")) {
                assertThat(version(e.getValue())).as(name).isEqualTo(49);
                assertThat(version(after.get(name))).as(name).isEqualTo(52);
                rewritten++;
            } else {
                // The module descriptor (META-INF/versions/9), the manifest, the licence: as they were.
                assertThat(after.get(name)).as(name).isEqualTo(e.getValue());
            }
        }
        assertThat(rewritten).isGreaterThan(200);
        assertThat(output).contains("picocli.jar: " + rewritten + " class files before Java 6 given stack map frames");
    }

    @Test
    void jarsWithoutOldClassesSignedOrWhoseFramesCannotBeToldAreLeftAsTheyWere() throws Exception {
        for (String name : List.of("modern.jar", "signed.jar", "missing-types.jar")) {
            assertThat(Files.readAllBytes(dir.resolve(name))).as(name).isEqualTo(BEFORE.get(name));
        }
        assertThat(output).contains("warning: missing-types.jar left as it is: q/Old.class: cannot compute its frames")
                .doesNotContain("modern.jar", "signed.jar");
        assertThat(jars()).hasSize(BEFORE.size());
        try (var left = Files.list(work)) {
            assertThat(left.map(f -> f.getFileName().toString())).noneMatch(f -> f.startsWith("class-file-upgrade"));
        }
    }

    @Test
    void aSecondRunChangesNothing() throws Exception {
        Map<String, byte[]> now = new TreeMap<>();
        for (Path jar : jars()) {
            now.put(jar.getFileName().toString(), Files.readAllBytes(jar));
        }
        String again = runProgram();
        assertThat(again).doesNotContain("given stack map frames");
        for (Path jar : jars()) {
            assertThat(Files.readAllBytes(jar)).as(jar.getFileName().toString()).isEqualTo(now.get(jar.getFileName().toString()));
        }
    }

    /** The program as the build runs it; its output (both streams). */
    private static String runProgram() throws Exception {
        Path asm = Path.of(net.bytebuddy.ByteBuddy.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", asm.toString(), PROGRAM.toString(), dir.toString()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    /** {@code p.Old.run(n)} loaded from this jar alone. */
    private static String run(Path jar, int n) throws Exception {
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader())) {
            Method m = Class.forName("p.Old", true, loader).getMethod("run", int.class);
            return (String) m.invoke(null, n);
        }
    }

    /** The class file as javac for Java 5 would have written it: version 49, no stack map frames. */
    private static byte[] asJava5(byte[] classFile) {
        ClassWriter w = new ClassWriter(0);
        new ClassReader(classFile).accept(new ClassVisitor(Opcodes.ASM9, w) {
            @Override
            public void visit(int version, int access, String name, String signature, String superName, String[] interfaces) {
                super.visit(Opcodes.V1_5, access, name, signature, superName, interfaces);
            }

            @Override
            public void visitNestMember(String nestMember) {
                // (Java 11 attributes: not in a Java 5 class file.)
            }

            @Override
            public void visitNestHost(String nestHost) {
            }
        }, ClassReader.SKIP_FRAMES);
        return w.toByteArray();
    }

    /** The class file with its package and the classes it names renamed from p to q (q's others exist nowhere). */
    private static byte[] renamed(byte[] classFile) {
        ClassWriter w = new ClassWriter(0);
        new ClassReader(classFile).accept(new net.bytebuddy.jar.asm.commons.ClassRemapper(w,
                new net.bytebuddy.jar.asm.commons.SimpleRemapper(Map.of("p/Old", "q/Old", "p/Base", "q/Base", "p/A", "q/A", "p/B", "q/B"))), 0);
        return w.toByteArray();
    }

    private static int version(byte[] classFile) {
        return ((classFile[6] & 0xff) << 8) | (classFile[7] & 0xff);
    }

    private static boolean hasStackMapTable(byte[] classFile) {
        boolean[] found = {false};
        new ClassReader(classFile).accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public net.bytebuddy.jar.asm.MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                                                   String[] exceptions) {
                return new net.bytebuddy.jar.asm.MethodVisitor(Opcodes.ASM9) {
                    @Override
                    public void visitFrame(int type, int numLocal, Object[] local, int numStack, Object[] stack) {
                        found[0] = true;
                    }
                };
            }
        }, new Attribute[0], ClassReader.EXPAND_FRAMES);
        return found[0];
    }

    private static List<Path> jars() throws IOException {
        try (var files = Files.list(dir)) {
            return files.sorted().toList();
        }
    }

    private static void zip(String name, Map<String, byte[]> entries) throws IOException {
        ModulePackagesAttributeTests.zip(dir.resolve(name), entries);
    }
}
