package dev.stigmem.loader.internal.scan;

import static dev.stigmem.loader.internal.scan.TestArchives.archive;
import static dev.stigmem.loader.internal.scan.TestArchives.brief;
import static dev.stigmem.loader.internal.scan.TestArchives.compile;
import static dev.stigmem.loader.internal.scan.TestArchives.scan;
import static dev.stigmem.loader.internal.scan.TestArchives.scanSource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stigmem.loader.scan.Finding;
import dev.stigmem.loader.scan.PolicyRule;
import dev.stigmem.loader.scan.RuleIds;
import dev.stigmem.loader.scan.ScanPolicy;
import dev.stigmem.loader.scan.ScanPolicyException;
import dev.stigmem.loader.scan.ScanReport;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ConstantDynamic;
import net.bytebuddy.jar.asm.Handle;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;
import org.junit.jupiter.api.Test;

/**
 * Dynamic linkage fails closed (rule linkage.bootstrap): every invokedynamic and constant-dynamic
 * bootstrap, nested ones included, must be one the policy allows; lookup and resolve-by-name APIs
 * are denied. Each route that trips has a passing counterpart beside it.
 */
class DynamicLinkageScanTests {

    private static final String LOOKUP = "java.lang.invoke.MethodHandles$Lookup";
    private static final String INDY_BSM_DESC =
            "(Ljava/lang/invoke/MethodHandles$Lookup;Ljava/lang/String;Ljava/lang/invoke/MethodType;)Ljava/lang/invoke/CallSite;";
    private static final String CONDY_BSM_DESC =
            "(Ljava/lang/invoke/MethodHandles$Lookup;Ljava/lang/String;Ljava/lang/Class;)Ljava/lang/Object;";
    private static final Handle METAFACTORY = new Handle(Opcodes.H_INVOKESTATIC, "java/lang/invoke/LambdaMetafactory",
            "metafactory", "(Ljava/lang/invoke/MethodHandles$Lookup;Ljava/lang/String;Ljava/lang/invoke/MethodType;"
            + "Ljava/lang/invoke/MethodType;Ljava/lang/invoke/MethodHandle;Ljava/lang/invoke/MethodType;)Ljava/lang/invoke/CallSite;",
            false);
    private static final Handle CONCAT = new Handle(Opcodes.H_INVOKESTATIC, "java/lang/invoke/StringConcatFactory",
            "makeConcatWithConstants", "(Ljava/lang/invoke/MethodHandles$Lookup;Ljava/lang/String;Ljava/lang/invoke/MethodType;"
            + "Ljava/lang/String;[Ljava/lang/Object;)Ljava/lang/invoke/CallSite;", false);
    private static final Handle NULL_CONSTANT = new Handle(Opcodes.H_INVOKESTATIC, "java/lang/invoke/ConstantBootstraps",
            "nullConstant", CONDY_BSM_DESC, false);
    private static final Handle GET_STATIC_FINAL = new Handle(Opcodes.H_INVOKESTATIC, "java/lang/invoke/ConstantBootstraps",
            "getStaticFinal", CONDY_BSM_DESC, false);
    private static final Handle STRING_LENGTH = new Handle(Opcodes.H_INVOKEVIRTUAL, "java/lang/String", "length", "()I", false);
    private static final String REASON = shippedBootstrapReason();

    private static String shippedBootstrapReason() {
        return ScanPolicy.shipped().rules().stream().filter(r -> r.kind() == PolicyRule.Kind.ALLOW_BOOTSTRAP)
                .map(PolicyRule::reason).findFirst().orElseThrow();
    }

    // ---------------------------------------------------------------- what javac writes passes

