package dev.stigmem.node.internal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A plugin that runs the JVM out of memory, in a real {@code stigmem node} process with a small
 * heap: the error is that plugin's failure, the workload goes on, and the node stops cleanly
 * ({@code node.stopped} last in the trail, exit 0).
 */
class PluginFaultsIT {

    private static final Path LAUNCHER = Path.of(System.getProperty("stigmem.launcher", "../stigmem"));

    /** pre_assert_authorize: on subject "hog", allocates until the heap is gone. */
    private static final String HOG = """
            package com.example.hog;
            import dev.stigmem.api.*;
            import dev.stigmem.api.hook.*;
            import java.util.*;
            @StigmemPlugin(name = "memory-hog", version = "1.0.0", requires = ">=0.9.0")
            public final class Hog implements Plugin, PreAssertAuthorize {
                @Override public Vote preAssertAuthorize(PluginContext c, AssertRequest r) {
                    if (r.draft().subject().equals("hog")) {
                        List<long[]> all = new ArrayList<>();
                        while (true) {
                            all.add(new long[1 << 20]);
                        }
                    }
                    return Vote.allow();
                }
            }
            """;

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "handler time limit: {0}")
    @ValueSource(booleans = {false, true})
    void aPluginThatRunsTheHeapOutIsThatPluginsFailureAndTheNodeGoesOnAndStopsCleanly(boolean timed) throws Exception {
        Path plugins = Files.createDirectories(tmp.resolve("plugins"));
        PluginJars.compile(plugins, "memory-hog.jar", Map.of("com/example/hog/Hog.java", HOG), "com.example.hog.Hog");
        Path data = tmp.resolve("data");
        Path workload = Files.writeString(tmp.resolve("workload.txt"), """
                assert alice | hog | likes | tea | default
                assert alice | alice | likes | tea | default
                recall alice | default | tea | 5
                """);
        Path policy = PluginJars.development(tmp);
        List<String> args = new ArrayList<>(List.of("node", "--plugins", plugins.toString(), "--data", data.toString(),
                "--trust-policy", policy.toString(), "--workload", workload.toString()));
        if (timed) {
            args.addAll(List.of("--handler-timeout-ms", "20000"));
        }
        LauncherIT.Run r = run(args);
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        assertThat(r.out())
                .contains("FAILED: plugin 'memory-hog' handler memory-hog failed on hook pre_assert_authorize: threw java.lang.OutOfMemoryError: Java heap space")
                .contains("alice asserts (alice likes tea)")
                .contains("-> ok, fact f-00000001")
                .contains("-> ok, 1 hits");
        List<String> trail = Files.readAllLines(data.resolve("audit.jsonl"), StandardCharsets.UTF_8);
        assertThat(trail.get(trail.size() - 1)).contains("\"action\":\"node.stopped\"");
        assertThat(trail).anyMatch(l -> l.contains("\"action\":\"hook.handler_failed\"") && l.contains("OutOfMemoryError"));
    }

    private static LauncherIT.Run run(List<String> args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("bash", LAUNCHER.toString()));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("STIGMEM_SKIP_BUILD", "1");
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().put("STIGMEM_JAVA_OPTS", "-Xmx128m");
        Path out = Files.createTempFile("stigmem-it-", ".out");
        Path err = Files.createTempFile("stigmem-it-", ".err");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        p.getOutputStream().close();
        boolean ended = p.waitFor(180, TimeUnit.SECONDS);
        if (!ended) {
            p.destroyForcibly();
        }
        assertThat(ended).as("the node process ended").isTrue();
        LauncherIT.Run run = new LauncherIT.Run(p.exitValue(), Files.readString(out), Files.readString(err));
        Files.delete(out);
        Files.delete(err);
        return run;
    }
}
