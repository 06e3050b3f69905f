package dev.stigmem.loader.internal.scan;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import net.bytebuddy.jar.asm.AnnotationVisitor;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.FieldVisitor;
import net.bytebuddy.jar.asm.Handle;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import org.junit.jupiter.api.Test;

/**
 * The scan's pooled strings against ASM's own: every string a full visit of a class hands out is the same
 * text through a {@link Utf8Pool.Reader} as through a plain {@link ClassReader}, on a thousand of the
 * JDK's class files (non-ASCII constants among them) and on crafted ones; a text that several classes hold
 * is one string; a non-ASCII text is never pooled; the pool stops growing at its bound.
 */
class Utf8PoolTests {

    @Test
    void everyStringOfAFullVisitIsAsmsOwnText() throws IOException {
        Utf8Pool pool = new Utf8Pool();
        int classes = 0;
        boolean nonAscii = false;
        FileSystem jrt = FileSystems.getFileSystem(URI.create("jrt:/")); // (the JDK's own: not closed)
        try (Stream<Path> files = Files.walk(jrt.getPath("/modules/java.base"))) {
            for (Path p : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".class")).sorted().limit(1_000)::iterator) {
                byte[] bytes = Files.readAllBytes(p);
                List<String> plain = visit(new ClassReader(bytes));
                List<String> pooled = visit(new Utf8Pool.Reader(bytes, pool));
                assertThat(pooled).as("%s", p).isEqualTo(plain);
                nonAscii |= plain.stream().anyMatch(s -> s.chars().anyMatch(c -> c >= 0x80));
                classes++;
            }
        }
        assertThat(classes).isEqualTo(1_000);
        assertThat(pool.size()).isGreaterThan(10_000);
        assertThat(nonAscii).as("the corpus holds a non-ASCII constant").isTrue();
    }

    @Test
    void aTextSeveralClassesHoldIsOneStringAndANonAsciiTextIsNotPooled() {
        Utf8Pool pool = new Utf8Pool();
        byte[] a = crafted("p/A", "caf\u00e9 \u0000 x");
        byte[] b = crafted("p/B", "caf\u00e9 \u0000 x");
        List<String> first = visit(new Utf8Pool.Reader(a, pool));
        List<String> second = visit(new Utf8Pool.Reader(b, pool));
        assertThat(first).isEqualTo(visit(new ClassReader(a)));
        assertThat(second).isEqualTo(visit(new ClassReader(b)));
        String owner = "java/io/PrintStream";
        assertThat(pooledIn(first, owner)).isSameAs(pooledIn(second, owner));
        String text = "caf\u00e9 \u0000 x";
        assertThat(pooledIn(first, text)).isEqualTo(text).isNotSameAs(pooledIn(second, text));
        // The header check's names (plain ASCII bytes) are the pooled strings too.
        byte[] name = "java/io/PrintStream".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        assertThat(pool.plain(name, 0, name.length)).isSameAs(pooledIn(first, owner));
    }

    @Test
    void pastItsBoundThePoolHandsOutAsmsStringsUnpooled() {
        Utf8Pool pool = new Utf8Pool(3);
        List<String> first = visit(new Utf8Pool.Reader(crafted("p/A", "one"), pool));
        List<String> second = visit(new Utf8Pool.Reader(crafted("p/B", "one"), pool));
        assertThat(pool.size()).isEqualTo(3);
        assertThat(second).isEqualTo(visit(new ClassReader(crafted("p/B", "one"))));
        // Of the texts both classes hold, three are one string each, the others two.
        long shared = 0;
        long apart = 0;
        for (String text : new java.util.TreeSet<>(second)) {
            if (first.contains(text)) {
                if (pooledIn(first, text) == pooledIn(second, text)) {
                    shared++;
                } else {
                    apart++;
                }
            }
        }
        assertThat(shared).isLessThanOrEqualTo(3).isPositive();
        assertThat(apart).isPositive();
    }

    /** The element of {@code strings} equal to {@code text}. */
    private static String pooledIn(List<String> strings, String text) {
        return strings.get(strings.indexOf(text));
    }

    /** A class {@code name} whose method prints the constant {@code text}. */
    private static byte[] crafted(String name, String text) {
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        cw.visit(Opcodes.V17, Opcodes.ACC_PUBLIC, name, null, "java/lang/Object", null);
        MethodVisitor mv = cw.visitMethod(Opcodes.ACC_STATIC, "print", "()V", null, null);
        mv.visitCode();
        mv.visitFieldInsn(Opcodes.GETSTATIC, "java/lang/System", "out", "Ljava/io/PrintStream;");
        mv.visitLdcInsn(text);
        mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, "java/io/PrintStream", "println", "(Ljava/lang/String;)V", false);
        mv.visitInsn(Opcodes.RETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
        cw.visitEnd();
        return cw.toByteArray();
    }

    /** Every string a full visit hands out, in order. */
    private static List<String> visit(ClassReader reader) {
        List<String> out = new ArrayList<>();
        MethodVisitor method = new MethodVisitor(Opcodes.ASM9) {
            @Override
            public void visitTypeInsn(int opcode, String type) {
                out.add(type);
            }

            @Override
            public void visitFieldInsn(int opcode, String owner, String name, String descriptor) {
                out.add(owner);
                out.add(name);
                out.add(descriptor);
            }

            @Override
            public void visitMethodInsn(int opcode, String owner, String name, String descriptor, boolean isInterface) {
                out.add(owner);
                out.add(name);
                out.add(descriptor);
            }

            @Override
            public void visitInvokeDynamicInsn(String name, String descriptor, Handle bootstrap, Object... arguments) {
                out.add(name);
                out.add(descriptor);
                out.add(bootstrap.toString());
                for (Object a : arguments) {
                    out.add(String.valueOf(a));
                }
            }

            @Override
            public void visitLdcInsn(Object value) {
                out.add(String.valueOf(value));
            }

            @Override
            public void visitLocalVariable(String name, String descriptor, String signature, Label start, Label end, int index) {
                out.add(name);
                out.add(descriptor);
                out.add(String.valueOf(signature));
            }

            @Override
            public void visitTryCatchBlock(Label start, Label end, Label handler, String type) {
                out.add(String.valueOf(type));
            }

            @Override
            public AnnotationVisitor visitAnnotation(String descriptor, boolean visible) {
                out.add(descriptor);
                return null;
            }
        };
        reader.accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public void visit(int version, int access, String name, String signature, String superName, String[] interfaces) {
                out.add(name);
                out.add(String.valueOf(signature));
                out.add(String.valueOf(superName));
                out.addAll(List.of(interfaces));
            }

            @Override
            public void visitSource(String source, String debug) {
                out.add(String.valueOf(source));
            }

            @Override
            public void visitInnerClass(String name, String outerName, String innerName, int access) {
                out.add(name);
                out.add(String.valueOf(outerName));
                out.add(String.valueOf(innerName));
            }

            @Override
            public AnnotationVisitor visitAnnotation(String descriptor, boolean visible) {
                out.add(descriptor);
                return null;
            }

            @Override
            public FieldVisitor visitField(int access, String name, String descriptor, String signature, Object value) {
                out.add(name);
                out.add(descriptor);
                out.add(String.valueOf(signature));
                out.add(String.valueOf(value));
                return null;
            }

            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
                out.add(name);
                out.add(descriptor);
                out.add(String.valueOf(signature));
                if (exceptions != null) {
                    out.addAll(List.of(exceptions));
                }
                return method;
            }
        }, 0);
        return out;
    }
}