    @Test
    void lambdasMethodReferencesStringConcatenationRecordsAndEnumSwitchesCompiledByJavacScanClean() {
        Map<String, byte[]> classes = compile(Map.of("p/Idioms.java", """
                package p;
                import java.io.Serializable;
                import java.util.*;
                import java.util.function.*;
                public final class Idioms {
                    enum Color { RED, GREEN }
                    record Point(int x, String name) {}
                    interface SerFn extends Function<String, Integer>, Serializable {}
                    Object run(List<String> in, int n) {
                        Runnable r = () -> System.nanoTime();
                        r.run();
                        Function<String, Integer> len = String::length;
                        Supplier<List<String>> make = ArrayList::new;
                        SerFn ser = s -> s.length() + n;
                        String text = "n=" + n + ", first=" + in.get(0) + '!' + len.apply("x") + ser.apply("y");
                        Point p = new Point(n, text);
                        int code = switch (Color.values()[n % 2]) {
                            case RED -> 1;
                            case GREEN -> 2;
                        };
                        switch (text) {
                            case "a" -> code++;
                            default -> code--;
                        }
                        return p.equals(new Point(code, text)) + p.toString() + p.hashCode() + make.get();
                    }
                }
                """));

        // What the test plugin holds: every kind of bootstrap javac writes for these idioms.
        assertThat(bootstrapsOf(classes)).contains(
                "java/lang/invoke/LambdaMetafactory#metafactory",
                "java/lang/invoke/LambdaMetafactory#altMetafactory",
                "java/lang/invoke/StringConcatFactory#makeConcatWithConstants",
                "java/lang/runtime/ObjectMethods#bootstrap");
        ScanReport report = scan(archive(classes));
        assertThat(brief(report.findings())).isEmpty();
        assertThat(report.verdict()).isEqualTo(ScanReport.Verdict.ACCEPT);
    }

    // ---------------------------------------------------------------- plugin bootstrap via invokedynamic

    @Test
    void invokedynamicWithThePluginsOwnBootstrapIsDenied() {
        Handle own = new Handle(Opcodes.H_INVOKESTATIC, "p/Indy", "bsm", INDY_BSM_DESC, false);

        ScanReport report = scan(archive(Map.of("p/Indy.class", GeneratedClasses.indy("p/Indy", "run", "()V", own, 10))));

        // The bootstrap is denied; the Lookup its descriptor names is denied too, at the call and where it is declared.
        assertThat(brief(report.findings())).containsExactly(
                "DENY lookup " + LOOKUP + " @ p.Indy.bsm" + INDY_BSM_DESC + ":-1",
                "DENY linkage.bootstrap p.Indy#bsm" + INDY_BSM_DESC + " @ p.Indy.call()V:10",
                "DENY lookup " + LOOKUP + " @ p.Indy.call()V:10");
        Finding f = report.findings().get(1);
        assertThat(f.reason()).isEqualTo(REASON);
        assertThat(report.verdict()).isEqualTo(ScanReport.Verdict.REJECT);
    }

    @Test
    void invokedynamicWithAnAllowedJdkBootstrapPasses() {
        // A hand-made lambda: metafactory with String#length as its implementation.
        ScanReport report = scan(archive(Map.of("p/Indy.class", GeneratedClasses.indy("p/Indy", "applyAsInt",
                "()Ljava/util/function/ToIntFunction;", METAFACTORY, 10,
                Type.getMethodType("(Ljava/lang/Object;)I"), STRING_LENGTH, Type.getMethodType("(Ljava/lang/String;)I")))));

        assertThat(brief(report.findings())).isEmpty();
    }

    @Test
    void allowedBootstrapNameOnAClassOfTheArchiveOrThroughANonStaticHandleIsDenied() {
        // A class of the archive named like the JDK's: its own bootstrap, whatever its name.
        Handle shadow = new Handle(Opcodes.H_INVOKESTATIC, "java/lang/invoke/LambdaMetafactory", "metafactory", INDY_BSM_DESC, false);
        Handle virtual = new Handle(Opcodes.H_INVOKEVIRTUAL, "java/lang/invoke/LambdaMetafactory", "metafactory", INDY_BSM_DESC, false);
        Map<String, byte[]> entries = new TreeMap<>();
        entries.put("java/lang/invoke/LambdaMetafactory.class",
                GeneratedClasses.indy("java/lang/invoke/LambdaMetafactory", "run", "()V", shadow, 3));
        entries.put("p/Virtual.class", GeneratedClasses.indy("p/Virtual", "run", "()V", virtual, 4));

        ScanReport report = scan(archive(entries));

        assertThat(report.findings(RuleIds.LINKAGE_BOOTSTRAP)).extracting(TestArchives::brief).containsExactly(
                "DENY linkage.bootstrap java.lang.invoke.LambdaMetafactory#metafactory" + INDY_BSM_DESC
                        + " @ java.lang.invoke.LambdaMetafactory.call()V:3",
                "DENY linkage.bootstrap java.lang.invoke.LambdaMetafactory#metafactory" + INDY_BSM_DESC + " @ p.Virtual.call()V:4");
    }

