package dev.stigmem.bench;

import dev.stigmem.api.PluginManifest;
import dev.stigmem.loader.internal.archive.ArchiveImage;
import dev.stigmem.loader.internal.archive.JarImage;
import dev.stigmem.loader.internal.scan.BytecodeScanner;
import dev.stigmem.loader.scan.ScanLimits;
import dev.stigmem.loader.scan.ScanPolicy;
import dev.stigmem.loader.scan.ScanReport;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Pre-scan cost of one archive holding a single inheritance chain of N classes ({@code C0 extends
 * java.lang.Thread}, {@code C1 extends C0}, ...), each constructor calling its superclass's: every
 * level's references are judged through all its supertypes (the policy reviews {@code Thread#<init>},
 * so each class has one finding). The scan should be linear in N: compare the score divided by N
 * across the three sizes of one run. The hierarchy depth limit is raised above N for the benchmark.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class HierarchyScanBenchmark {

    @Param({"1000", "2000", "4000"})
    public int classes;

    private ArchiveImage image;
    private PluginManifest manifest;
    private ScanPolicy policy;

    @Setup(Level.Trial)
    public void generate() {
        image = new ArchiveImage(Path.of("chain-" + classes + ".jar"), new JarImage("plugin.jar", chain(classes)), List.of());
        manifest = PluginManifest.of("bench-plugin", "1.0.0", ">=0.9.0", List.of(), List.of());
        policy = ScanPolicy.shipped().withLimits(ScanLimits.DEFAULT.withMaxHierarchyDepth(classes + 10));
        ScanReport report = BytecodeScanner.scan(image, manifest, policy, Runnable::run);
        System.out.printf("%n# chain of %d classes: %s%n", classes, report.summary());
    }

    @Benchmark
    public ScanReport scanOneCore() {
        return BytecodeScanner.scan(image, manifest, policy, Runnable::run);
    }

    /** {@code p/C0000 extends java/lang/Thread}, {@code p/C0001 extends p/C0000}, ..., by entry name. */
    static Map<String, byte[]> chain(int n) {
        Map<String, byte[]> out = new TreeMap<>();
        String superName = "java/lang/Thread";
        for (int i = 0; i < n; i++) {
            String name = String.format(Locale.ROOT, "p/C%05d", i);
            ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_MAXS);
            cw.visit(Opcodes.V17, Opcodes.ACC_PUBLIC | Opcodes.ACC_SUPER, name, null, superName, null);
            MethodVisitor mv = cw.visitMethod(Opcodes.ACC_PUBLIC, "<init>", "()V", null, null);
            mv.visitCode();
            mv.visitVarInsn(Opcodes.ALOAD, 0);
            mv.visitMethodInsn(Opcodes.INVOKESPECIAL, superName, "<init>", "()V", false);
            mv.visitInsn(Opcodes.RETURN);
            mv.visitMaxs(0, 0);
            mv.visitEnd();
            cw.visitEnd();
            out.put(name + ".class", cw.toByteArray());
            superName = name;
        }
        return out;
    }
}
