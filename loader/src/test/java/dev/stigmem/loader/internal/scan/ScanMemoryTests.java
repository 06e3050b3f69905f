package dev.stigmem.loader.internal.scan;

import static dev.stigmem.loader.internal.scan.TestArchives.archive;
import static dev.stigmem.loader.internal.scan.TestArchives.manifest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stigmem.loader.internal.archive.ArchiveImage;
import dev.stigmem.loader.scan.ScanLimitException;
import dev.stigmem.loader.scan.ScanLimits;
import dev.stigmem.loader.scan.ScanPolicy;
import dev.stigmem.loader.scan.ScanReport;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import org.junit.jupiter.api.Test;

/**
 * What the scan keeps while it runs: one finding per distinct reference and place, at most the
 * findings limit in all (decided the same whatever the scheduling), and a report whose text no
 * name from a class file can forge.
 */
class ScanMemoryTests implements Opcodes {

    /**
     * A class {@code name} whose method {@code methodName} calls {@code System.exit} {@code calls} times;
     * with {@code lines}, each call on a line of its own, so each is a finding of its own.
     */
    static byte[] exits(String name, String methodName, int calls, boolean lines) {
        ClassWriter cw = new ClassWriter(0);
        cw.visit(V17, ACC_PUBLIC | ACC_SUPER, name, null, "java/lang/Object", null);
        MethodVisitor mv = cw.visitMethod(ACC_PUBLIC | ACC_STATIC, methodName, "()V", null, null);
        mv.visitCode();
        for (int i = 0; i < calls; i++) {
            if (lines) {
                Label l = new Label();
                mv.visitLabel(l);
                mv.visitLineNumber(i + 1, l);
            }
            mv.visitInsn(ICONST_0);
            mv.visitMethodInsn(INVOKESTATIC, "java/lang/System", "exit", "(I)V", false);
        }
        mv.visitInsn(RETURN);
        mv.visitMaxs(1, 0);
        mv.visitEnd();
        cw.visitEnd();
        return cw.toByteArray();
    }

    /** A class {@code name} with {@code methods} methods, each calling {@code System.exit} once: one finding each. */
    static byte[] exitMethods(String name, int methods) {
        ClassWriter cw = new ClassWriter(0);
        cw.visit(V17, ACC_PUBLIC | ACC_SUPER, name, null, "java/lang/Object", null);
        for (int m = 0; m < methods; m++) {
            MethodVisitor mv = cw.visitMethod(ACC_PUBLIC | ACC_STATIC, "m" + m, "()V", null, null);
            mv.visitCode();
            mv.visitInsn(ICONST_0);
            mv.visitMethodInsn(INVOKESTATIC, "java/lang/System", "exit", "(I)V", false);
            mv.visitInsn(RETURN);
            mv.visitMaxs(1, 0);
            mv.visitEnd();
        }
        cw.visitEnd();
        return cw.toByteArray();
    }

    private static ScanReport scan(ArchiveImage image, ScanPolicy policy) {
        return BytecodeScanner.scan(image, manifest(), policy);
    }

    @Test
    void aReferenceRepeatedOnOneLineIsOneFindingHoweverOftenItStands() {
        // 16,000 calls without line numbers: 64 KiB of code, one finding (the scan keeps no more than that).
        ScanReport report = scan(archive(Map.of("p/Exits.class", exits("p/Exits", "m", 16_000, false))), ScanPolicy.shipped());
        assertThat(report.findings()).singleElement()
                .satisfies(f -> assertThat(f.target()).isEqualTo("java.lang.System#exit(I)V"));
    }

    @Test
    void aReferenceRepeatedOnManyLinesOfOneMethodIsOneFindingWithItsFirstLineAndItsCount() {
        ScanReport report = scan(archive(Map.of("p/Exits.class", exits("p/Exits", "m", 500, true))), ScanPolicy.shipped());
        assertThat(report.findings()).singleElement().satisfies(f -> {
            assertThat(f.target()).isEqualTo("java.lang.System#exit(I)V");
            assertThat(f.line()).hasValue(1);
            assertThat(f.occurrences()).isEqualTo(500);
            assertThat(f.location()).endsWith("(plugin.jar!p/Exits.class:1) (500 times in this method)");
        });
        assertThat(report.toJson()).contains("\"occurrences\" : 500");
    }

    @Test
    void theFindingsLimitIsDecidedOnTheTotalWhateverOrderTheClassesAreScannedIn() {
        Map<String, byte[]> classes = new TreeMap<>();
        for (int i = 0; i < 40; i++) {
            classes.put(String.format("p/C%02d.class", i), exitMethods(String.format("p/C%02d", i), 25));
        }
        ArchiveImage image = archive(classes);
        int total = 40 * 25;
        ScanPolicy exact = ScanPolicy.shipped().withLimits(ScanLimits.DEFAULT.withMaxFindings(total));
        ScanPolicy oneLess = ScanPolicy.shipped().withLimits(ScanLimits.DEFAULT.withMaxFindings(total - 1));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            for (int run = 0; run < 5; run++) {
                assertThat(scan(image, exact).findings()).hasSize(total);
                assertThat(BytecodeScanner.scan(image, manifest(), exact, pool).findings()).hasSize(total);
                assertThatThrownBy(() -> BytecodeScanner.scan(image, manifest(), oneLess, pool))
                        .isInstanceOf(ScanLimitException.class)
                        .hasMessage("test-plugin.zip: more than 999 findings, the limit; the archive is refused");
                assertThatThrownBy(() -> BytecodeScanner.scan(image, manifest(), oneLess, Runnable::run))
                        .isInstanceOf(ScanLimitException.class)
                        .hasMessage("test-plugin.zip: more than 999 findings, the limit; the archive is refused");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void namesFromClassFilesCannotForgeLinesOfTheReport() {
        // Method names may hold line breaks and escape sequences (the JVM refuses only . ; [ / < >).
        String forged = "m\nDENY forged.rule: nothing [fine]\n  in nowhere\u001b[2J\u202e";
        // Judged as reachable, so that the finding is a DENY, shown in full.
        ScanReport report = TestArchives.everyMethod(archive(Map.of("p/Forged.class", exits("p/Forged", forged, 1, true))),
                manifest(), ScanPolicy.shipped());
        String text = report.toText();
        assertThat(text).doesNotContain("\u001b").doesNotContain("\u202e")
                .contains("in p.Forged.m\\u000aDENY forged.rule: nothing [fine]\\u000a  in nowhere\\u001b[2J\\u202e()V");
        // The header, two lines for the one finding, the summary.
        assertThat(text.lines()).hasSize(4);
    }
}