    // ---------------------------------------------------------------- constant-dynamic

    @Test
    void constantDynamicWithThePluginsOwnBootstrapIsDenied() {
        Handle own = new Handle(Opcodes.H_INVOKESTATIC, "p/Condy", "make", CONDY_BSM_DESC, false);

        ScanReport report = scan(archive(Map.of("p/Condy.class",
                GeneratedClasses.ldc("p/Condy", new ConstantDynamic("x", "Ljava/lang/Object;", own), 5))));

        assertThat(brief(report.findings())).containsExactly(
                "DENY lookup " + LOOKUP + " @ p.Condy.make" + CONDY_BSM_DESC + ":-1",
                "DENY linkage.bootstrap p.Condy#make" + CONDY_BSM_DESC + " @ p.Condy.grab()Ljava/lang/Object;:5",
                "DENY lookup " + LOOKUP + " @ p.Condy.grab()Ljava/lang/Object;:5");
        assertThat(report.findings().get(1).reason()).isEqualTo(REASON);
    }

    @Test
    void constantDynamicWithAnAllowedJdkBootstrapPasses() {
        ScanReport report = scan(archive(Map.of("p/Condy.class",
                GeneratedClasses.ldc("p/Condy", new ConstantDynamic("x", "Ljava/lang/Object;", NULL_CONSTANT), 5))));

        assertThat(brief(report.findings())).isEmpty();
    }

    @Test
    void constantBootstrapsInvokeAndGetStaticFinalAsConstantDynamicBootstrapsAreDenied() {
        Map<String, byte[]> entries = new TreeMap<>();
        entries.put("p/Invoke.class", GeneratedClasses.ldc("p/Invoke", GeneratedClasses.condy(GeneratedClasses.INVOKE_BOOTSTRAP, 1,
                STRING_LENGTH), 6));
        entries.put("p/Static.class", GeneratedClasses.ldc("p/Static",
                new ConstantDynamic("out", "Ljava/io/PrintStream;", GET_STATIC_FINAL, Type.getType(System.class)), 7));

        ScanReport report = scan(archive(entries));

        String invoke = "java.lang.invoke.ConstantBootstraps#invoke" + GeneratedClasses.INVOKE_BOOTSTRAP.getDesc();
        String getStatic = "java.lang.invoke.ConstantBootstraps#getStaticFinal" + CONDY_BSM_DESC;
        assertThat(brief(report.findings())).containsExactly(
                "DENY linkage.bootstrap " + invoke + " @ p.Invoke.grab()Ljava/lang/Object;:6",
                "DENY lookup " + invoke + " @ p.Invoke.grab()Ljava/lang/Object;:6",
                "DENY lookup " + LOOKUP + " @ p.Invoke.grab()Ljava/lang/Object;:6",
                "DENY linkage.bootstrap " + getStatic + " @ p.Static.grab()Ljava/lang/Object;:7",
                "DENY lookup " + getStatic + " @ p.Static.grab()Ljava/lang/Object;:7",
                "DENY lookup " + LOOKUP + " @ p.Static.grab()Ljava/lang/Object;:7");
    }

    @Test
    void constantDynamicNestedAsAnArgumentOfAnAllowedBootstrapIsJudgedAsItsOwnBootstrap() {
        // String concatenation (allowed) whose constant is a dynamic constant computed by ConstantBootstraps.invoke.
        ConstantDynamic hidden = GeneratedClasses.condy(GeneratedClasses.INVOKE_BOOTSTRAP, 1, STRING_LENGTH);
        ConstantDynamic harmless = GeneratedClasses.condy(2, 42);
        Map<String, byte[]> entries = new TreeMap<>();
        entries.put("p/Nested.class", GeneratedClasses.indy("p/Nested", "makeConcatWithConstants", "()Ljava/lang/String;", CONCAT, 8,
                "\u0002", hidden));
        entries.put("p/Fine.class", GeneratedClasses.indy("p/Fine", "makeConcatWithConstants", "()Ljava/lang/String;", CONCAT, 9,
                "\u0002", harmless));

        ScanReport report = scan(archive(entries));

        String invoke = "java.lang.invoke.ConstantBootstraps#invoke" + GeneratedClasses.INVOKE_BOOTSTRAP.getDesc();
        assertThat(brief(report.findings())).containsExactly(
                "DENY linkage.bootstrap " + invoke + " @ p.Nested.call()V:8",
                "DENY lookup " + invoke + " @ p.Nested.call()V:8",
                "DENY lookup " + LOOKUP + " @ p.Nested.call()V:8");
    }

