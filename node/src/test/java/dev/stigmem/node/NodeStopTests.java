package dev.stigmem.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stigmem.api.core.AuditEvent;
import dev.stigmem.api.core.FactDraft;
import dev.stigmem.loader.trust.TrustPolicy;
import dev.stigmem.node.internal.cli.PluginJars;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/** What a node records when it stops: node.stopped is the trail's last event, whatever plugin threads still run. */
class NodeStopTests {

    private static final TrustPolicy DEVELOPMENT = TrustPolicy.builder()
            .unsignedDevelopmentMode(TrustPolicy.UNSIGNED_DEVELOPMENT_ACKNOWLEDGEMENT).build();

    /** post_assert_persist keeps emitting for 1.5 s, past its time limit and past the node's stop, ignoring interrupts. */
    private static final String LINGERER = """
            package com.example.lingerer;
            import dev.stigmem.api.*;
            import dev.stigmem.api.hook.*;
            @StigmemPlugin(name = "lingerer", version = "1.0.0", requires = ">=0.9.0", capabilities = {"audit.emit"})
            public final class Lingerer implements Plugin, PostAssertPersist {
                @Override public void postAssertPersist(PluginContext c, FactEvent e) {
                    long end = System.nanoTime() + 1_500_000_000L;
                    int n = 0;
                    while (System.nanoTime() < end) {
                        try {
                            c.getAuditEmitter().orElseThrow().emit("lingerer.tick", java.util.Map.of("n", Integer.toString(n++)));
                        } catch (RuntimeException refused) {
                            // keep going, as a buggy plugin would
                        }
                    }
                }
            }
            """;

    @TempDir
    static Path jars;
    static Path jar;

    @TempDir
    Path plugins;

    @TempDir
    Path data;

    @BeforeAll
    static void compile() {
        jar = PluginJars.compile(jars, "lingerer.jar", Map.of("com/example/lingerer/Lingerer.java", LINGERER), "com.example.lingerer.Lingerer");
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void nothingIsRecordedAfterNodeStoppedEvenByAPluginThreadThatOutlivesTheStop(boolean durable) throws Exception {
        Files.copy(jar, plugins.resolve("lingerer.jar"));
        StigmemNode.Builder b = StigmemNode.builder().pluginDirectory(plugins).trustPolicy(DEVELOPMENT)
                .handlerTimeout(Duration.ofMillis(100));
        if (durable) {
            b.dataDirectory(data);
        }
        StigmemNode node = b.start();
        node.assertFact("alice", FactDraft.of("alice", "likes", "tea", "default")); // the handler times out, and goes on
        node.close();
        // Until the plugin's handler thread has finished its loop (bounded: it ends after 1.5 s).
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().startsWith("stigmem-plugin-lingerer-") && t.isAlive())) {
            assertThat(System.nanoTime()).as("the lingering handler thread ends").isLessThan(deadline);
            Thread.sleep(50);
        }
        List<AuditEvent> events = node.audit().recent(10_000);
        assertThat(events.get(events.size() - 1).action()).as("the last event in memory").isEqualTo("node.stopped");
        assertThat(events).extracting(AuditEvent::action).contains("lingerer.tick");
        if (durable) {
            List<String> lines = Files.readAllLines(data.resolve("audit.jsonl"));
            assertThat(lines.get(lines.size() - 1)).as("the last line on disk").contains("\"action\":\"node.stopped\"");
        }
        assertThat(node.audit().byAction("node.stopped", 5)).hasSize(1);
    }
}
