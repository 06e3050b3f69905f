package dev.stigmem.loader.internal.scan;

import static dev.stigmem.loader.internal.scan.TestArchives.archive;
import static dev.stigmem.loader.internal.scan.TestArchives.compile;
import static dev.stigmem.loader.internal.scan.TestArchives.scanReachable;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stigmem.loader.scan.Finding;
import dev.stigmem.loader.scan.RuleIds;
import dev.stigmem.loader.scan.ScanReport;
import dev.stigmem.loader.scan.Severity;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import org.junit.jupiter.api.Test;

/**
 * An instruction that resolves a class the plugin's layer cannot link always fails (JVMS 5.4.3), so
 * what only it leads to never runs ({@link LinkageFlow}): a library's reflection on
 * {@code sun.misc.Unsafe} behind {@code Unsafe.class} is INFO, and calls after it are no edges of the
 * call graph. Each case that must stay a DENY reaches the same code another way: a handler that
 * catches errors, a jump around the failing instruction, a cast (which resolves nothing for null), a
 * capability accessor (absolute), a class the layer can link after all.
 */
class LinkageFlowScanTests {

    /** An archive of a plugin whose {@code start} calls {@code p.Lib.run()}, with the other sources; {@code absent} class files left out. */
    private static ScanReport scan(String lib, String... absent) {
        Map<String, String> sources = new LinkedHashMap<>();
        sources.put("p/Entry.java", """
                package p;
                import dev.stigmem.api.*;
                @StigmemPlugin(name = "test-plugin", version = "1.0.0", requires = ">=0.9.0")
                public final class Entry implements Plugin {
                    @Override public void start(PluginContext context) { Lib.run(); }
                }
                """);
        sources.put("p/Lib.java", lib);
        sources.put("gone/Gone.java", "package gone; public class Gone { public static void go() {} public int n; }");
        Map<String, byte[]> classes = new LinkedHashMap<>(compile(sources));
        classes.remove("gone/Gone.class");
        for (String a : absent) {
            classes.remove(a);
        }
        return scanReachable(archive(classes));
    }

    private static List<Finding> denied(ScanReport report, String rule) {
        return report.findings(rule).stream().filter(f -> f.severity() == Severity.DENY).toList();
    }

    @Test
    void reflectionOnUnsafeBehindUnsafeClassNeverRunsAndIsInfo() {
        ScanReport report = scan("""
                package p;
                final class Lib {
                    static Object run() {
                        try {
                            java.lang.reflect.Field f = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
                            f.setAccessible(true);
                            return f.get(null);
                        } catch (ReflectiveOperationException | SecurityException e) {
                            return null;
                        }
                    }
                }
                """);

        assertThat(report.verdict()).as(report.toText()).isEqualTo(ScanReport.Verdict.ACCEPT);
        assertThat(report.findings("reflection")).as(report.toText()).isNotEmpty()
                .allSatisfy(f -> {
                    assertThat(f.severity()).isEqualTo(Severity.INFO);
                    assertThat(f.reason()).contains("never runs");
                });
        assertThat(report.findings(RuleIds.REFERENCE_UNLINKABLE)).extracting(f -> f.severity() + " " + f.target())
                .containsExactly("WARN sun.misc.Unsafe");
    }

    @Test
    void callsAfterAFailingInstructionAreNoEdges() {
        ScanReport report = scan("""
                package p;
                final class Lib {
                    static void run() {
                        gone.Gone.go();
                        Exit.now();
                    }
                }
                final class Exit {
                    static void now() { System.exit(1); }
                }
                """);

        assertThat(report.verdict()).as(report.toText()).isEqualTo(ScanReport.Verdict.ACCEPT);
        assertThat(report.findings("vm.exit")).singleElement().satisfies(f -> assertThat(f.severity()).isEqualTo(Severity.INFO));
    }

    @Test
    void aHandlerThatCatchesTheErrorRuns() {
        ScanReport report = scan("""
                package p;
                final class Lib {
                    static void run() {
                        try {
                            gone.Gone.go();
                        } catch (Throwable t) {
                            System.exit(1);
                        }
                    }
                }
                """);

        assertThat(denied(report, "vm.exit")).as(report.toText()).hasSize(1);
    }

    @Test
    void aHandlerOfTheLinkageErrorItselfRuns() {
        ScanReport report = scan("""
                package p;
                final class Lib {
                    static void run() {
                        try {
                            new gone.Gone();
                        } catch (NoClassDefFoundError e) {
                            System.exit(1);
                        }
                    }
                }
                """);

        assertThat(denied(report, "vm.exit")).as(report.toText()).hasSize(1);
    }

