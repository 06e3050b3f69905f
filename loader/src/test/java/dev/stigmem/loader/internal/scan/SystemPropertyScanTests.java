package dev.stigmem.loader.internal.scan;

import static dev.stigmem.loader.internal.scan.TestArchives.archive;
import static dev.stigmem.loader.internal.scan.TestArchives.brief;
import static dev.stigmem.loader.internal.scan.TestArchives.scan;
import static dev.stigmem.loader.internal.scan.TestArchives.scanSource;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stigmem.loader.scan.PolicyRule;
import dev.stigmem.loader.scan.ScanPolicy;
import dev.stigmem.loader.scan.ScanReport;
import java.util.Map;
import java.util.function.Consumer;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import org.junit.jupiter.api.Test;

/**
 * System property reads: a read whose key is a string constant pushed right before the call, that the
 * policy allows ({@code allow-property}), reports nothing; any other key, a key that is not a constant,
 * or a sequence that a jump enters stays denied (rule system.properties).
 */
class SystemPropertyScanTests implements Opcodes {

    private static final String GET_PROPERTY = "java.lang.System#getProperty(Ljava/lang/String;)Ljava/lang/String;";
    private static final String GET_PROPERTY_2 = "java.lang.System#getProperty(Ljava/lang/String;Ljava/lang/String;)Ljava/lang/String;";

    @Test
    void theShippedPolicyAllowsPlatformKeysOnly() {
        assertThat(ScanPolicy.shipped().rules().stream().filter(r -> r.kind() == PolicyRule.Kind.ALLOW_PROPERTY)
                .map(PolicyRule::owner)).contains("line.separator", "java.version", "os.name")
                .doesNotContain("user.home", "user.name", "java.home", "user.dir");
    }

    @Test
    void constantAllowedKeysPassAndOtherOrComputedKeysAreDenied() {
        ScanReport report = scanSource("p/Props.java", """
                package p;
                import java.util.function.UnaryOperator;
                public final class Props {
                    String separator() { return System.getProperty("line.separator"); }
                    String version() { return System.getProperty("java.version", "17"); }
                    boolean flag() { return Boolean.getBoolean("java.vm.name"); }
                    Integer classVersion() { return Integer.getInteger("java.class.version", 61); }
                    Long arch() { return Long.getLong("os.arch"); }
                    String folded() { return System.getProperty("java." + "vendor"); }
                    String home() { return System.getProperty("user.home"); }
                    String computed(String suffix) { return System.getProperty("java.ver" + suffix); }
                    String byParameter(String key) { return System.getProperty(key); }
                    String computedDefault(String d) { return System.getProperty("java.version", d); }
                    Integer otherKey() { return Integer.getInteger("stigmem.port"); }
                    UnaryOperator<String> reference() { return System::getProperty; }
                }
                """);

        // Lines 4 to 9 read allowed keys by constants ("java." + "vendor" is one constant to javac) and pass.
        assertThat(brief(report.findings())).containsExactly(
                "DENY system.properties " + GET_PROPERTY + " @ p.Props.home()Ljava/lang/String;:10",
                "DENY system.properties " + GET_PROPERTY + " @ p.Props.computed(Ljava/lang/String;)Ljava/lang/String;:11",
                "DENY system.properties " + GET_PROPERTY + " @ p.Props.byParameter(Ljava/lang/String;)Ljava/lang/String;:12",
                "DENY system.properties " + GET_PROPERTY_2 + " @ p.Props.computedDefault(Ljava/lang/String;)Ljava/lang/String;:13",
                "DENY system.properties java.lang.Integer#getInteger(Ljava/lang/String;)Ljava/lang/Integer; @ p.Props.otherKey()Ljava/lang/Integer;:14",
                "DENY system.properties " + GET_PROPERTY + " @ p.Props.reference()Ljava/util/function/UnaryOperator;:15");
        assertThat(report.findings().get(0).reason()).startsWith("System properties and the environment hold the node's configuration");
    }

    @Test
    void settingOrListingPropertiesStaysDeniedWhateverTheKey() {
        ScanReport report = scanSource("p/Set.java", """
                package p;
                public final class Set {
                    void set() { System.setProperty("java.version", "1"); }
                    Object all() { return System.getProperties(); }
                }
                """);

        assertThat(brief(report.findings())).containsExactly(
                "DENY system.properties java.lang.System#setProperty(Ljava/lang/String;Ljava/lang/String;)Ljava/lang/String; @ p.Set.set()V:3",
                "DENY system.properties java.lang.System#getProperties()Ljava/util/Properties; @ p.Set.all()Ljava/lang/Object;:4");
    }

