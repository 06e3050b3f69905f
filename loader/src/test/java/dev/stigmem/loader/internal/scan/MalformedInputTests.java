package dev.stigmem.loader.internal.scan;

import static dev.stigmem.loader.internal.scan.TestArchives.archive;
import static dev.stigmem.loader.internal.scan.TestArchives.compile;
import static dev.stigmem.loader.internal.scan.TestArchives.manifest;
import static dev.stigmem.loader.internal.scan.TestArchives.scan;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stigmem.loader.internal.archive.ArchiveImage;
import dev.stigmem.loader.scan.ScanInputException;
import dev.stigmem.loader.scan.ScanLimitException;
import dev.stigmem.loader.scan.ScanLimits;
import dev.stigmem.loader.scan.ScanPolicy;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import org.junit.jupiter.api.Test;

/** Class files the scanner cannot read fully, and archives beyond a bound, fail the scan closed, naming jar and entry. */
class MalformedInputTests {

    private static final byte[] VALID = compile(Map.of("p/Direct.java", CapabilityScanTests.DIRECT)).get("p/Direct.class");

    private static ArchiveImage withClass(byte[] bytes) {
        return archive(Map.of("p/Direct.class", bytes));
    }

    @Test
    void truncatedClassFileFailsTheScanNamingJarAndEntry() {
        for (int length : new int[] {0, 4, 9, 10, 40, VALID.length / 2, VALID.length - 1}) {
            assertThatThrownBy(() -> scan(withClass(Arrays.copyOf(VALID, length))))
                    .as("length %d", length)
                    .isInstanceOf(ScanInputException.class)
                    .hasMessageStartingWith("plugin.jar!p/Direct.class: ");
        }
        assertThatThrownBy(() -> scan(withClass(Arrays.copyOf(VALID, VALID.length - 1))))
                .hasMessageContaining("truncated");
    }

    @Test
    void badMagicFailsTheScan() {
        byte[] b = VALID.clone();
        b[0] = 0x50;

        assertThatThrownBy(() -> scan(withClass(b)))
                .isInstanceOf(ScanInputException.class)
                .hasMessage("plugin.jar!p/Direct.class: malformed class file: not a class file (bad magic)");
    }

    @Test
    void classFileNewerThanTheScannerReadsFailsTheScan() {
        byte[] b = VALID.clone();
        b[7] = 70;

        assertThatThrownBy(() -> scan(withClass(b)))
                .isInstanceOf(ScanInputException.class)
                .hasMessage("plugin.jar!p/Direct.class: class-file version 70.0 (Java 26) is newer than the scanner reads (at most 69, Java 25)");
    }

    @Test
    void classFileOfTheNewestSupportedVersionPasses() {
        byte[] b = VALID.clone();
        b[7] = 69;

        assertThat(scan(withClass(b), "facts.write").findings()).isEmpty();
    }

    @Test
    void extraBytesAfterTheClassFileFailTheScan() {
        assertThatThrownBy(() -> scan(withClass(Arrays.copyOf(VALID, VALID.length + 3))))
                .isInstanceOf(ScanInputException.class)
                .hasMessage("plugin.jar!p/Direct.class: malformed class file: 3 extra bytes after the end of the class file");
    }

