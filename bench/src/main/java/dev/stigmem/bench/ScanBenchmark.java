package dev.stigmem.bench;

import dev.stigmem.api.PluginManifest;
import dev.stigmem.loader.internal.archive.ArchiveImage;
import dev.stigmem.loader.internal.archive.JarImage;
import dev.stigmem.loader.internal.scan.BytecodeScanner;
import dev.stigmem.loader.scan.ScanPolicy;
import dev.stigmem.loader.scan.ScanReport;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
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
 * Warm, in-process pre-scan throughput on real jars (Guava, ByteBuddy) scanned as a plugin's bundled
 * library, beside the cost of only inflating the same class entries from the same jar.
 *
 * <p>{@code scanOneCore} scans on the calling thread ({@code Runnable::run} executor): MB/s on one core
 * is the jar's uncompressed class bytes (printed at setup) divided by its time per operation.
 * {@code scanParallel} uses the default parallel stream (common pool plus the calling thread). {@code inflateOnly} inflates every {@code .class} entry of
 * the jar's compressed bytes and nothing else: the floor of any scan that starts from the archive.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class ScanBenchmark {

    @Param({"guava.jar", "byte-buddy.jar"})
    public String jar;

    private byte[] compressed;
    private ArchiveImage image;
    private PluginManifest manifest;
    private ScanPolicy policy;

    @Setup(Level.Trial)
    public void read() throws IOException {
        Path dir = Path.of(System.getProperty("stigmem.bench.jars", "bench/target/bench-jars"));
        compressed = Files.readAllBytes(dir.resolve(jar));
        Map<String, byte[]> entries = new TreeMap<>();
        long classBytes = 0;
        int classes = 0;
        try (InputStream in = new ByteArrayInputStream(compressed); ZipInputStream zip = new ZipInputStream(in)) {
            for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                if (!e.isDirectory()) {
                    byte[] b = zip.readAllBytes();
                    entries.put(e.getName(), b);
                    if (e.getName().endsWith(".class")) {
                        classBytes += b.length;
                        classes++;
                    }
                }
            }
        }
        JarImage plugin = new JarImage("plugin.jar", Map.of());
        image = new ArchiveImage(Path.of(jar), plugin, List.of(new JarImage(jar, entries)));
        manifest = PluginManifest.of("bench-plugin", "1.0.0", ">=0.9.0", List.of(), List.of());
        policy = ScanPolicy.shipped();
        ScanReport report = BytecodeScanner.scan(image, manifest, policy, Runnable::run);
        System.out.printf("%n# %s: %d class files, %d uncompressed class bytes (%.2f MB), %d compressed jar bytes; %s%n",
                jar, classes, classBytes, classBytes / 1e6, compressed.length, report.summary());
    }

    @Benchmark
    public ScanReport scanOneCore() {
        return BytecodeScanner.scan(image, manifest, policy, Runnable::run);
    }

    @Benchmark
    public ScanReport scanParallel() {
        return BytecodeScanner.scan(image, manifest, policy);
    }

    @Benchmark
    public long inflateOnly() throws IOException {
        long total = 0;
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(compressed))) {
            for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                if (e.getName().endsWith(".class")) {
                    total += zip.readAllBytes().length;
                }
            }
        }
        return total;
    }
}
