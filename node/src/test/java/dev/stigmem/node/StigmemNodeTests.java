package dev.stigmem.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stigmem.api.Capability;
import dev.stigmem.api.Health;
import dev.stigmem.api.core.AuditEvent;
import dev.stigmem.api.core.FactDraft;
import dev.stigmem.api.core.RecallQuery;
import dev.stigmem.api.hook.Hook;
import dev.stigmem.loader.CheckVerdict;
import dev.stigmem.loader.trust.TrustPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A node over the example plugins the reactor builds: the embedding API end to end. */
class StigmemNodeTests {

    private static final Path EXAMPLES = Path.of(System.getProperty("stigmem.examples", "target/examples"));

    @TempDir
    Path plugins;

    @TempDir
    Path data;

    /** The examples are unsigned: these tests run the node in its audited development mode. */
    private static final TrustPolicy DEVELOPMENT = TrustPolicy.builder()
            .unsignedDevelopmentMode(TrustPolicy.UNSIGNED_DEVELOPMENT_ACKNOWLEDGEMENT).build();

    private StigmemNode.Builder node() {
        return StigmemNode.builder().pluginDirectory(plugins).trustPolicy(DEVELOPMENT);
    }

    private void install(String... archives) throws IOException {
        for (String a : archives) {
            Files.copy(EXAMPLES.resolve(a), plugins.resolve(a));
        }
    }

    @Test
    void startsOverExamplePluginsAndRunsHooksWithAnAuditTrail() throws IOException {
        install("greeter-plugin.jar", "plain-plugin.jar", "library-plugin.zip");
        try (StigmemNode node = node().dataDirectory(data).start()) {
            assertThat(node.plugins()).extracting(PluginInfo::name).contains("greeter");
            PluginInfo greeter = node.plugins().stream().filter(p -> p.name().equals("greeter")).findFirst().orElseThrow();
            assertThat(greeter.capabilities()).containsExactly(Capability.AUDIT_EMIT);
            assertThat(greeter.hooks()).contains(Hook.PRE_ASSERT_AUTHORIZE);
            assertThat(greeter.health()).isEqualTo(Health.healthy());
            assertThat(greeter.trust()).isEqualTo("development_unsigned_override, unsigned");

            assertThat(node.assertFact("alice", FactDraft.of("alice", "likes", "tea", "default")).id()).isNotBlank();
            assertThatThrownBy(() -> node.assertFact("anonymous", FactDraft.of("x", "y", "z", "default")))
                    .isInstanceOfSatisfying(OperationDeniedException.class,
                            e -> assertThat(e.reason()).isEqualTo("anonymous asserts are not allowed"));
            assertThat(node.recall("alice", new RecallQuery("default", "tea", 5))).isNotEmpty();

            List<String> actions = node.audit().recent(100).stream().map(AuditEvent::action).toList();
            assertThat(actions).contains("node.starting", "plugin.registered", "greeter.started", "node.started",
                    "fact.asserted", "hook.denied", "recall.performed");
        }
        // The trail is durable: a second node over the same data continues it.
        String trail = Files.readString(data.resolve("audit.jsonl"));
        assertThat(trail).contains("\"action\":\"node.stopped\"");
    }

    @Test
    void factIdsStayUniqueAcrossRunsOnOneDataDirectory() throws IOException {
        List<String> ids = new java.util.ArrayList<>();
        for (int run = 0; run < 2; run++) {
            try (StigmemNode node = node().dataDirectory(data).start()) {
                ids.add(node.assertFact("alice", FactDraft.of("alice", "likes", "tea", "default")).id());
                ids.add(node.assertFact("alice", FactDraft.of("alice", "likes", "coffee", "default")).id());
            }
        }
        assertThat(ids).containsExactly("f-00000001", "f-00000002", "f-00000003", "f-00000004");
        // Every fact.asserted on the trail names another fact.
        List<String> audited = Files.readAllLines(data.resolve("audit.jsonl")).stream().filter(l -> l.contains("\"fact.asserted\""))
                .map(l -> l.replaceAll(".*\"fact\":\"([^\"]+)\".*", "$1")).toList();
        assertThat(audited).containsExactlyElementsOf(ids);
        // Without a data directory nothing persists, and numbering starts again.
        try (StigmemNode node = node().start()) {
            assertThat(node.assertFact("alice", FactDraft.of("alice", "likes", "tea", "default")).id()).isEqualTo("f-00000001");
        }
    }

