package dev.stigmem.loader.internal.scan;

import static dev.stigmem.loader.internal.scan.TestArchives.archive;
import static dev.stigmem.loader.internal.scan.TestArchives.compile;
import static dev.stigmem.loader.internal.scan.TestArchives.scanReachable;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stigmem.loader.scan.Finding;
import dev.stigmem.loader.scan.ScanReport;
import dev.stigmem.loader.scan.Severity;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import org.junit.jupiter.api.Test;

/**
 * A virtual or interface call on a value read from a static final field runs only the methods of the
 * classes that field can hold, when the archive tells them: every assignment of the field stores a new
 * object, null or another such field. Everywhere else (a field that is not final, assigned from a call,
 * a receiver from a local variable, a stack the linear tracker cannot prove) the call stays resolved by
 * class hierarchy, so the {@code System.exit} of a class instantiated next to the safe one stays a DENY.
 */
class FieldReceiverScanTests implements Opcodes {

    /** An interface with a safe implementation and one that exits, both instantiated by Holder's initialiser. */
    private static final String ACTION = "package p; public interface Action { void act(); void act(long a, double b); }";
    private static final String SAFE = """
            package p;
            public final class Safe implements Action {
                public void act() { }
                public void act(long a, double b) { }
            }
            """;
    private static final String EXIT = """
            package p;
            public final class Exit implements Action {
                public void act() { System.exit(1); }
                public void act(long a, double b) { act(); }
            }
            """;

    private static String entry(String startBody) {
        return """
                package p;
                import dev.stigmem.api.*;
                @StigmemPlugin(name = "test-plugin", version = "1.0.0", requires = ">=0.9.0")
                public final class Entry implements Plugin {
                    @Override public void start(PluginContext context) { %s }
                }
                """.formatted(startBody);
    }

    private static Map<String, byte[]> classes(String startBody, String holder, String... more) {
        Map<String, String> sources = new LinkedHashMap<>();
        sources.put("p/Entry.java", entry(startBody));
        sources.put("p/Action.java", ACTION);
        sources.put("p/Safe.java", SAFE);
        sources.put("p/Exit.java", EXIT);
        sources.put("p/Holder.java", holder);
        for (int i = 0; i < more.length; i += 2) {
            sources.put(more[i], more[i + 1]);
        }
        return new TreeMap<>(compile(sources));
    }

    private static Finding exit(ScanReport report) {
        List<Finding> exits = report.findings().stream().filter(f -> f.rule().equals("vm.exit")).toList();
        assertThat(exits).as(report.toText()).hasSize(1);
        return exits.get(0);
    }

    private static void accepted(ScanReport report) {
        assertThat(exit(report).severity()).as(report.toText()).isEqualTo(Severity.INFO);
        assertThat(report.verdict()).as(report.toText()).isEqualTo(ScanReport.Verdict.ACCEPT);
    }

    private static void denied(ScanReport report) {
        Finding f = exit(report);
        assertThat(f.severity()).as(report.toText()).isEqualTo(Severity.DENY);
        assertThat(f.path()).as(report.toText()).last().isEqualTo("p.Exit.act()V");
    }

    private static final String HOLDER = """
            package p;
            public final class Holder {
                public static final Action SAFE = new Safe();
                public static final Action EXIT = new Exit();
                public static final Action NONE = null;
                public static final Action ALIAS = Alias.SAFE;
            }
            """;
    private static final String ALIAS = "package p; final class Alias { static final Action SAFE = Holder.SAFE; }";

    @Test
    void aCallThroughAStaticFinalFieldHoldingASafeObjectRunsOnlyItsMethods() {
        accepted(scanReachable(archive(classes("Holder.SAFE.act();", HOLDER, "p/Alias.java", ALIAS))));
        // Through a field assigned from another static final field (transitively), or holding only null.
        accepted(scanReachable(archive(classes("Holder.ALIAS.act(); Holder.NONE.act();", HOLDER, "p/Alias.java", ALIAS))));
        // The field that holds the exiting object leads to it.
        denied(scanReachable(archive(classes("Holder.SAFE.act(); Holder.EXIT.act();", HOLDER, "p/Alias.java", ALIAS))));
    }

