package dev.stigmem.bench;

import dev.stigmem.api.PluginManifest;
import dev.stigmem.loader.internal.archive.ArchiveImage;
import dev.stigmem.loader.internal.archive.JarImage;
import dev.stigmem.loader.internal.scan.BytecodeScanner;
import dev.stigmem.loader.scan.ScanPolicy;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * The {@link ScanBenchmark} comparison measured in thread CPU time instead of wall time, for machines
 * shared with other work (where wall time measures the neighbours): alternately scans a jar on the
 * calling thread and inflates its class entries, many rounds, and prints the medians of the last half.
 *
 * <p>Usage: {@code bench/run --cpu [ROUNDS] JAR...}
 */
public final class ScanThroughput {

    private ScanThroughput() {
    }

    public static void main(String[] args) throws IOException {
        int rounds = 60;
        int first = 0;
        if (args.length > 0 && args[0].matches("\\d+")) {
            rounds = Integer.parseInt(args[0]);
            first = 1;
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        PluginManifest manifest = PluginManifest.of("bench-plugin", "1.0.0", ">=0.9.0", List.of(), List.of());
        ScanPolicy policy = ScanPolicy.shipped();
        for (int a = first; a < args.length; a++) {
            Path jar = Path.of(args[a]);
            byte[] compressed = Files.readAllBytes(jar);
            Map<String, byte[]> entries = new TreeMap<>();
            long classBytes = 0;
            try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(compressed))) {
                for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                    if (!e.isDirectory()) {
                        byte[] b = zip.readAllBytes();
                        entries.put(e.getName(), b);
                        classBytes += e.getName().endsWith(".class") ? b.length : 0;
                    }
                }
            }
            ArchiveImage image = new ArchiveImage(jar, new JarImage("plugin.jar", Map.of()),
                    List.of(new JarImage(jar.getFileName().toString(), entries)));
            long[] scan = new long[rounds];
            long[] inflate = new long[rounds];
            for (int r = 0; r < rounds; r++) {
                long t0 = threads.getCurrentThreadCpuTime();
                BytecodeScanner.scan(image, manifest, policy, Runnable::run);
                long t1 = threads.getCurrentThreadCpuTime();
                inflateClasses(compressed);
                long t2 = threads.getCurrentThreadCpuTime();
                scan[r] = t1 - t0;
                inflate[r] = t2 - t1;
            }
            double scanMs = median(scan) / 1e6;
            double inflateMs = median(inflate) / 1e6;
            System.out.printf(Locale.ROOT, "%s: %.2f MB class bytes; scan %.1f ms CPU = %.1f MB/s on one core;"
                            + " inflate-only %.1f ms CPU = %.1f MB/s; scan/inflate %.2fx (medians of the last %d of %d rounds)%n",
                    jar.getFileName(), classBytes / 1e6, scanMs, classBytes / 1e3 / scanMs, inflateMs,
                    classBytes / 1e3 / inflateMs, scanMs / inflateMs, rounds / 2, rounds);
        }
    }

    private static long inflateClasses(byte[] compressed) throws IOException {
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

    private static long median(long[] samples) {
        long[] warm = Arrays.copyOfRange(samples, samples.length / 2, samples.length);
        Arrays.sort(warm);
        return warm[warm.length / 2];
    }
}