    @Test
    void codeAJumpReachesAroundTheFailingInstructionRuns() {
        ScanReport report = scan("""
                package p;
                final class Lib {
                    static volatile boolean fast;
                    static void run() {
                        if (fast) {
                            gone.Gone.go();
                        }
                        System.exit(1);
                    }
                }
                """);

        assertThat(denied(report, "vm.exit")).as(report.toText()).hasSize(1);
    }

    @Test
    void aCastResolvesNothingForNullSoWhatFollowsRuns() {
        ScanReport report = scan("""
                package p;
                final class Lib {
                    static Object held;
                    static void run() {
                        gone.Gone g = (gone.Gone) held;
                        boolean is = held instanceof gone.Gone;
                        System.exit(is ? 1 : 2);
                    }
                }
                """);

        assertThat(denied(report, "vm.exit")).as(report.toText()).hasSize(1);
    }

    @Test
    void aCapabilityAccessorAfterTheFailingInstructionStillRefuses() {
        ScanReport report = scan("""
                package p;
                final class Lib {
                    static void run() {}
                    static void write(dev.stigmem.api.PluginContext ctx) {
                        gone.Gone.go();
                        ctx.getConfigReader();
                    }
                }
                """);

        assertThat(report.verdict()).isEqualTo(ScanReport.Verdict.REJECT);
        assertThat(report.findings(RuleIds.CAPABILITY_ACCESSOR)).as(report.toText()).singleElement()
                .satisfies(f -> assertThat(f.severity()).isEqualTo(Severity.DENY));
    }

    @Test
    void aClassInNoJdkPackageMayComeFromASubstituteSoItIsNoFailureBesideOne() {
        // The archive bundles org.slf4j, which the node replaces with its own copy: a class the bundled copy
        // lacks (org.slf4j.helpers.Newer) may be in the node's, so the call to it may succeed at run time.
        // A JDK class the layer does not read (sun.misc.Unsafe) fails wherever the plugin runs.
        Map<String, String> sources = new LinkedHashMap<>();
        sources.put("p/Entry.java", """
                package p;
                import dev.stigmem.api.*;
                @StigmemPlugin(name = "test-plugin", version = "1.0.0", requires = ">=0.9.0")
                public final class Entry implements Plugin {
                    @Override public void start(PluginContext context) { newer(); unsafe(); }
                    static void newer() { org.slf4j.helpers.Newer.go(); System.exit(1); }
                    static void unsafe() { Object u = sun.misc.Unsafe.class; Runtime.getRuntime().halt(2); }
                }
                """);
        sources.put("org/slf4j/Logger.java", "package org.slf4j; public interface Logger {}");
        sources.put("org/slf4j/helpers/Newer.java", "package org.slf4j.helpers; public final class Newer { public static void go() {} }");
        Map<String, byte[]> classes = compile(sources);
        Map<String, byte[]> plugin = new LinkedHashMap<>();
        plugin.put("p/Entry.class", classes.get("p/Entry.class"));
        dev.stigmem.loader.internal.archive.JarImage slf4j = TestArchives.jar("slf4j-api.jar",
                Map.of("org/slf4j/Logger.class", classes.get("org/slf4j/Logger.class")));
        ScanReport report = BytecodeScanner.scan(archive(plugin, slf4j), TestArchives.manifest(), dev.stigmem.loader.scan.ScanPolicy.shipped(),
                Map.of("slf4j-api.jar", java.lang.module.ModuleDescriptor.newAutomaticModule("org.slf4j").packages(java.util.Set.of("org.slf4j")).build()));

        assertThat(denied(report, "vm.exit")).as(report.toText()).extracting(Finding::target).containsExactly("java.lang.System#exit(I)V");
        assertThat(report.findings("vm.exit")).as(report.toText()).filteredOn(f -> f.target().startsWith("java.lang.Runtime#halt"))
                .singleElement().satisfies(f -> assertThat(f.reason()).contains("never runs"));
    }