    @Test
    void aKnownReceiverReachesTheImplementationItsClassInheritsFromAnotherSupertype() {
        // Quiet.act() is the method the JVM selects for Action.act on a Quiet: inherited from Base, which is no Action.
        Map<String, byte[]> classes = classes("Holder.QUIET.act();", """
                package p;
                public final class Holder {
                    public static final Action QUIET = new Quiet();
                }
                """, "p/Base.java", """
                package p;
                public class Base {
                    public void act() { System.exit(1); }
                    public void act(long a, double b) { }
                }
                """, "p/Quiet.java", "package p; public final class Quiet extends Base implements Action { }");
        Finding f = scanReachable(archive(classes)).findings().stream().filter(x -> x.rule().equals("vm.exit"))
                .filter(x -> x.className().orElseThrow().equals("p.Base")).findFirst().orElseThrow();
        assertThat(f.severity()).isEqualTo(Severity.DENY);
        assertThat(f.path()).last().isEqualTo("p.Base.act()V");
    }

    @Test
    void aCallThroughAStaticFieldThatIsNotFinalStaysResolvedByHierarchy() {
        denied(scanReachable(archive(classes("Holder.SAFE.act();", """
                package p;
                public final class Holder {
                    public static Action SAFE = new Safe();
                    public static final Action EXIT = new Exit();
                }
                """))));
    }

    @Test
    void aFieldAssignedObjectsOfTwoClassesLeadsToBoth() {
        denied(scanReachable(archive(classes("Holder.SAFE.act();", """
                package p;
                public final class Holder {
                    public static final Action SAFE;
                    static {
                        if (System.nanoTime() == 42) {
                            SAFE = new Exit();
                        } else {
                            SAFE = new Safe();
                        }
                    }
                }
                """))));
    }

    @Test
    void aFieldAssignedFromACallOrInACycleStaysResolvedByHierarchy() {
        denied(scanReachable(archive(classes("Holder.SAFE.act();", """
                package p;
                public final class Holder {
                    public static final Action SAFE = make();
                    public static final Action EXIT = new Exit();
                    private static Action make() { return new Safe(); }
                }
                """))));
        denied(scanReachable(archive(classes("Holder.SAFE.act();", """
                package p;
                public final class Holder {
                    public static final Action SAFE = Other.SAFE;
                    public static final Action EXIT = new Exit();
                }
                """, "p/Other.java", "package p; final class Other { static final Action SAFE = Holder.SAFE; }"))));
    }

    @Test
    void aReceiverFromALocalVariableStaysResolvedByHierarchy() {
        denied(scanReachable(archive(classes("Action a = Holder.SAFE; a.act();", HOLDER, "p/Alias.java", ALIAS))));
    }

    @Test
    void aFieldReadThroughASubclassNameStaysResolvedByHierarchy() {
        // getstatic Sub.SAFE resolves to Holder's field, which Sub does not declare: not followed.
        denied(scanReachable(archive(classes("Sub.SAFE.act();", """
                package p;
                public class Holder {
                    public static final Action SAFE = new Safe();
                    public static final Action EXIT = new Exit();
                }
                """, "p/Sub.java", "package p; public final class Sub extends Holder { }"))));
    }

    /**
     * Hand-written stacks that a tracker ignoring shuffles or jump targets would misread: each calls
     * {@code act} on EXIT while the value read last, or the one a naive depth count points at, is SAFE.
     */
    @Test
    void aSwapFallsBackToTheHierarchy() {
        // getstatic EXIT; getstatic SAFE; swap; invokeinterface act (on EXIT); pop
        denied(scanReachable(archive(withTrick(mv -> {
            mv.visitFieldInsn(GETSTATIC, "p/Holder", "EXIT", "Lp/Action;");
            mv.visitFieldInsn(GETSTATIC, "p/Holder", "SAFE", "Lp/Action;");
            mv.visitInsn(SWAP);
            mv.visitMethodInsn(INVOKEINTERFACE, "p/Action", "act", "()V", true);
            mv.visitInsn(POP);
        }))));
    }

