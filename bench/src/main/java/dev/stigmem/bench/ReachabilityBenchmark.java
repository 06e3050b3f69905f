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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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
 * What judging the JDK policy by reachability costs: the warm, in-process pre-scan of a plugin bundling
 * Guava (with its runtime dependencies) or ByteBuddy, with the call graph ({@code reachability=true},
 * what the loader does) and without it (every finding judged as if reachable, the scan before the call
 * graph existed; an internal switch, not a setting). The plugin's own jar is either {@code broad}: an
 * entry class generated from the libraries ({@link BroadEntry}) that calls every public static method
 * and public constructor of them, so the search reaches nearly all of them (its worst case); or
 * {@code none}: empty, no entry class, so almost nothing is reachable and the figure is mostly the cost of
 * recording the calls. On the calling thread, so the figures compare work, not scheduling. Run:
 * {@code bench/run -f 1 -wi 5 -i 5 ReachabilityBenchmark}; on a shared machine, {@code bench/run --reach
 * [ROUNDS]} ({@link #main}) compares the two in thread CPU time instead.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class ReachabilityBenchmark {

    @Param({"guava", "byte-buddy"})
    public String library;

    @Param({"true", "false"})
    public boolean reachability;

    /** The plugin's own jar: {@code broad}, an entry class using the libraries broadly; {@code none}, empty. */
    @Param({"broad", "none"})
    public String entry;

    private ArchiveImage image;
    private PluginManifest manifest;
    private ScanPolicy policy;

    @Setup(Level.Trial)
    public void read() throws IOException {
        Path dir = Path.of(System.getProperty("stigmem.bench.jars", "bench/target/bench-jars"));
        List<Path> jars = new ArrayList<>();
        jars.add(dir.resolve(library + ".jar"));
        if (library.equals("guava")) {
            try (Stream<Path> deps = Files.list(dir)) {
                deps.filter(p -> p.getFileName().toString().startsWith("guava-dep-")).sorted().forEach(jars::add);
            }
        }
        List<JarImage> libraries = new ArrayList<>();
        for (Path jar : jars) {
            libraries.add(new JarImage(jar.getFileName().toString(), read(jar)));
        }
        Map<String, byte[]> plugin = switch (entry) {
            case "broad" -> Map.of(BroadEntry.NAME + ".class", BroadEntry.generate(libraries.stream().map(JarImage::entries).toList()));
            case "none" -> Map.of();
            default -> throw new IllegalArgumentException("entry: broad or none, not " + entry);
        };
        image = new ArchiveImage(Path.of(library + "-plugin.zip"), new JarImage("plugin.jar", plugin), libraries);
        manifest = PluginManifest.of("bench-plugin", "1.0.0", ">=0.9.0", List.of(), List.of());
        policy = ScanPolicy.shipped();
        System.out.printf("%n# %s, entry %s, reachability %s: %s%n", jars.stream().map(p -> p.getFileName().toString()).toList(),
                entry, reachability, scan().summary());
    }

    private static Map<String, byte[]> read(Path jar) throws IOException {
        Map<String, byte[]> entries = new TreeMap<>();
        try (InputStream in = new ByteArrayInputStream(Files.readAllBytes(jar)); ZipInputStream zip = new ZipInputStream(in)) {
            for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                if (!e.isDirectory()) {
                    entries.put(e.getName(), zip.readAllBytes());
                }
            }
        }
        return entries;
    }

    /**
     * Thread CPU time of the scan with and without the call graph, alternating, {@code ROUNDS} rounds of
     * each (default 40) per library and entry; prints the reports' summaries, the medians of the last
     * half and their ratio. Thread CPU time does not count time the thread waited for a core, so other
     * load on the machine does not skew it.
     */
    public static void main(String[] args) throws IOException {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 40;
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        List<String> lines = new ArrayList<>();
        List<String> libs = args.length > 1 ? List.of(args[1]) : List.of("guava", "byte-buddy");
        List<String> entries = args.length > 2 ? List.of(args[2]) : List.of("broad", "none");
        for (String lib : libs) {
            for (String entry : entries) {
                ReachabilityBenchmark b = new ReachabilityBenchmark();
                b.library = lib;
                b.entry = entry;
                b.reachability = false;
                b.read();
                b.reachability = true;
                System.out.printf("# reachability true: %s%n", b.scan().summary());
                long[] with = new long[rounds];
                long[] without = new long[rounds];
                for (int r = 0; r < rounds; r++) {
                    long t0 = threads.getCurrentThreadCpuTime();
                    BytecodeScanner.scan(b.image, b.manifest, b.policy, Optional.of(Runnable::run), true);
                    long t1 = threads.getCurrentThreadCpuTime();
                    BytecodeScanner.scan(b.image, b.manifest, b.policy, Optional.of(Runnable::run), false);
                    long t2 = threads.getCurrentThreadCpuTime();
                    with[r] = t1 - t0;
                    without[r] = t2 - t1;
                }
                double w = medianOfLastHalf(with) / 1e6;
                double wo = medianOfLastHalf(without) / 1e6;
                // Also the median of each round's own ratio: a round's two scans run one after the other, so a change
                // in the machine's load between rounds (a shared machine's) cancels out of it.
                double[] paired = new double[rounds - rounds / 2];
                for (int r = rounds / 2; r < rounds; r++) {
                    paired[r - rounds / 2] = (double) with[r] / without[r];
                }
                java.util.Arrays.sort(paired);
                lines.add(String.format(java.util.Locale.ROOT, "%s, entry %s: with reachability %.1f ms CPU, without %.1f ms CPU:"
                        + " x%.2f (+%.0f%%; medians of the last %d of %d rounds each); median of the rounds' own ratios x%.2f",
                        lib, entry, w, wo, w / wo, (w / wo - 1) * 100, rounds / 2, rounds, paired[paired.length / 2]));
                System.out.println(lines.get(lines.size() - 1));
            }
        }
        System.out.printf("%n%s%n", String.join("\n", lines));
    }

    private static double medianOfLastHalf(long[] values) {
        long[] half = java.util.Arrays.copyOfRange(values, values.length / 2, values.length);
        java.util.Arrays.sort(half);
        return half[half.length / 2];
    }

    @Benchmark
    public ScanReport scan() {
        return BytecodeScanner.scan(image, manifest, policy, Optional.of(Runnable::run), reachability);
    }
}