    @Test
    void aJumpIntoTheKeySequenceOrAnInstructionInBetweenKeepsTheReadDenied() {
        // read(k): k == null ? getProperty("java.version") : getProperty(k), both through one call whose
        // offset is a jump target: the key on the stack is not known.
        byte[] jump = generated("p/Jump", mv -> {
            Label call = new Label();
            Label other = new Label();
            mv.visitVarInsn(ALOAD, 0);
            mv.visitJumpInsn(IFNONNULL, other);
            mv.visitLdcInsn("java.version");
            mv.visitLabel(call);
            mv.visitLineNumber(21, call);
            mv.visitMethodInsn(INVOKESTATIC, "java/lang/System", "getProperty", "(Ljava/lang/String;)Ljava/lang/String;", false);
            mv.visitInsn(ARETURN);
            mv.visitLabel(other);
            mv.visitVarInsn(ALOAD, 0);
            mv.visitJumpInsn(GOTO, call);
        });
        // The default's offset is a jump target: the key under it is not known either.
        byte[] jumpToDefault = generated("p/JumpDefault", mv -> {
            Label dflt = new Label();
            Label other = new Label();
            mv.visitVarInsn(ALOAD, 0);
            mv.visitJumpInsn(IFNONNULL, other);
            mv.visitLdcInsn("java.version");
            mv.visitLabel(dflt);
            mv.visitLdcInsn("17");
            mv.visitMethodInsn(INVOKESTATIC, "java/lang/System", "getProperty",
                    "(Ljava/lang/String;Ljava/lang/String;)Ljava/lang/String;", false);
            mv.visitInsn(ARETURN);
            mv.visitLabel(other);
            mv.visitVarInsn(ALOAD, 0);
            mv.visitJumpInsn(GOTO, dflt);
        });
        byte[] between = generated("p/Between", mv -> {
            mv.visitLdcInsn("java.version");
            mv.visitInsn(NOP);
            mv.visitMethodInsn(INVOKESTATIC, "java/lang/System", "getProperty", "(Ljava/lang/String;)Ljava/lang/String;", false);
            mv.visitInsn(ARETURN);
        });

        ScanReport report = scan(archive(Map.of("p/Jump.class", jump, "p/JumpDefault.class", jumpToDefault, "p/Between.class", between)));

        String read = ".read(Ljava/lang/String;)Ljava/lang/String;";
        assertThat(brief(report.findings())).containsExactly(
                "DENY system.properties " + GET_PROPERTY + " @ p.Between" + read + ":20",
                "DENY system.properties " + GET_PROPERTY + " @ p.Jump" + read + ":21",
                "DENY system.properties " + GET_PROPERTY_2 + " @ p.JumpDefault" + read + ":20");
    }

    @Test
    void aLabelThatIsNoJumpTargetDoesNotMatterAndTheLineNumberPassAgreesWithTheFirstPass() {
        // A line-number label between key and call, in a class that has another finding, so that it is
        // read a second time with its debug attributes: the read stays allowed in both passes.
        byte[] labelled = generated("p/Labelled", mv -> {
            mv.visitLdcInsn("java.version");
            Label l = new Label();
            mv.visitLabel(l);
            mv.visitLineNumber(22, l);
            mv.visitMethodInsn(INVOKESTATIC, "java/lang/System", "getProperty", "(Ljava/lang/String;)Ljava/lang/String;", false);
            mv.visitMethodInsn(INVOKESTATIC, "java/lang/System", "exit", "()V", false);
            mv.visitInsn(ACONST_NULL);
            mv.visitInsn(ARETURN);
        });

        ScanReport report = scan(archive(Map.of("p/Labelled.class", labelled)));

        assertThat(brief(report.findings())).containsExactly(
                "DENY vm.exit java.lang.System#exit()V @ p.Labelled.read(Ljava/lang/String;)Ljava/lang/String;:22");
    }

    /** A class whose static method {@code read(Ljava/lang/String;)Ljava/lang/String;} is {@code body}, from line 20. */
    private static byte[] generated(String name, Consumer<MethodVisitor> body) {
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        cw.visit(V17, ACC_PUBLIC | ACC_FINAL | ACC_SUPER, name, null, "java/lang/Object", null);
        MethodVisitor mv = cw.visitMethod(ACC_PUBLIC | ACC_STATIC, "read", "(Ljava/lang/String;)Ljava/lang/String;", null, null);
        mv.visitCode();
        Label start = new Label();
        mv.visitLabel(start);
        mv.visitLineNumber(20, start);
        body.accept(mv);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
        cw.visitEnd();
        return cw.toByteArray();
    }
}