    @Test
    void argumentsOfAnAllowedBootstrapAreJudgedAsAnyReference() {
        // A lambda whose implementation is System#exit: the bootstrap is allowed, its handle argument is not.
        Handle exit = new Handle(Opcodes.H_INVOKESTATIC, "java/lang/System", "exit", "(I)V", false);

        ScanReport report = scan(archive(Map.of("p/Indy.class", GeneratedClasses.indy("p/Indy", "accept",
                "()Ljava/util/function/IntConsumer;", METAFACTORY, 11,
                Type.getMethodType("(I)V"), exit, Type.getMethodType("(I)V")))));

        assertThat(brief(report.findings())).containsExactly("DENY vm.exit java.lang.System#exit(I)V @ p.Indy.call()V:11");
    }

    // ---------------------------------------------------------------- resolve-by-name APIs (javac output)

    @Test
    void resolvingNominalDescriptorsIsDeniedAndDescribingPasses() {
        ScanReport report = scanSource("p/Desc.java", """
                package p;
                import java.lang.constant.*;
                import java.lang.invoke.MethodHandles;
                public final class Desc {
                    Object cls() throws ReflectiveOperationException {
                        return ClassDesc.of("java.lang.System").resolveConstantDesc(MethodHandles.publicLookup());
                    }
                    Object dyn(DynamicConstantDesc<?> d) throws ReflectiveOperationException {
                        return d.resolveConstantDesc(MethodHandles.publicLookup());
                    }
                    String fine() { return ClassDesc.of("java.lang.System").descriptorString() + ConstantDescs.CD_String.displayName(); }
                }
                """);

        String publicLookup = "DENY lookup java.lang.invoke.MethodHandles#publicLookup()Ljava/lang/invoke/MethodHandles$Lookup;";
        String cls = " @ p.Desc.cls()Ljava/lang/Object;:6";
        String dyn = " @ p.Desc.dyn(Ljava/lang/constant/DynamicConstantDesc;)Ljava/lang/Object;:9";
        assertThat(brief(report.findings())).containsExactly(
                "DENY lookup java.lang.constant.ClassDesc#resolveConstantDesc(Ljava/lang/invoke/MethodHandles$Lookup;)Ljava/lang/Object;" + cls,
                publicLookup + cls,
                "DENY lookup " + LOOKUP + cls,
                "DENY lookup java.lang.constant.DynamicConstantDesc#resolveConstantDesc(Ljava/lang/invoke/MethodHandles$Lookup;)Ljava/lang/Object;" + dyn,
                publicLookup + dyn,
                "DENY lookup " + LOOKUP + dyn);
    }

    @Test
    void methodTypeFromADescriptorStringIsDeniedAndBuildingOneFromClassesPasses() {
        ScanReport report = scanSource("p/Types.java", """
                package p;
                import java.lang.invoke.MethodType;
                public final class Types {
                    Object parse() { return MethodType.fromMethodDescriptorString("()V", null); }
                    Object fine() { return MethodType.methodType(int.class, String.class).toMethodDescriptorString(); }
                }
                """);

        assertThat(brief(report.findings())).containsExactly(
                "DENY class.define java.lang.ClassLoader @ p.Types.parse()Ljava/lang/Object;:4",
                "DENY lookup java.lang.invoke.MethodType#fromMethodDescriptorString(Ljava/lang/String;Ljava/lang/ClassLoader;)Ljava/lang/invoke/MethodType;"
                        + " @ p.Types.parse()Ljava/lang/Object;:4");
    }

