package dev.stigmem.loader.internal.scan;

import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.ConstantDynamic;
import net.bytebuddy.jar.asm.Handle;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.ModuleVisitor;
import net.bytebuddy.jar.asm.Opcodes;

/** Class files javac does not write, generated with ASM: ldc of method handles, constant-dynamic, odd references. */
final class GeneratedClasses implements Opcodes {

    static final Handle FACTS_WRITER_ACCESSOR = new Handle(H_INVOKEINTERFACE, "dev/stigmem/api/PluginContext",
            "getFactsWriter", "()Ljava/util/Optional;", true);

    /** {@code ConstantBootstraps.invoke}: a condy bootstrap in an allowlisted JDK package. */
    static final Handle INVOKE_BOOTSTRAP = new Handle(H_INVOKESTATIC, "java/lang/invoke/ConstantBootstraps", "invoke",
            "(Ljava/lang/invoke/MethodHandles$Lookup;Ljava/lang/String;Ljava/lang/Class;Ljava/lang/invoke/MethodHandle;"
                    + "[Ljava/lang/Object;)Ljava/lang/Object;", false);

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
        cw.visitEnd();
        return cw.toByteArray();
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

    /** Constant-dynamic nested {@code depth} levels deep, the innermost taking {@code innermost} as bootstrap argument. */
    static ConstantDynamic condy(int depth, Object innermost) {
        Object arg = innermost;
        ConstantDynamic c = null;
        for (int i = 0; i < depth; i++) {
            c = new ConstantDynamic("c" + i, "Ljava/lang/Object;", INVOKE_BOOTSTRAP, arg);
            arg = c;
        }
        return c;
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
