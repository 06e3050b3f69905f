package dev.stigmem.bench;

import dev.stigmem.loader.LoadedPlugin;
import dev.stigmem.loader.PluginLoader;
import dev.stigmem.loader.PluginSet;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The loader's costs, end to end through the public API: read and check the archive, write the
 * private copy, resolve and define the layer, instantiate the entry class, then close.
 */
@State(Scope.Benchmark)
public class LoaderBenchmarks {
    private Path work;
    private Path hundred;
    private Path greeter;
    private PluginLoader loader;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        work = Files.createTempDirectory("stigmem-bench-work-");
        hundred = GeneratedPlugins.write(Files.createTempDirectory("stigmem-bench-100-"), 100);
        greeter = Path.of(System.getProperty("stigmem.bench.plugins", "target/plugins"), "greeter-plugin.jar");
        if (!Files.exists(greeter)) {
            throw new IllegalStateException(greeter + " is missing: run bench/run, which builds it");
        }
        loader = PluginLoader.builder().workDirectory(work).build();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        GeneratedPlugins.delete(hundred);
        GeneratedPlugins.delete(work);
    }

    /** One small plugin (the greeter example) into a new layer, then closed. */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public String loadOneSmallPlugin() {
        try (LoadedPlugin p = loader.load(greeter)) {
            return p.moduleName();
        }
    }

    /** A node's start: a directory of 100 plugins (a dependsOn chain), all loaded in order, then closed. */
    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public int startWith100Plugins() {
        try (PluginSet set = loader.loadAll(hundred)) {
            return set.inOrder().size();
        }
    }
}