    @Test
    void aClassOfAModuleReadThroughAnAllowedModulesRequiresTransitiveIsNoFailure() {
        // java.sql requires transitive java.transaction.xa, java.desktop java.datatransfer: the layer reads
        // both, so these ldc succeed and the exits after them run.
        ScanReport report = scan("""
                package p;
                final class Lib {
                    static void run() { xa(); transfer(); }
                    static void xa() { Object c = javax.transaction.xa.Xid.class; System.exit(1); }
                    static void transfer() { Object c = java.awt.datatransfer.Clipboard.class; Runtime.getRuntime().halt(2); }
                }
                """);

        assertThat(report.verdict()).as(report.toText()).isEqualTo(ScanReport.Verdict.REJECT);
        assertThat(denied(report, "vm.exit")).as(report.toText()).hasSize(2);
        assertThat(report.findings(RuleIds.REFERENCE_UNLINKABLE)).as(report.toText()).isEmpty();
    }

    @Test
    void aProxyClassNameIsNoFailure() {
        // The JDK defines the proxy of a package-private interface in the plugin's loader and package, as
        // p.$Proxy<n> (reading a package-private annotation reflectively makes one), and finds it by name
        // from then on: an ldc of a guessed p.$Proxy<n> may succeed, so the exit after it may run.
        ScanReport report = scan("""
                package p;
                final class Lib {
                    static void run() { Object c = $Proxy7.class; System.exit(1); }
                }
                final class $Proxy7 {}
                """, "p/$Proxy7.class");

        assertThat(report.verdict()).as(report.toText()).isEqualTo(ScanReport.Verdict.REJECT);
        assertThat(denied(report, "vm.exit")).as(report.toText()).hasSize(1);
    }

    @Test
    void anExitThatRunsBesideOneThatNeverRunsInTheSameMethodStaysDenied() {
        // One finding per rule, target and method: whichever comes first, the occurrence that runs decides.
        ScanReport report = scan("""
                package p;
                final class Lib {
                    static volatile boolean flag;
                    static void run() { deadFirst(); liveFirst(); }
                    static void deadFirst() {
                        if (flag) { gone.Gone.go(); System.exit(1); }
                        System.exit(2);
                    }
                    static void liveFirst() {
                        if (flag) { System.exit(3); }
                        gone.Gone.go();
                        System.exit(4);
                    }
                }
                """);

        assertThat(report.findings("vm.exit")).as(report.toText()).hasSize(2)
                .allSatisfy(f -> assertThat(f.severity()).isEqualTo(Severity.DENY));
    }

    @Test
    void codeAfterTheFailingInstructionThatOtherPathsReachRuns() {
        // A handler of an archive exception type (it may extend Error), a handler covering a live call
        // before the failing one, a switch falling through from a dead case, a loop's backward jump.
        ScanReport report = scan("""
                package p;
                final class Lib {
                    static volatile int n;
                    static void run() { archiveCatch(); earlier(); fallThrough(); loop(); }
                    static void archiveCatch() {
                        try { gone.Gone.go(); } catch (Oops e) { System.exit(1); }
                    }
                    static void earlier() {
                        try { Lib.run(); gone.Gone.go(); } catch (RuntimeException e) { Runtime.getRuntime().exit(2); }
                    }
                    static void fallThrough() {
                        switch (n) {
                            case 1: gone.Gone.go();
                            case 2: Runtime.getRuntime().halt(3);
                            default:
                        }
                    }
                    static void loop() {
                        for (int i = 0; i < n; i++) {
                            if (i == 2) { System.exit(4); }
                            if (i == 1) { continue; }
                            gone.Gone.go();
                        }
                    }
                }
                final class Oops extends RuntimeException {}
                """);

        assertThat(report.findings("vm.exit")).as(report.toText()).hasSize(4)
                .allSatisfy(f -> assertThat(f.severity()).isEqualTo(Severity.DENY));
    }