    @Test
    void classFileAsmCannotParseFailsTheScan() {
        byte[] b = GeneratedClasses.invokeStatic("p/Bad", "java/lang/Thread", "onSpinWait", "()V", 1);
        // Code of call()V: invokestatic #idx (b8 xx xx), return (b1). Make the opcode an undefined one.
        int at = -1;
        for (int i = 0; i + 3 < b.length; i++) {
            if ((b[i] & 0xFF) == 0xB8 && (b[i + 3] & 0xFF) == 0xB1) {
                at = i;
            }
        }
        assertThat(at).isPositive();
        b[at] = (byte) 0xFF;

        assertThatThrownBy(() -> scan(archive(Map.of("p/Bad.class", b))))
                .isInstanceOf(ScanInputException.class)
                .hasMessage("plugin.jar!p/Bad.class: class file cannot be read: it holds an instruction, constant, descriptor "
                        + "or attribute the JVM would refuse")
                // The exception's class is the cause's, for --verbose and the JSON; not in the words.
                .hasCauseInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void codeLengthBeyondItsAttributeFailsTheScanBeforeAsmAllocatesForIt() {
        byte[] b = GeneratedClasses.invokeStatic("p/Big", "java/lang/Thread", "onSpinWait", "()V", 1);
        // code_length of call()V is 4 (invokestatic, return); it precedes the code bytes b8 xx xx b1.
        int at = -1;
        for (int i = 4; i + 3 < b.length; i++) {
            if ((b[i] & 0xFF) == 0xB8 && (b[i + 3] & 0xFF) == 0xB1 && b[i - 1] == 4 && b[i - 2] == 0) {
                at = i - 4;
            }
        }
        assertThat(at).isPositive();
        b[at] = 0x7F;

        assertThatThrownBy(() -> scan(archive(Map.of("p/Big.class", b))))
                .isInstanceOf(ScanInputException.class)
                .hasMessageStartingWith("plugin.jar!p/Big.class: malformed class file: Code attribute with code_length 2130706436");
    }

    @Test
    void randomlyCorruptedClassFilesGiveAReportOrAScanErrorNeverAnythingElse() {
        java.util.Random random = new java.util.Random(20261124L);
        int rejected = 0;
        for (int round = 0; round < 1000; round++) {
            byte[] b = VALID.clone();
            int flips = 1 + random.nextInt(4);
            for (int i = 0; i < flips; i++) {
                b[random.nextInt(b.length)] = (byte) random.nextInt(256);
            }
            try {
                scan(withClass(b), "facts.write");
            } catch (dev.stigmem.loader.scan.ScanException e) {
                assertThat(e.getMessage()).startsWith("plugin.jar!p/Direct.class: ");
                rejected++;
            }
        }
        assertThat(rejected).isPositive();
    }

    @Test
    void firstUnreadableClassInArchiveOrderIsReportedWhateverTheScheduling() {
        Map<String, byte[]> entries = new TreeMap<>();
        for (int i = 0; i < 100; i++) {
            entries.put(String.format("p/C%03d.class", i), i % 10 == 5 ? new byte[] {1, 2, 3} : VALID);
        }

        assertThatThrownBy(() -> scan(archive(entries)))
                .isInstanceOf(ScanInputException.class)
                .hasMessageStartingWith("plugin.jar!p/C005.class: ")
                .satisfies(e -> assertThat(e.getSuppressed()).singleElement()
                        .satisfies(s -> assertThat(s).hasMessage("9 more class files failed")));
    }

    @Test
    void moreClassesThanTheLimitFailTheScan() {
        Map<String, byte[]> entries = new TreeMap<>();
        entries.put("p/A.class", VALID);
        entries.put("p/B.class", VALID);
        entries.put("p/C.class", VALID);
        ScanPolicy policy = ScanPolicy.shipped().withLimits(ScanLimits.DEFAULT.withMaxClasses(2));

        assertThatThrownBy(() -> BytecodeScanner.scan(archive(entries), manifest(), policy))
                .isInstanceOf(ScanLimitException.class)
                .hasMessage("plugin.jar!p/C.class: the archive holds more than 2 class files, the limit");
        assertThat(BytecodeScanner.scan(archive(Map.of("p/A.class", VALID, "p/B.class", VALID)), manifest("facts.write"), policy)
                .classesScanned()).isEqualTo(2);
    }

    @Test
    void classFileLargerThanTheLimitFailsTheScan() {
        ScanPolicy policy = ScanPolicy.shipped().withLimits(ScanLimits.DEFAULT.withMaxClassFileBytes(VALID.length - 1));

        assertThatThrownBy(() -> BytecodeScanner.scan(withClass(VALID), manifest(), policy))
                .isInstanceOf(ScanLimitException.class)
                .hasMessage(String.format("plugin.jar!p/Direct.class: class file of %d bytes exceeds the limit of %d bytes",
                        VALID.length, VALID.length - 1));
        ScanPolicy exact = ScanPolicy.shipped().withLimits(ScanLimits.DEFAULT.withMaxClassFileBytes(VALID.length));
        assertThat(BytecodeScanner.scan(withClass(VALID), manifest("facts.write"), exact).findings()).isEmpty();
    }

    @Test
    void moreFindingsThanTheLimitFailTheScan() {
        Map<String, byte[]> entries = new TreeMap<>();
        entries.put("p/A.class", VALID);
        entries.put("p/B.class", VALID);
        ScanPolicy policy = ScanPolicy.shipped().withLimits(ScanLimits.DEFAULT.withMaxFindings(1));

        assertThatThrownBy(() -> BytecodeScanner.scan(archive(entries), manifest(), policy))
                .isInstanceOf(ScanLimitException.class)
                .hasMessage("test-plugin.zip: more than 1 findings, the limit; the archive is refused");
        assertThat(BytecodeScanner.scan(withClass(VALID), manifest(), policy).findings()).hasSize(1);
    }

    @Test
    void constantDynamicNestedDeeperThanTheLimitFailsTheScan() {
        byte[] deep = GeneratedClasses.ldc("p/Condy", GeneratedClasses.condy(4, 1), 1);
        ScanPolicy policy = ScanPolicy.shipped().withLimits(ScanLimits.DEFAULT.withMaxBootstrapDepth(3));

        assertThatThrownBy(() -> BytecodeScanner.scan(archive(Map.of("p/Condy.class", deep)), manifest(), policy))
                .isInstanceOf(ScanLimitException.class)
                .hasMessage("plugin.jar!p/Condy.class: constant-dynamic bootstrap arguments nest deeper than the limit of 3");
        byte[] within = GeneratedClasses.ldc("p/Condy", GeneratedClasses.condy(3, 1), 1);
        assertThat(BytecodeScanner.scan(archive(Map.of("p/Condy.class", within)), manifest(), policy).findings()).isEmpty();
    }

    @Test
    void cyclicConstantDynamicFailsTheScan() {
        // Two condy constants: the inner one (bootstrap method 0) takes Integer 1, the outer one
        // (bootstrap method 1) the inner one. Point the inner one's argument at the outer one.
        byte[] b = GeneratedClasses.ldc("p/Cycle", GeneratedClasses.condy(2, 1), 1);
        int[] condy = ClassFileProbe.constantsWithTag(b, 17);
        assertThat(condy).hasSize(2);
        int outer = ClassFileProbe.bootstrapIndexOf(b, condy[0]) == 1 ? condy[0] : condy[1];
        ClassFileProbe.setBootstrapArgument(b, 0, 0, outer);

        assertThatThrownBy(() -> scan(archive(Map.of("p/Cycle.class", b))))
                .isInstanceOf(ScanInputException.class)
                .hasMessageContaining("(cycle)");
    }

    /**
     * Line numbers come from a second read of a class with findings, and only of its methods with
     * findings: a broken LineNumberTable in a method without one is never read (the JVM refuses such
     * a class when it loads it, as it would any), in one with a finding it fails the scan.
     */
    @Test
    void onlyTheDebugAttributesOfMethodsWithFindingsAreReadForTheirLines() {
        // The finding (vm.exit) is in call()V at line 22; the table of a broken method is patched by its line, 31354.
        byte[] quietBroken = twoMethods(31354, 9);
        byte[] findingBroken = twoMethods(9, 31354);
        patchLineNumberStart(quietBroken, 31354);
        patchLineNumberStart(findingBroken, 31354);

        assertThat(TestArchives.brief(scan(archive(Map.of("p/Two.class", twoMethods(9, 22)))).findings()))
                .containsExactly("DENY vm.exit java.lang.System#exit(I)V @ p.Two.call()V:22");
        assertThat(TestArchives.brief(scan(archive(Map.of("p/Two.class", quietBroken))).findings()))
                .containsExactly("DENY vm.exit java.lang.System#exit(I)V @ p.Two.call()V:9");
        assertThatThrownBy(() -> scan(archive(Map.of("p/Two.class", findingBroken))))
                .isInstanceOf(ScanInputException.class)
                .hasMessage("plugin.jar!p/Two.class: class file cannot be read: a length or index in it points outside the file or"
                        + " its constant pool");
    }

    /** p.Two: quiet()V (no finding, its only line {@code quietLine}) and call()V (System.exit at {@code callLine}). */
    private static byte[] twoMethods(int quietLine, int callLine) {
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        cw.visit(Opcodes.V17, Opcodes.ACC_PUBLIC | Opcodes.ACC_SUPER, "p/Two", null, "java/lang/Object", null);
        staticMethod(cw, "quiet", quietLine, mv -> { });
        staticMethod(cw, "call", callLine, mv -> {
            mv.visitInsn(Opcodes.ICONST_0);
            mv.visitMethodInsn(Opcodes.INVOKESTATIC, "java/lang/System", "exit", "(I)V", false);
        });
        cw.visitEnd();
        return cw.toByteArray();
    }

    /** A static {@code name()V} that starts at {@code line}, runs {@code body} and returns. */
    private static void staticMethod(ClassWriter cw, String name, int line, java.util.function.Consumer<MethodVisitor> body) {
        MethodVisitor mv = cw.visitMethod(Opcodes.ACC_STATIC, name, "()V", null, null);
        mv.visitCode();
        Label start = new Label();
        mv.visitLabel(start);
        mv.visitLineNumber(line, start);
        body.accept(mv);
        mv.visitInsn(Opcodes.RETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
    }

    /** Points the LineNumberTable entry (start_pc u2, line u2) of the line {@code line}, unique in the file, past the code. */
    private static void patchLineNumberStart(byte[] b, int line) {
        int at = -1;
        for (int i = 2; i + 1 < b.length; i++) {
            if ((b[i] & 0xFF) == (line >> 8) && (b[i + 1] & 0xFF) == (line & 0xFF) && b[i - 2] == 0 && b[i - 1] == 0) {
                assertThat(at).as("line %d appears once", line).isEqualTo(-1);
                at = i - 2;
            }
        }
        assertThat(at).isPositive();
        b[at] = 0x7F;
    }
}
