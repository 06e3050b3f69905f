package dev.stigmem.loader.internal.scan;

import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.ConstantDynamic;
import net.bytebuddy.jar.asm.Handle;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.ModuleVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;

/** Class files javac does not write, generated with ASM: ldc of method handles, constant-dynamic, odd references. */
final class GeneratedClasses implements Opcodes {

    static final Handle FACTS_WRITER_ACCESSOR = new Handle(H_INVOKEINTERFACE, "dev/stigmem/api/PluginContext",
            "getFactsWriter", "()Ljava/util/Optional;", true);

    /** {@code ConstantBootstraps.invoke}: a condy bootstrap in an allowlisted JDK package that the policy does not allow (it calls any handle). */
    static final Handle INVOKE_BOOTSTRAP = new Handle(H_INVOKESTATIC, "java/lang/invoke/ConstantBootstraps", "invoke",
            "(Ljava/lang/invoke/MethodHandles$Lookup;Ljava/lang/String;Ljava/lang/Class;Ljava/lang/invoke/MethodHandle;"
                    + "[Ljava/lang/Object;)Ljava/lang/Object;", false);

    /** {@code ConstantBootstraps.explicitCast}: an allowed condy bootstrap taking one argument, so it nests. */
    static final Handle EXPLICIT_CAST_BOOTSTRAP = new Handle(H_INVOKESTATIC, "java/lang/invoke/ConstantBootstraps", "explicitCast",
            "(Ljava/lang/invoke/MethodHandles$Lookup;Ljava/lang/String;Ljava/lang/Class;Ljava/lang/Object;)Ljava/lang/Object;", false);

    private GeneratedClasses() {
    }