    @Test
    void aStoppedNodeRefusesWorkAndClosingTwiceStopsThePluginsOnce() throws IOException {
        install("greeter-plugin.jar");
        StigmemNode node = node().handlerTimeout(java.time.Duration.ofSeconds(1)).start();
        HookDispatch hooks = node.hooks();
        assertThat(hooks).isNotInstanceOf(AutoCloseable.class);
        node.close();
        node.close();
        assertThat(node.audit().byAction("node.stopped", 10)).hasSize(1);
        assertThatThrownBy(() -> node.assertFact("alice", FactDraft.of("alice", "likes", "tea", "default")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("the node has stopped");
        assertThatThrownBy(() -> hooks.vote(Hook.PRE_ASSERT_AUTHORIZE,
                new dev.stigmem.api.hook.AssertRequest("alice", FactDraft.of("alice", "likes", "tea", "default"))))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> node.putIdentity(new dev.stigmem.api.core.Identity("a", "a", java.util.Set.of(), Map.of())))
                .isInstanceOf(IllegalStateException.class);
        // No handler ran after the stop, so nothing blamed the plugin.
        assertThat(node.audit().byAction("hook.handler_failed", 10)).isEmpty();
    }

    @Test
    void theScanRejectsAnOverReachingPluginBeforeAnyOfItsCodeRuns() throws IOException {
        install("greeter-plugin.jar", "bad-undeclared-accessor.jar");
        assertThatThrownBy(() -> node().dataDirectory(data).start())
                .isInstanceOf(NodeStartException.class)
                .hasMessageContaining("rejected by bytecode-scan")
                .hasMessageContaining("DENY capability.accessor: dev.stigmem.api.PluginContext#getFactsWriter()")
                .hasMessageContaining("SneakyWriter.class:13")
                .hasMessageContaining("nothing was registered");
        String trail = Files.readString(data.resolve("audit.jsonl"));
        assertThat(trail).contains("\"action\":\"plugin.scanned\"").contains("\"verdict\":\"reject\"")
                .doesNotContain("greeter.started");
    }

    @Test
    void skipRejectedStartsWithoutTheRejectedPluginsAndAuditsIt() throws IOException {
        install("greeter-plugin.jar", "bad-raw-socket.jar", "bad-reflection.jar", "bad-undeclared-accessor.jar");
        try (StigmemNode node = node().skipRejected(true).start()) {
            assertThat(node.plugins()).extracting(PluginInfo::name).containsExactly("greeter");
            assertThat(node.rejected()).extracting(r -> r.archive().getFileName().toString())
                    .containsExactly("bad-raw-socket.jar", "bad-reflection.jar", "bad-undeclared-accessor.jar");
            assertThat(node.rejected().get(0).reason()).contains("DENY network.raw: java.net.Socket");
            assertThat(node.audit().byAction("node.skip_rejected_enabled", 10)).hasSize(1);
            assertThat(node.audit().byAction("plugin.rejected", 10)).hasSize(3)
                    .allSatisfy(e -> assertThat(e.attributes()).containsEntry("skipped", "true"));
        }
    }

    @Test
    void aRejectingCheckFailsStartupClosedAndRegistersNothing() throws IOException {
        install("greeter-plugin.jar", "plain-plugin.jar");
        assertThatThrownBy(() -> node().dataDirectory(data)
                .check(c -> c.manifest().name().equals("greeter") ? CheckVerdict.reject("test-policy", "greeter is banned") : CheckVerdict.accept())
                .start())
                .isInstanceOfSatisfying(NodeStartException.class, e -> {
                    assertThat(e.failures()).singleElement().asString().contains("greeter is banned");
                    assertThat(e.getMessage()).contains("nothing was registered");
                });
        String trail = Files.readString(data.resolve("audit.jsonl"));
        assertThat(trail).contains("plugin.rejected").contains("node.start_failed").doesNotContain("plugin.registered");
    }

    @Test
    void unsignedPluginsAreRejectedByDefaultAndTheDecisionIsAudited() throws IOException {
        install("greeter-plugin.jar");
        assertThatThrownBy(() -> StigmemNode.builder().pluginDirectory(plugins).dataDirectory(data).start())
                .isInstanceOf(NodeStartException.class)
                .hasMessageContaining("greeter-plugin.jar")
                .hasMessageContaining("trust");
        String trail = Files.readString(data.resolve("audit.jsonl"));
        assertThat(trail).contains("\"action\":\"plugin.trust_decision\"").contains("\"trust_decision\":\"rejected\"")
                .doesNotContain("plugin.registered");
    }

    @Test
    void aMissingPluginDirectoryIsAClearError() {
        assertThatThrownBy(() -> StigmemNode.builder().start()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no plugin directory");
        assertThatThrownBy(() -> StigmemNode.builder().outboundAllowlist(java.util.Set.of("https://example.com/path")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is not scheme://host:port");
    }
}