    @Test
    void resolutionTheRuleDoesNotCountLeavesWhatFollowsLive() {
        // Hand-written: ldc of a method type and of a method handle naming an absent class, getstatic of a
        // linkable owner's field typed by it, an invokedynamic whose type names it: each runs on to an exit.
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        cw.visit(Opcodes.V17, Opcodes.ACC_FINAL | Opcodes.ACC_SUPER, "p/Lib", null, "java/lang/Object", null);
        cw.visitField(Opcodes.ACC_STATIC, "g", "Lgone/Gone;", null, null).visitEnd();
        MethodVisitor run = cw.visitMethod(Opcodes.ACC_STATIC, "run", "()V", null, null);
        run.visitCode();
        for (int i = 0; i < 4; i++) {
            run.visitMethodInsn(Opcodes.INVOKESTATIC, "p/Lib", "m" + i, "()V", false);
            MethodVisitor mv = cw.visitMethod(Opcodes.ACC_STATIC, "m" + i, "()V", null, null);
            mv.visitCode();
            switch (i) {
                case 0 -> mv.visitLdcInsn(net.bytebuddy.jar.asm.Type.getMethodType("(Lgone/Gone;)V"));
                case 1 -> mv.visitLdcInsn(new net.bytebuddy.jar.asm.Handle(Opcodes.H_INVOKESTATIC, "gone/Gone", "go", "()V", false));
                case 2 -> mv.visitFieldInsn(Opcodes.GETSTATIC, "p/Lib", "g", "Lgone/Gone;");
                default -> mv.visitInvokeDynamicInsn("run", "(Lgone/Gone;)Ljava/lang/Runnable;",
                        new net.bytebuddy.jar.asm.Handle(Opcodes.H_INVOKESTATIC, "java/lang/invoke/LambdaMetafactory", "metafactory",
                                "(Ljava/lang/invoke/MethodHandles$Lookup;Ljava/lang/String;Ljava/lang/invoke/MethodType;"
                                        + "Ljava/lang/invoke/MethodType;Ljava/lang/invoke/MethodHandle;Ljava/lang/invoke/MethodType;)"
                                        + "Ljava/lang/invoke/CallSite;", false),
                        net.bytebuddy.jar.asm.Type.getMethodType("()V"),
                        new net.bytebuddy.jar.asm.Handle(Opcodes.H_INVOKESTATIC, "p/Lib", "run", "()V", false),
                        net.bytebuddy.jar.asm.Type.getMethodType("()V"));
            }
            if (i == 3) {
                mv.visitInsn(Opcodes.ACONST_NULL);
                mv.visitInsn(Opcodes.SWAP);
            }
            mv.visitInsn(Opcodes.POP);
            mv.visitInsn(Opcodes.ICONST_1);
            mv.visitMethodInsn(Opcodes.INVOKESTATIC, "java/lang/System", "exit", "(I)V", false);
            mv.visitInsn(Opcodes.RETURN);
            mv.visitMaxs(0, 0);
            mv.visitEnd();
        }
        run.visitInsn(Opcodes.RETURN);
        run.visitMaxs(0, 0);
        run.visitEnd();
        cw.visitEnd();

        ScanReport report = scanReachable(archive(withLib(cw.toByteArray())));

        assertThat(report.findings("vm.exit")).as(report.toText()).hasSize(4)
                .allSatisfy(f -> assertThat(f.severity()).isEqualTo(Severity.DENY));
    }

