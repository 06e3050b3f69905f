package dev.stigmem.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stigmem.api.core.AuditEvent;
import dev.stigmem.api.core.FactDraft;
import dev.stigmem.loader.trust.TrustPolicy;
import dev.stigmem.node.internal.cli.PluginJars;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The second line for JDK access through a real node: a plugin that the pre-scan ACCEPTS (each route
 * below reaches the JDK member through JDK code the scan does not see, or is only reviewed) does
 * harm at run time, and the runtime JDK guard refuses it. Each refusal is audited as
 * {@code jdk.denied}, the handler failure is shown, the node keeps serving another plugin, the JVM
 * is unchanged for the node, a stopped plugin's threads are ended or reported, and the trail
 * re-opens intact.
 */
class RuntimeGuardNodeTests {

    private static final TrustPolicy DEVELOPMENT = TrustPolicy.builder()
            .unsignedDevelopmentMode(TrustPolicy.UNSIGNED_DEVELOPMENT_ACKNOWLEDGEMENT).build();

    /** post_assert_persist: the fact's object picks the route. Every route passes the pre-scan. */
    private static final String SLY = """
            package com.example.sly;
            import dev.stigmem.api.*;
            import dev.stigmem.api.hook.*;
            import java.util.*;
            @StigmemPlugin(name = "sly-plugin", version = "1.0.0", requires = ">=0.9.0")
            public final class Sly implements Plugin, PostAssertPersist {
                @Override public void postAssertPersist(PluginContext c, FactEvent e) {
                    try {
                        switch (e.fact().object()) {
                            // Properties#setProperty reaches Provider#put: remaps SHA-256 for the whole JVM
                            case "provider" -> {
                                Properties p = java.security.Security.getProvider("SUN");
                                p.setProperty("MessageDigest.SHA-256", "com.example.sly.Evil");
                            }
                            // URL#hashCode, called by HashSet, resolves the host name
                            case "dns" -> new HashSet<>().add(new java.net.URL("http://stigmem-guard-node-test.invalid/"));
                            // more threads than a plugin may run
                            case "threads" -> {
                                for (int i = 0; i < 20; i++) {
                                    Thread t = new Thread(() -> { try { Thread.sleep(60_000); } catch (InterruptedException x) { } });
                                    t.setDaemon(true);
                                    t.start();
                                }
                            }
                            // a thread that ignores its interrupt (and ends by itself after 15 s, not to burn the test JVM)
                            case "stubborn" -> {
                                Thread t = new Thread(() -> {
                                    long end = System.nanoTime() + 15_000_000_000L;
                                    while (System.nanoTime() < end) {
                                        try { Thread.sleep(50); } catch (InterruptedException ignored) { }
                                    }
                                }, "sly-stubborn");
                                t.setDaemon(true);
                                t.start();
                            }
                            default -> { }
                        }
                    } catch (java.net.MalformedURLException x) {
                        throw new IllegalStateException(x);
                    }
                }
            }
            """;

    private static final String BENIGN = """
            package com.example.benign;
            import dev.stigmem.api.*;
            import dev.stigmem.api.hook.*;
            @StigmemPlugin(name = "benign-plugin", version = "1.0.0", requires = ">=0.9.0")
            public final class Benign implements Plugin, PreAssertAuthorize {
                @Override public Vote preAssertAuthorize(PluginContext c, AssertRequest r) {
                    return r.draft().subject().equals("blocked") ? Vote.deny("blocked subjects are refused") : Vote.allow();
                }
            }
            """;

    @TempDir
    static Path jars;
    static Path sly;
    static Path benign;

    @TempDir
    Path plugins;
    @TempDir
    Path data;

    @BeforeAll
    static void compile() {
        sly = PluginJars.compile(jars, "sly-plugin.jar", Map.of("com/example/sly/Sly.java", SLY), "com.example.sly.Sly");
        benign = PluginJars.compile(jars, "benign-plugin.jar", Map.of("com/example/benign/Benign.java", BENIGN),
                "com.example.benign.Benign");
    }

    private StigmemNode start() throws Exception {
        for (Path p : List.of(sly, benign)) {
            Path target = plugins.resolve(p.getFileName());
            if (!Files.exists(target)) {
                Files.copy(p, target);
            }
        }
        return StigmemNode.builder().pluginDirectory(plugins).dataDirectory(data).trustPolicy(DEVELOPMENT)
                .handlerTimeout(Duration.ofSeconds(5)).start();
    }

    private static List<AuditEvent> denied(StigmemNode node) {
        return node.audit().byAction("jdk.denied", 1000).stream().filter(e -> e.actor().equals("plugin:sly-plugin")).toList();
    }

    @Test
    void whatTheScanCannotSeeTheGuardRefuses() throws Exception {
        StigmemNode node = start();
        assertThat(node.plugins()).extracting(PluginInfo::name).as("the pre-scan accepted it").contains("sly-plugin");

        node.assertFact("alice", FactDraft.of("alice", "route", "provider", "default"));
        assertThat(denied(node)).extracting(e -> e.attributes().get("rule")).contains("jvm.global");
        assertThat(denied(node)).extracting(e -> e.attributes().get("member")).anyMatch(m -> m.startsWith("java.security.Provider#put"));
        assertThat(node.audit().byAction("hook.handler_failed", 100)).anySatisfy(e ->
                assertThat(e.attributes().get("error")).contains("plugin 'sly-plugin' cannot call java.security.Provider#put"));
        // the node's SHA-256 is still the JDK's
        assertThat(MessageDigest.getInstance("SHA-256").getProvider().getName()).isEqualTo("SUN");
        assertThat(java.security.Security.getProvider("SUN").getProperty("MessageDigest.SHA-256")).doesNotContain("sly");

        node.assertFact("alice", FactDraft.of("alice", "route", "dns", "default"));
        assertThat(denied(node)).extracting(e -> e.attributes().get("rule")).contains("network.resolve");

        node.assertFact("alice", FactDraft.of("alice", "route", "stubborn", "default"));
        assertThat(denied(node)).extracting(e -> e.attributes().get("rule")).doesNotContain("thread.create");

        node.assertFact("alice", FactDraft.of("alice", "route", "threads", "default"));
        assertThat(denied(node)).extracting(e -> e.attributes().get("rule")).contains("thread.create");

        // the node keeps serving the other plugin, and the facts of the fire-and-forget hook were stored
        assertThatThrownBy(() -> node.assertFact("alice", FactDraft.of("blocked", "p", "o", "default")))
                .isInstanceOf(OperationDeniedException.class);
        assertThat(node.recall("alice", new dev.stigmem.api.core.RecallQuery("default", "route", 10))).hasSize(4);

        long auditedBeforeClose = node.audit().recent(1000).size();
        node.close();
        List<String> lines = Files.readAllLines(data.resolve("audit.jsonl"));
        assertThat(lines.size()).isGreaterThan((int) auditedBeforeClose);
        assertThat(String.join("\n", lines)).contains("plugin.threads_left").contains("sly-stubborn");
        assertThat(lines.get(lines.size() - 1)).contains("node.stopped");

        try (StigmemNode again = start()) {
            List<AuditEvent> all = again.audit().recent(10_000);
            for (int i = 0; i < all.size(); i++) {
                assertThat(all.get(i).sequence()).as("gapless trail").isEqualTo(i + 1);
            }
        }
    }
}