    @Test
    void aDupX1FallsBackToTheHierarchy() {
        // getstatic SAFE; getstatic EXIT; dup_x1 (EXIT SAFE EXIT); pop; pop; invokeinterface act (on EXIT)
        denied(scanReachable(archive(withTrick(mv -> {
            mv.visitFieldInsn(GETSTATIC, "p/Holder", "SAFE", "Lp/Action;");
            mv.visitFieldInsn(GETSTATIC, "p/Holder", "EXIT", "Lp/Action;");
            mv.visitInsn(DUP_X1);
            mv.visitInsn(POP);
            mv.visitInsn(POP);
            mv.visitMethodInsn(INVOKEINTERFACE, "p/Action", "act", "()V", true);
        }))));
    }

    @Test
    void aJumpTargetBetweenTheReadAndTheCallFallsBackToTheHierarchy() {
        // if (nanoTime() == 0) push EXIT else push SAFE; then (a jump target) invokeinterface act
        denied(scanReachable(archive(withTrick(mv -> {
            Label safe = new Label();
            Label call = new Label();
            mv.visitMethodInsn(INVOKESTATIC, "java/lang/System", "nanoTime", "()J", false);
            mv.visitInsn(LCONST_0);
            mv.visitInsn(LCMP);
            mv.visitJumpInsn(IFNE, safe);
            mv.visitFieldInsn(GETSTATIC, "p/Holder", "EXIT", "Lp/Action;");
            mv.visitJumpInsn(GOTO, call);
            mv.visitLabel(safe);
            mv.visitFrame(F_FULL, 0, new Object[0], 0, new Object[0]);
            mv.visitFieldInsn(GETSTATIC, "p/Holder", "SAFE", "Lp/Action;");
            mv.visitLabel(call);
            mv.visitFrame(F_FULL, 0, new Object[0], 1, new Object[] {"p/Action"});
            mv.visitMethodInsn(INVOKEINTERFACE, "p/Action", "act", "()V", true);
        }))));
    }

    @Test
    void theTrackerCountsStackSlotsExactly() {
        // A straight line without a shuffle: getstatic EXIT; getstatic SAFE; pop; invokeinterface act (on EXIT)
        denied(scanReachable(archive(withTrick(mv -> {
            mv.visitFieldInsn(GETSTATIC, "p/Holder", "EXIT", "Lp/Action;");
            mv.visitFieldInsn(GETSTATIC, "p/Holder", "SAFE", "Lp/Action;");
            mv.visitInsn(POP);
            mv.visitMethodInsn(INVOKEINTERFACE, "p/Action", "act", "()V", true);
        }))));
        // The tracker follows a receiver past arguments of two slots: getstatic SAFE; lconst_0; dconst_0; act(JD)V
        // (Exit's act(JD)V calls its act()V: a miscounted depth would fall back and reach it).
        accepted(scanReachable(archive(withTrick(mv -> {
            mv.visitFieldInsn(GETSTATIC, "p/Holder", "SAFE", "Lp/Action;");
            mv.visitInsn(LCONST_0);
            mv.visitInsn(DCONST_0);
            mv.visitMethodInsn(INVOKEINTERFACE, "p/Action", "act", "(JD)V", true);
        }))));
    }

    @Test
    void aReceiverBelowMoreValuesThanTheTrackerHoldsFallsBack() {
        // getstatic EXIT; 8 x getstatic SAFE; 8 x pop; invokeinterface act (on EXIT, no longer followed)
        denied(scanReachable(archive(withTrick(mv -> {
            mv.visitFieldInsn(GETSTATIC, "p/Holder", "EXIT", "Lp/Action;");
            for (int i = 0; i < 8; i++) {
                mv.visitFieldInsn(GETSTATIC, "p/Holder", "SAFE", "Lp/Action;");
            }
            for (int i = 0; i < 8; i++) {
                mv.visitInsn(POP);
            }
            mv.visitMethodInsn(INVOKEINTERFACE, "p/Action", "act", "()V", true);
        }))));
        // Within the bound it is followed: getstatic SAFE; 7 x getstatic EXIT; 7 x pop; invokeinterface act (on SAFE)
        accepted(scanReachable(archive(withTrick(mv -> {
            mv.visitFieldInsn(GETSTATIC, "p/Holder", "SAFE", "Lp/Action;");
            for (int i = 0; i < 7; i++) {
                mv.visitFieldInsn(GETSTATIC, "p/Holder", "EXIT", "Lp/Action;");
            }
            for (int i = 0; i < 7; i++) {
                mv.visitInsn(POP);
            }
            mv.visitMethodInsn(INVOKEINTERFACE, "p/Action", "act", "()V", true);
        }))));
    }

