package dev.stigmem.bench;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;

/**
 * A plugin's entry class that uses libraries as broadly as a class can: {@code bench.Entry implements
 * dev.stigmem.api.Plugin} (which makes it an entry class of the call graph) whose constructor calls every
 * public static method of every public class of the libraries, and every public constructor of every
 * public concrete class, with zero and null arguments and the result dropped. The worst case for the call
 * graph's search: nearly all of the libraries becomes reachable. Classes and members in name order, so the
 * same jars give the same bytes. Never loaded, only scanned.
 */
final class BroadEntry {

    static final String NAME = "bench/Entry";
    /** Calls per generated method, at most. */
    private static final int CALLS_PER_METHOD = 500;
    /** Code bytes per generated method, at most: below the JVM's limit of 65535 (one byte left for the return). */
    private static final int CODE_PER_METHOD = 65_000;

    private BroadEntry() {
    }

    /** One call the entry makes: {@code <init>} for a constructor, else a static method. */
    private record Call(String owner, boolean ownerIsInterface, String name, String descriptor) {
    }

    /** The entry class's bytes, given the class files of the libraries by entry name (any other entries are skipped). */
    static byte[] generate(Collection<Map<String, byte[]>> libraries) {
        return generate(libraries, false);
    }

    /**
     * A plugin jar whose one plugin class is the entry class, declared as the loader reads a plain jar's
     * plugin ({@code @StigmemPlugin} and a {@code META-INF/services} entry): the entry class of
     * {@link #generate} ({@code broad}), or one that calls nothing of the libraries.
     */
    static Map<String, byte[]> pluginJar(Collection<Map<String, byte[]>> libraries, boolean broad) {
        byte[] entry = generate(broad ? libraries : List.of(), true);
        return Map.of(NAME + ".class", entry,
                "META-INF/services/dev.stigmem.api.Plugin", (NAME.replace('/', '.') + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static byte[] generate(Collection<Map<String, byte[]>> libraries, boolean declared) {
        Map<String, List<Call>> byClass = new TreeMap<>();
        for (Map<String, byte[]> jar : libraries) {
            jar.forEach((entry, bytes) -> {
                if (entry.endsWith(".class") && !entry.endsWith("module-info.class") && !entry.startsWith("META-INF/")) {
                    ClassReader reader = new ClassReader(bytes);
                    byClass.putIfAbsent(reader.getClassName(), calls(reader));
                }
            });
        }
        // Each call in a method of at most CALLS_PER_METHOD calls and CODE_PER_METHOD bytes.
        List<List<Call>> parts = new ArrayList<>();
        int code = 0;
        for (Call c : byClass.values().stream().flatMap(List::stream).toList()) {
            // new, dup, one byte per argument, the call, pop: an upper bound.
            int size = 9 + Type.getArgumentTypes(c.descriptor()).length;
            if (parts.isEmpty() || parts.get(parts.size() - 1).size() == CALLS_PER_METHOD || code + size > CODE_PER_METHOD) {
                parts.add(new ArrayList<>());
                code = 0;
            }
            parts.get(parts.size() - 1).add(c);
            code += size;
        }

        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        cw.visit(Opcodes.V17, Opcodes.ACC_PUBLIC | Opcodes.ACC_FINAL | Opcodes.ACC_SUPER, NAME, null, "java/lang/Object",
                new String[] {"dev/stigmem/api/Plugin"});
        if (declared) {
            var plugin = cw.visitAnnotation("Ldev/stigmem/api/StigmemPlugin;", true);
            plugin.visit("name", "survey-plugin");
            plugin.visit("version", "1.0.0");
            plugin.visit("requires", ">=0.9.0");
            plugin.visitEnd();
        }
        MethodVisitor init = cw.visitMethod(Opcodes.ACC_PUBLIC, "<init>", "()V", null, null);
        init.visitCode();
        init.visitVarInsn(Opcodes.ALOAD, 0);
        init.visitMethodInsn(Opcodes.INVOKESPECIAL, "java/lang/Object", "<init>", "()V", false);
        for (int i = 0; i < parts.size(); i++) {
            String part = "calls" + i;
            init.visitMethodInsn(Opcodes.INVOKESTATIC, NAME, part, "()V", false);
            MethodVisitor mv = cw.visitMethod(Opcodes.ACC_PRIVATE | Opcodes.ACC_STATIC, part, "()V", null, null);
            mv.visitCode();
            parts.get(i).forEach(c -> call(mv, c));
            mv.visitInsn(Opcodes.RETURN);
            mv.visitMaxs(0, 0);
            mv.visitEnd();
        }
        init.visitInsn(Opcodes.RETURN);
        init.visitMaxs(0, 0);
        init.visitEnd();
        cw.visitEnd();
        return cw.toByteArray();
    }

    /** The public static methods and (of a concrete class) the public constructors of a public class, in name order. */
    private static List<Call> calls(ClassReader reader) {
        int access = reader.getAccess();
        List<Call> calls = new ArrayList<>();
        if ((access & Opcodes.ACC_PUBLIC) == 0) {
            return calls;
        }
        boolean isInterface = (access & Opcodes.ACC_INTERFACE) != 0;
        boolean concrete = (access & (Opcodes.ACC_INTERFACE | Opcodes.ACC_ABSTRACT)) == 0;
        reader.accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(int acc, String name, String descriptor, String signature, String[] exceptions) {
                boolean constructor = name.equals("<init>");
                if ((acc & Opcodes.ACC_PUBLIC) != 0 && (constructor ? concrete : (acc & Opcodes.ACC_STATIC) != 0)) {
                    calls.add(new Call(reader.getClassName(), isInterface, name, descriptor));
                }
                return null;
            }
        }, ClassReader.SKIP_CODE | ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
        calls.sort((a, b) -> (a.name() + a.descriptor()).compareTo(b.name() + b.descriptor()));
        return calls;
    }

    /** One call with a default value per argument, its result (or new instance) popped. */
    private static void call(MethodVisitor mv, Call c) {
        boolean constructor = c.name().equals("<init>");
        if (constructor) {
            mv.visitTypeInsn(Opcodes.NEW, c.owner());
            mv.visitInsn(Opcodes.DUP);
        }
        for (Type t : Type.getArgumentTypes(c.descriptor())) {
            mv.visitInsn(switch (t.getSort()) {
                case Type.BOOLEAN, Type.CHAR, Type.BYTE, Type.SHORT, Type.INT -> Opcodes.ICONST_0;
                case Type.LONG -> Opcodes.LCONST_0;
                case Type.FLOAT -> Opcodes.FCONST_0;
                case Type.DOUBLE -> Opcodes.DCONST_0;
                default -> Opcodes.ACONST_NULL;
            });
        }
        if (constructor) {
            mv.visitMethodInsn(Opcodes.INVOKESPECIAL, c.owner(), c.name(), c.descriptor(), false);
            mv.visitInsn(Opcodes.POP);
            return;
        }
        mv.visitMethodInsn(Opcodes.INVOKESTATIC, c.owner(), c.name(), c.descriptor(), c.ownerIsInterface());
        int size = Type.getReturnType(c.descriptor()).getSize();
        if (size > 0) {
            mv.visitInsn(size == 2 ? Opcodes.POP2 : Opcodes.POP);
        }
    }
}
