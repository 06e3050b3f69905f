import java.io.IOException;
import java.lang.reflect.Member;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * A build step of the node (node/pom.xml, package phase), run as a single-file program on the JDK
 * that builds, with ByteBuddy's ASM on its class path: rewrites each class file older than Java 6
 * (major version below 50) in the launcher's module jars as a Java 8 class file (version 52) with the
 * stack map frames ASM computes; the members and constant values are the same, and so are the
 * instructions (ASM would replace unreachable code, which no frame can describe, by nop and athrow).
 *
 * <p>Why: the JVM verifies a class file without frames with the old inference verifier, at every start,
 * class archive or not (a class archive holds such a class unverified). picocli is built for Java 5: its
 * 117 classes the command line loads took about 15 ms of the old verifier in every ./stigmem command,
 * about a tenth of `stigmem --version`. With frames, the type-checking verifier checks them once, when
 * the launcher dumps its class archive, and the JVM skips the check at start.
 *
 * <p>Checked before it replaces a jar: every rewritten class is loaded from the new jar and linked,
 * which runs the type-checking verifier on it (a version 52 class has no fallback to the old one), and
 * declares the same fields, methods and constructors with the same modifiers as before. A jar is left
 * as it is when it is signed (the rewrite would break the signature), when a class cannot be rewritten
 * or fails a check (then a warning names the jar, the entry and the reason: the old verifier still
 * checks that class at run time, so nothing is lost but the time), and when it has no old class file.
 * Idempotent; every other entry of a rewritten jar is copied as it was.
 *
 * <p>Usage: java -cp byte-buddy.jar ClassFileUpgrade.java DIRECTORY
 */
public final class ClassFileUpgrade {

    /** Java 6: the first class file version with stack map frames. */
    private static final int FRAMES_SINCE = 50;