    /**
     * A class file older than version 53 may assign a static final field in any method of its class, not
     * only its static initialiser: such an assignment makes the field's values unknown.
     */
    @Test
    void anOldClassFileAssigningItsFinalFieldOutsideItsInitialiserFallsBack() {
        String old = "package p; public final class Old { public static final Action SAFE = new Safe(); public static void reset() { } }";
        String body = "Holder.EXIT.hashCode(); Old.reset(); Old.SAFE.act();";
        Map<String, byte[]> classes = classes(body, HOLDER, "p/Alias.java", ALIAS, "p/Old.java", old);
        classes.put("p/Old.class", oldClass(true));
        denied(scanReachable(archive(classes)));
        // The same class assigning it only in its initialiser is followed.
        classes.put("p/Old.class", oldClass(false));
        accepted(scanReachable(archive(classes)));
    }

    /** A version 52 class p/Old whose initialiser stores a new Safe in SAFE, and whose reset()V stores a new Exit there or does nothing. */
    private static byte[] oldClass(boolean resetAssigns) {
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        cw.visit(V1_8, ACC_PUBLIC | ACC_FINAL | ACC_SUPER, "p/Old", null, "java/lang/Object", null);
        cw.visitField(ACC_PUBLIC | ACC_STATIC | ACC_FINAL, "SAFE", "Lp/Action;", null, null).visitEnd();
        MethodVisitor clinit = cw.visitMethod(ACC_STATIC, "<clinit>", "()V", null, null);
        clinit.visitCode();
        newInto(clinit, "p/Safe");
        clinit.visitInsn(RETURN);
        clinit.visitMaxs(0, 0);
        clinit.visitEnd();
        MethodVisitor reset = cw.visitMethod(ACC_PUBLIC | ACC_STATIC, "reset", "()V", null, null);
        reset.visitCode();
        if (resetAssigns) {
            newInto(reset, "p/Exit");
        }
        reset.visitInsn(RETURN);
        reset.visitMaxs(0, 0);
        reset.visitEnd();
        cw.visitEnd();
        return cw.toByteArray();
    }

    /** new type; dup; invokespecial type.&lt;init&gt;; putstatic p/Old.SAFE */
    private static void newInto(MethodVisitor mv, String type) {
        mv.visitTypeInsn(NEW, type);
        mv.visitInsn(DUP);
        mv.visitMethodInsn(INVOKESPECIAL, type, "<init>", "()V", false);
        mv.visitFieldInsn(PUTSTATIC, "p/Old", "SAFE", "Lp/Action;");
    }

    /** The archive of Holder (SAFE and EXIT) and a class p/Trick whose static run()V the entry calls, its body written by {@code body}. */
    private static Map<String, byte[]> withTrick(java.util.function.Consumer<MethodVisitor> body) {
        Map<String, byte[]> classes = classes("Trick.run();", HOLDER, "p/Alias.java", ALIAS,
                "p/Trick.java", "package p; final class Trick { static void run() { } }");
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        cw.visit(V17, ACC_FINAL | ACC_SUPER, "p/Trick", null, "java/lang/Object", null);
        MethodVisitor mv = cw.visitMethod(ACC_STATIC, "run", "()V", null, null);
        mv.visitCode();
        body.accept(mv);
        mv.visitInsn(RETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
        cw.visitEnd();
        classes.put("p/Trick.class", cw.toByteArray());
        return classes;
    }
}