    @Test
    void aMethodWithSubroutinesIsLeftWhole() {
        // Hand-written, version 49: jsr to a subroutine that returns, then getstatic of an absent class and an
        // exit. The method is not analysed (ret's successors are not modelled), so the exit counts as live.
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        cw.visit(Opcodes.V1_5, Opcodes.ACC_FINAL | Opcodes.ACC_SUPER, "p/Lib", null, "java/lang/Object", null);
        MethodVisitor mv = cw.visitMethod(Opcodes.ACC_STATIC, "run", "()V", null, null);
        mv.visitCode();
        Label sub = new Label();
        Label after = new Label();
        mv.visitJumpInsn(Opcodes.JSR, sub);
        mv.visitJumpInsn(Opcodes.GOTO, after);
        mv.visitLabel(sub);
        mv.visitVarInsn(Opcodes.ASTORE, 0);
        mv.visitFieldInsn(Opcodes.GETSTATIC, "gone/Gone", "n", "I");
        mv.visitMethodInsn(Opcodes.INVOKESTATIC, "java/lang/System", "exit", "(I)V", false);
        mv.visitVarInsn(Opcodes.RET, 0);
        mv.visitLabel(after);
        mv.visitInsn(Opcodes.RETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
        cw.visitEnd();

        ScanReport report = scanReachable(archive(withLib(cw.toByteArray())));

        assertThat(denied(report, "vm.exit")).as(report.toText()).hasSize(1);
    }

    /** The plugin's classes with this {@code p/Lib} in place of the compiled one. */
    private static Map<String, byte[]> withLib(byte[] lib) {
        Map<String, byte[]> classes = new LinkedHashMap<>(compile(Map.of("p/Entry.java", """
                package p;
                import dev.stigmem.api.*;
                @StigmemPlugin(name = "test-plugin", version = "1.0.0", requires = ">=0.9.0")
                public final class Entry implements Plugin {
                    @Override public void start(PluginContext context) { Lib.run(); }
                }
                """, "p/Lib.java", "package p; final class Lib { static void run() {} }")));
        classes.put("p/Lib.class", lib);
        return classes;
    }

    @Test
    void aLinkableClassIsNoFailure() {
        // The same shape as the Unsafe fallback, with a class the layer links: the reflection runs.
        ScanReport report = scan("""
                package p;
                final class Lib {
                    static Object run() {
                        try {
                            java.lang.reflect.Field f = Thread.class.getDeclaredField("name");
                            f.setAccessible(true);
                            return f.get(Thread.currentThread());
                        } catch (ReflectiveOperationException e) {
                            return null;
                        }
                    }
                }
                """);

        assertThat(denied(report, "reflection")).as(report.toText()).isNotEmpty();
    }

    @Test
    void everyResolvingInstructionFailsAndAHandlerOfAnExceptionNeverCatchesTheError() {
        // Hand-written: anewarray, multianewarray, getstatic and ldc of an absent class, each the first
        // instruction of a method that exits after it; the last inside a try whose handler catches only an
        // Exception and exits too. run() calls them all: every exit never runs.
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        cw.visit(Opcodes.V17, Opcodes.ACC_FINAL | Opcodes.ACC_SUPER, "p/Lib", null, "java/lang/Object", null);
        MethodVisitor run = cw.visitMethod(Opcodes.ACC_STATIC, "run", "()V", null, null);
        run.visitCode();
        for (int i = 0; i < 4; i++) {
            run.visitMethodInsn(Opcodes.INVOKESTATIC, "p/Lib", "m" + i, "()V", false);
            MethodVisitor mv = cw.visitMethod(Opcodes.ACC_STATIC, "m" + i, "()V", null, null);
            mv.visitCode();
            Label start = new Label();
            Label end = new Label();
            Label handler = new Label();
            if (i == 3) {
                mv.visitTryCatchBlock(start, end, handler, "java/lang/ReflectiveOperationException");
            }
            switch (i) {
                case 0 -> {
                    mv.visitInsn(Opcodes.ICONST_1);
                    mv.visitTypeInsn(Opcodes.ANEWARRAY, "gone/Gone");
                }
                case 1 -> {
                    mv.visitInsn(Opcodes.ICONST_1);
                    mv.visitInsn(Opcodes.ICONST_1);
                    mv.visitMultiANewArrayInsn("[[Lgone/Gone;", 2);
                }
                case 2 -> mv.visitFieldInsn(Opcodes.GETSTATIC, "gone/Gone", "n", "I");
                default -> {
                    mv.visitLabel(start);
                    mv.visitLdcInsn(net.bytebuddy.jar.asm.Type.getObjectType("gone/Gone"));
                }
            }
            mv.visitInsn(Opcodes.POP);
            mv.visitInsn(Opcodes.ICONST_1);
            mv.visitMethodInsn(Opcodes.INVOKESTATIC, "java/lang/System", "exit", "(I)V", false);
            mv.visitLabel(end);
            mv.visitInsn(Opcodes.RETURN);
            if (i == 3) {
                mv.visitLabel(handler);
                mv.visitInsn(Opcodes.POP);
                mv.visitInsn(Opcodes.ICONST_2);
                mv.visitMethodInsn(Opcodes.INVOKESTATIC, "java/lang/System", "exit", "(I)V", false);
                mv.visitInsn(Opcodes.RETURN);
            }
            mv.visitMaxs(0, 0);
            mv.visitEnd();
        }
        run.visitInsn(Opcodes.RETURN);
        run.visitMaxs(0, 0);
        run.visitEnd();
        cw.visitEnd();

        Map<String, byte[]> classes = new LinkedHashMap<>(compile(Map.of("p/Entry.java", """
                package p;
                import dev.stigmem.api.*;
                @StigmemPlugin(name = "test-plugin", version = "1.0.0", requires = ">=0.9.0")
                public final class Entry implements Plugin {
                    @Override public void start(PluginContext context) { Lib.run(); }
                }
                """, "p/Lib.java", "package p; final class Lib { static void run() {} }")));
        classes.put("p/Lib.class", cw.toByteArray());
        ScanReport report = scanReachable(archive(classes));

        assertThat(report.verdict()).as(report.toText()).isEqualTo(ScanReport.Verdict.ACCEPT);
        // One finding per method: four methods exit, each after its failing instruction.
        assertThat(report.findings("vm.exit")).as(report.toText()).hasSize(4)
                .allSatisfy(f -> assertThat(f.reason()).contains("never runs"));
    }
}