    private ClassFileUpgrade() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: java -cp byte-buddy.jar ClassFileUpgrade.java DIRECTORY");
        }
        Path dir = Path.of(args[0]);
        List<Path> jars = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.jar")) {
            files.forEach(jars::add);
        }
        jars.sort(null);
        for (Path jar : jars) {
            try {
                int n = upgrade(jar, jars);
                if (n > 0) {
                    System.out.println("ClassFileUpgrade: " + jar.getFileName() + ": " + n + " class files before Java 6 given stack map frames");
                }
            } catch (UpgradeRefused e) {
                System.err.println("ClassFileUpgrade: warning: " + jar.getFileName() + " left as it is: " + e.getMessage());
            }
        }
    }

    /** Why a jar is left as it was. */
    static final class UpgradeRefused extends Exception {
        UpgradeRefused(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Rewrites the jar's old class files when it has any and is not signed; returns how many.
     *
     * @param classPath the jars the classes' supertypes are looked up in (the directory's)
     */
    static int upgrade(Path jar, List<Path> classPath) throws IOException, UpgradeRefused {
        Map<String, byte[]> old = new LinkedHashMap<>();
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements();) {
                ZipEntry z = e.nextElement();
                String name = z.getName();
                String upper = name.toUpperCase(Locale.ROOT);
                if (upper.startsWith("META-INF/") && (upper.endsWith(".SF") || upper.endsWith(".RSA")
                        || upper.endsWith(".DSA") || upper.endsWith(".EC"))) {
                    return 0;
                }
                // A versioned entry is for Java 9 or later, so never an old class file.
                if (!z.isDirectory() && name.endsWith(".class") && !name.startsWith("META-INF/")) {
                    byte[] bytes = zip.getInputStream(z).readAllBytes();
                    if (bytes.length >= 8 && (((bytes[6] & 0xff) << 8) | (bytes[7] & 0xff)) < FRAMES_SINCE) {
                        old.put(name, bytes);
                    }
                }
            }
        }
        if (old.isEmpty()) {
            return 0;
        }
        Map<String, byte[]> rewritten = new LinkedHashMap<>();
        try (URLClassLoader hierarchy = loader(classPath)) {
            for (Map.Entry<String, byte[]> e : old.entrySet()) {
                rewritten.put(e.getKey(), withFrames(e.getKey(), e.getValue(), hierarchy));
            }
        }
        // Edited in a copy beside the directory (so a half-written jar is never on the module path),
        // checked, then moved over the original. (As ModulePackagesAttribute does: each build step is a
        // single-file program, which cannot share a class with another on JDK 17.)
        Path work = Files.createTempDirectory(jar.toAbsolutePath().getParent().getParent(), "class-file-upgrade");
        try {
            Path copy = work.resolve(jar.getFileName());
            Files.copy(jar, copy);
            // (The zip file system rewrites the jar on close, copying every other entry as it was.)
            try (FileSystem fs = FileSystems.newFileSystem(copy)) {
                for (Map.Entry<String, byte[]> e : rewritten.entrySet()) {
                    Files.write(fs.getPath(e.getKey()), e.getValue());
                }
            }
            check(jar, copy, old.keySet(), classPath);
            Files.move(copy, jar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            try (DirectoryStream<Path> left = Files.newDirectoryStream(work)) {
                for (Path p : left) {
                    Files.delete(p);
                }
            }
            Files.delete(work);
        }
        return old.size();
    }

    /** The class file as version 52 with frames; ASM asks {@code hierarchy} for the common superclass of two types. */
    static byte[] withFrames(String entry, byte[] classFile, ClassLoader hierarchy) throws UpgradeRefused {
        try {
            ClassWriter writer = new ClassWriter(ClassWriter.COMPUTE_FRAMES) {
                @Override
                protected ClassLoader getClassLoader() {
                    return hierarchy;
                }
            };
            new ClassReader(classFile).accept(new ClassVisitor(Opcodes.ASM9, writer) {
                @Override
                public void visit(int version, int access, String name, String signature, String superName, String[] interfaces) {
                    super.visit(Opcodes.V1_8, access, name, signature, superName, interfaces);
                }
            }, 0);
            return writer.toByteArray();
        } catch (RuntimeException e) {
            // ASM: a jsr/ret (not allowed from version 51), a type it cannot find, a malformed file.
            throw new UpgradeRefused(entry + ": cannot compute its frames: " + e, e);
        }
    }

    /**
     * Every rewritten class, loaded from the new jar (beside the others, in place of the old one) and
     * linked, passes the type-checking verifier and declares the same members with the same modifiers.
     */
    private static void check(Path original, Path copy, Iterable<String> entries, List<Path> classPath) throws IOException, UpgradeRefused {
        List<Path> with = new ArrayList<>(classPath);
        with.replaceAll(p -> p.equals(original) ? copy : p);
        try (URLClassLoader before = loader(classPath); URLClassLoader after = loader(with)) {
            for (String entry : entries) {
                String name = entry.substring(0, entry.length() - ".class".length()).replace('/', '.');
                Class<?> a;
                Class<?> b;
                try {
                    b = Class.forName(name, false, after);
                    a = Class.forName(name, false, before);
                    // Reflection on its members links the class, and linking verifies it.
                    if (!members(b).equals(members(a))) {
                        throw new UpgradeRefused(entry + ": declares other members after the rewrite: " + members(b)
                                + " against " + members(a), null);
                    }
                } catch (ClassNotFoundException | LinkageError e) {
                    throw new UpgradeRefused(entry + ": does not load as rewritten: " + e, e);
                }
                if (b.getClassLoader() != after || a.getClassLoader() != before) {
                    throw new UpgradeRefused(entry + ": " + name + " loads from elsewhere (the JDK?)", null);
                }
            }
        }
    }

    /** Each declared field, method and constructor with its modifiers, sorted. */
    private static TreeSet<String> members(Class<?> c) {
        TreeSet<String> out = new TreeSet<>();
        for (var f : c.getDeclaredFields()) {
            out.add(describe(f) + " " + f.getType().getName());
        }
        for (var m : c.getDeclaredMethods()) {
            out.add(describe(m) + " " + java.util.Arrays.toString(m.getParameterTypes()) + " " + m.getReturnType().getName());
        }
        for (var k : c.getDeclaredConstructors()) {
            out.add(describe(k) + " " + java.util.Arrays.toString(k.getParameterTypes()));
        }
        out.add("class modifiers " + c.getModifiers());
        return out;
    }

    private static String describe(Member m) {
        return m.getModifiers() + " " + m.getName();
    }

    /** A loader of exactly these jars, above the platform loader (not this program's class path). */
    private static URLClassLoader loader(List<Path> jars) throws IOException {
        URL[] urls = new URL[jars.size()];
        for (int i = 0; i < urls.length; i++) {
            urls[i] = jars.get(i).toUri().toURL();
        }
        return new URLClassLoader(urls, ClassLoader.getPlatformClassLoader());
    }
}