    @Test
    void findingMembersThroughAPublicLookupIsDeniedAndMethodReferencesAndLdcOfAllowedHandlesPass() {
        ScanReport report = scanSource("p/Find.java", """
                package p;
                import java.lang.invoke.*;
                import java.util.function.ToIntFunction;
                public final class Find {
                    Object find() throws ReflectiveOperationException {
                        return MethodHandles.publicLookup().findVirtual(String.class, "length", MethodType.methodType(int.class));
                    }
                    ToIntFunction<String> fine() { return String::length; }
                }
                """);
        ScanReport ldc = scan(archive(Map.of("p/Ldc.class", GeneratedClasses.ldc("p/Ldc", STRING_LENGTH, 3))));

        String find = " @ p.Find.find()Ljava/lang/Object;:6";
        assertThat(brief(report.findings())).containsExactly(
                "DENY lookup java.lang.invoke.MethodHandles#publicLookup()Ljava/lang/invoke/MethodHandles$Lookup;" + find,
                "DENY lookup " + LOOKUP + find,
                "DENY lookup " + LOOKUP + "#findVirtual(Ljava/lang/Class;Ljava/lang/String;Ljava/lang/invoke/MethodType;)Ljava/lang/invoke/MethodHandle;"
                        + find);
        assertThat(ldc.findings()).isEmpty();
    }

    @Test
    void aLookupInAMethodSignatureIsDeniedAndAMethodHandleIsNot() {
        ScanReport report = scanSource("p/Sig.java", """
                package p;
                import java.lang.invoke.*;
                public final class Sig {
                    void take(MethodHandles.Lookup l) {
                    }
                    Object fine(MethodHandle h) {
                        return h.type();
                    }
                }
                """);

        assertThat(brief(report.findings())).containsExactly(
                "DENY lookup " + LOOKUP + " @ p.Sig.take(Ljava/lang/invoke/MethodHandles$Lookup;)V:-1");
    }

    // ---------------------------------------------------------------- the policy

    @Test
    void theReasonIsThatOfThePolicysAllowBootstrapGroupAndWithoutAnyAllowBootstrapLineEveryBootstrapIsDenied() {
        PolicyIndex shipped = new PolicyIndex(ScanPolicy.shipped());
        PolicyIndex none = new PolicyIndex(ScanPolicy.shipped().rules().stream()
                .filter(r -> r.kind() != PolicyRule.Kind.ALLOW_BOOTSTRAP).toList());

        assertThat(REASON).startsWith("The JVM hands a bootstrap method a full-privilege Lookup");
        assertThat(shipped.bootstrapReason()).isEqualTo(REASON);
        assertThat(shipped.bootstrapAllowed(METAFACTORY.getOwner(), METAFACTORY.getName(), METAFACTORY.getDesc())).isTrue();
        assertThat(shipped.bootstrapAllowed(GET_STATIC_FINAL.getOwner(), GET_STATIC_FINAL.getName(), GET_STATIC_FINAL.getDesc())).isFalse();
        assertThat(none.bootstrapAllowed(METAFACTORY.getOwner(), METAFACTORY.getName(), METAFACTORY.getDesc())).isFalse();
        assertThat(none.bootstrapReason()).isEqualTo(PolicyIndex.NO_BOOTSTRAP_ALLOWED);
    }

    @Test
    void operatorPoliciesCannotAllowABootstrapNorTakeTheReservedId() {
        assertThatThrownBy(() -> ScanPolicy.shipped().withOperatorPolicy("ops.policy", """
                @rule ops.bootstraps Our own bootstrap
                allow-bootstrap com.example.Boot#bsm
                """))
                .isInstanceOf(ScanPolicyException.class)
                .hasMessage("ops.policy:2: 'allow-bootstrap com.example.Boot#bsm' would widen what plugin code may do at run time;"
                        + " allow-bootstrap lines belong to the shipped policy only");
        assertThatThrownBy(() -> ScanPolicy.shipped().withOperatorPolicy("ops.policy", "@rule linkage.bootstrap Mine\n"))
                .hasMessage("ops.policy:1: rule id 'linkage.bootstrap' is reserved for the scanner");
        assertThat(RuleIds.RESERVED).contains(RuleIds.LINKAGE_BOOTSTRAP);
    }

    /** The bootstrap methods ({@code owner#name}) of every invokedynamic in these class files. */
    private static Set<String> bootstrapsOf(Map<String, byte[]> classes) {
        Set<String> out = new TreeSet<>();
        for (byte[] b : classes.values()) {
            new ClassReader(b).accept(new ClassVisitor(Opcodes.ASM9) {
                @Override
                public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
                    return new MethodVisitor(Opcodes.ASM9) {
                        @Override
                        public void visitInvokeDynamicInsn(String n, String d, Handle bsm, Object... args) {
                            out.add(bsm.getOwner() + "#" + bsm.getName());
                        }
                    };
                }
            }, 0);
        }
        return out;
    }
}
