package dev.stigmem.bench;

import dev.stigmem.api.core.FactDraft;
import dev.stigmem.api.hook.AssertRequest;
import dev.stigmem.api.hook.Hook;
import dev.stigmem.testkit.PluginArchive;
import dev.stigmem.testkit.TestNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What the testkit costs a plugin author per test: packing a classes directory into an archive
 * (once per test class) and a whole test node started and closed around one test method (trust,
 * scan, layer, capability vote, registration, start), next to one hook call on a started node.
 */
@State(Scope.Benchmark)
public class TestkitBenchmark {
    private Path project;
    private Path classes;
    private PluginArchive archive;
    private TestNode node;
    private AssertRequest request;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        Path greeter = Path.of(System.getProperty("stigmem.bench.plugins", "target/plugins"), "greeter-plugin.jar");
        project = Files.createTempDirectory("stigmem-bench-project-");
        classes = Files.createDirectories(project.resolve("greeter/target/classes"));
        try (JarInputStream in = new JarInputStream(Files.newInputStream(greeter))) {
            for (JarEntry e = in.getNextJarEntry(); e != null; e = in.getNextJarEntry()) {
                if (!e.isDirectory()) {
                    Path to = classes.resolve(e.getName()).normalize();
                    if (!to.startsWith(classes)) {
                        throw new IOException("entry outside the classes directory: " + e.getName());
                    }
                    Files.createDirectories(to.getParent());
                    Files.copy((InputStream) in, to);
                }
            }
        }
        archive = PluginArchive.fromBuildOutput(classes);
        node = TestNode.builder().plugin(archive).start();
        request = new AssertRequest("alice", FactDraft.of("alice", "likes", "tea", "default"));
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        node.close();
        GeneratedPlugins.delete(project);
    }

    /** Once per test class: target/classes packed into a jar. */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public Path packBuildOutput() {
        return PluginArchive.fromBuildOutput(classes).path();
    }

    /** Once per test method: a node started on the plugin, then closed. */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public int startAndCloseTestNode() {
        try (TestNode n = TestNode.builder().plugin(archive).start()) {
            return n.plugins().size();
        }
    }

    /** One hook fired through a started test node, outcome and audit slice included. */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public Object voteThroughTheTestNode() {
        return node.vote(Hook.PRE_ASSERT_AUTHORIZE, request).assertAllowed();
    }
}