    /** A class {@code name} whose static method {@code grab()Ljava/lang/Object;} does {@code ldc constant} at {@code line}. */
    static byte[] ldc(String name, Object constant, int line) {
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        cw.visit(V17, ACC_PUBLIC | ACC_FINAL | ACC_SUPER, name, null, "java/lang/Object", null);
        MethodVisitor mv = cw.visitMethod(ACC_PUBLIC | ACC_STATIC, "grab", "()Ljava/lang/Object;", null, null);
        mv.visitCode();
        Label l = new Label();
        mv.visitLabel(l);
        mv.visitLineNumber(line, l);
        mv.visitLdcInsn(constant);
        mv.visitInsn(ARETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
        if (constant instanceof ConstantDynamic c) {
            declareOwnBootstrap(cw, name, c.getBootstrapMethod());
        }
        cw.visitEnd();
        return cw.toByteArray();
    }

    /**
     * A class {@code name} whose static method {@code call()V} executes {@code invokedynamic callName callDesc}
     * with {@code bootstrap} and its arguments at {@code line} (dropping any result). When the bootstrap
     * is a method of this class, the class declares it (returning null).
     */
    static byte[] indy(String name, String callName, String callDesc, Handle bootstrap, int line, Object... arguments) {
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        cw.visit(V17, ACC_PUBLIC | ACC_FINAL | ACC_SUPER, name, null, "java/lang/Object", null);
        MethodVisitor mv = cw.visitMethod(ACC_PUBLIC | ACC_STATIC, "call", "()V", null, null);
        mv.visitCode();
        Label l = new Label();
        mv.visitLabel(l);
        mv.visitLineNumber(line, l);
        mv.visitInvokeDynamicInsn(callName, callDesc, bootstrap, arguments);
        Type result = Type.getReturnType(callDesc);
        if (result.getSize() == 2) {
            mv.visitInsn(POP2);
        } else if (result.getSize() == 1) {
            mv.visitInsn(POP);
        }
        mv.visitInsn(RETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
        declareOwnBootstrap(cw, name, bootstrap);
        cw.visitEnd();
        return cw.toByteArray();
    }

    private static void declareOwnBootstrap(ClassWriter cw, String className, Handle bootstrap) {
        if (bootstrap.getOwner().equals(className)) {
            MethodVisitor bsm = cw.visitMethod(ACC_PUBLIC | ACC_STATIC, bootstrap.getName(), bootstrap.getDesc(), null, null);
            bsm.visitCode();
            bsm.visitInsn(ACONST_NULL);
            bsm.visitInsn(ARETURN);
            bsm.visitMaxs(0, 0);
            bsm.visitEnd();
        }
    }

    /** A class whose static method {@code call()V} invokes {@code owner.name desc} statically at {@code line}. */
    static byte[] invokeStatic(String name, String owner, String method, String desc, int line) {
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        cw.visit(V17, ACC_PUBLIC | ACC_FINAL | ACC_SUPER, name, null, "java/lang/Object", null);
        MethodVisitor mv = cw.visitMethod(ACC_PUBLIC | ACC_STATIC, "call", "()V", null, null);
        mv.visitCode();
        Label l = new Label();
        mv.visitLabel(l);
        mv.visitLineNumber(line, l);
        mv.visitMethodInsn(INVOKESTATIC, owner, method, desc, false);
        mv.visitInsn(RETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
        cw.visitEnd();
        return cw.toByteArray();
    }

    /**
     * Constant-dynamic nested {@code depth} levels deep through the allowed {@code explicitCast} bootstrap,
     * the innermost taking {@code innermost} as bootstrap argument.
     */
    static ConstantDynamic condy(int depth, Object innermost) {
        return condy(EXPLICIT_CAST_BOOTSTRAP, depth, innermost);
    }

    /** Constant-dynamic nested {@code depth} levels deep, each level through {@code bootstrap} with one argument. */
    static ConstantDynamic condy(Handle bootstrap, int depth, Object innermost) {
        Object arg = innermost;
        ConstantDynamic c = null;
        for (int i = 0; i < depth; i++) {
            c = new ConstantDynamic("c" + i, "Ljava/lang/Object;", bootstrap, arg);
            arg = c;
        }
        return c;
    }

    /**
     * A chain of {@code n} classes {@code p/C0000 extends root}, {@code p/C0001 extends p/C0000}, ... by
     * entry name, each with a constructor calling its superclass's.
     */
    static java.util.SortedMap<String, byte[]> chain(int n, String root) {
        java.util.SortedMap<String, byte[]> out = new java.util.TreeMap<>();
        String superName = root;
        for (int i = 0; i < n; i++) {
            String name = String.format(java.util.Locale.ROOT, "p/C%04d", i);
            ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_MAXS);
            cw.visit(V17, ACC_PUBLIC | ACC_SUPER, name, null, superName, null);
            MethodVisitor mv = cw.visitMethod(ACC_PUBLIC, "<init>", "()V", null, null);
            mv.visitCode();
            mv.visitVarInsn(ALOAD, 0);
            mv.visitMethodInsn(INVOKESPECIAL, superName, "<init>", "()V", false);
            mv.visitInsn(RETURN);
            mv.visitMaxs(0, 0);
            mv.visitEnd();
            cw.visitEnd();
            out.put(name + ".class", cw.toByteArray());
            superName = name;
        }
        return out;
    }

    /** A class or interface {@code name} with these direct supertypes and no members. */
    static byte[] type(String name, boolean isInterface, String superName, String... interfaces) {
        ClassWriter cw = new ClassWriter(0);
        cw.visit(V17, ACC_PUBLIC | (isInterface ? ACC_INTERFACE | ACC_ABSTRACT : ACC_SUPER), name, null, superName,
                interfaces.length == 0 ? null : interfaces);
        cw.visitEnd();
        return cw.toByteArray();
    }

    /** A module descriptor {@code module name { requires ...; }}. */
    static byte[] moduleInfo(String name, String... requires) {
        ClassWriter cw = new ClassWriter(0);
        cw.visit(V17, ACC_MODULE, "module-info", null, null, null);
        ModuleVisitor mv = cw.visitModule(name, 0, null);
        mv.visitRequire("java.base", ACC_MANDATED, null);
        for (String r : requires) {
            mv.visitRequire(r, 0, null);
        }
        mv.visitEnd();
        cw.visitEnd();
        return cw.toByteArray();
    }
}
