package dev.stigmem.bench;

import java.io.IOException;
import java.io.InputStream;
import java.util.Enumeration;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * The floor of a whole-process scan on this JVM: inflate every class of a jar and let ASM visit every
 * member reference of its code, judging nothing. {@code bench/cli-bench --variants} runs it as a process
 * with the launcher's JVM options (C1 only, Serial GC) beside {@code stigmem scan} and forbidden-apis,
 * so what JVM start, the JIT and ASM alone cost can be read against both in one run.
 *
 * <p>Usage: {@code java -cp byte-buddy.jar:DIR dev.stigmem.bench.AsmFloor JAR}; prints how many member
 * references it visited (so the work is not dead code).
 */
public final class AsmFloor {
    private AsmFloor() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: AsmFloor JAR");
            System.exit(2);
        }
        long[] references = new long[1];
        MethodVisitor code = new MethodVisitor(Opcodes.ASM9) {
            @Override
            public void visitMethodInsn(int opcode, String owner, String name, String descriptor, boolean isInterface) {
                references[0]++;
            }

            @Override
            public void visitFieldInsn(int opcode, String owner, String name, String descriptor) {
                references[0]++;
            }
        };
        ClassVisitor visitor = new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
                return code;
            }
        };
        try (ZipFile jar = new ZipFile(args[0])) {
            for (Enumeration<? extends ZipEntry> e = jar.entries(); e.hasMoreElements(); ) {
                ZipEntry entry = e.nextElement();
                if (entry.getName().endsWith(".class")) {
                    try (InputStream in = jar.getInputStream(entry)) {
                        new ClassReader(in.readAllBytes()).accept(visitor, ClassReader.SKIP_FRAMES);
                    }
                }
            }
        }
        System.out.println(references[0] + " member references");
    }
}
