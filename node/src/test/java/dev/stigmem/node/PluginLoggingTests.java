package dev.stigmem.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stigmem.api.core.FactDraft;
import dev.stigmem.loader.trust.TrustPolicy;
import dev.stigmem.node.internal.cli.PluginJars;
import dev.stigmem.node.internal.logging.NodeLoggerFinder;
import dev.stigmem.node.internal.logging.PluginLogging;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Plugin logging through a real node: {@link System.Logger} of a plugin module goes to SLF4J under
 * {@code plugin.NAME} through the node's {@link System.LoggerFinder}, as bounded escaped text written
 * from the node's thread (a plugin-named thread cannot forge a line), under the runtime JDK guard;
 * the host's and the JDK's System.Logger lines go to SLF4J under their own names; a plugin that
 * bundles slf4j-api (any version from 1.7 on) logs through the node's own copy of it, bound to the
 * same route and enclosed with the plugin by the runtime guard.
 */
class PluginLoggingTests {

    private static final TrustPolicy DEVELOPMENT = TrustPolicy.builder()
            .unsignedDevelopmentMode(TrustPolicy.UNSIGNED_DEVELOPMENT_ACKNOWLEDGEMENT).build();

    private static final String LOGS = """
            package com.example.logs;
            import dev.stigmem.api.*;
            import dev.stigmem.api.hook.*;
            import java.lang.System.Logger.Level;
            @StigmemPlugin(name = "logging-plugin", version = "1.0.0", requires = ">=0.9.0")
            public final class Logs implements Plugin, PostAssertPersist {
                private static final System.Logger LOG = System.getLogger("com.example.logs.Logs");
                @Override public void start(PluginContext c) {
                    LOG.log(Level.INFO, "started");
                }
                @Override public void postAssertPersist(PluginContext c, FactEvent e) {
                    if (e.fact().object().equals("finder")) {
                        System.LoggerFinder.getLoggerFinder().getLogger("dev.stigmem.node.StigmemNode", Object.class.getModule())
                                .log(Level.ERROR, "asked the finder\\n[main] ERROR dev.stigmem.node.StigmemNode - forged through the finder");
                    } else if (e.fact().object().equals("thread")) {
                        Thread t = new Thread(() -> LOG.log(Level.WARNING, "from my own thread"),
                                "evil\\n[main] ERROR dev.stigmem.node.StigmemNode - forged by a thread name");
                        t.start();
                        try { t.join(); } catch (InterruptedException x) { Thread.currentThread().interrupt(); }
                    } else {
                        LOG.log(Level.INFO, "persisted {0}\\r\\n[main] INFO forged", e.fact().object());
                    }
                }
            }
            """;

    /** Logs through java.util.logging, as libraries do (Guava, protobuf, ...). */
    private static final String JUL = """
            package com.example.jul;
            import dev.stigmem.api.*;
            import dev.stigmem.api.hook.*;
            import java.util.logging.Level;
            import java.util.logging.Logger;
            @StigmemPlugin(name = "jul-plugin", version = "1.0.0", requires = ">=0.9.0")
            public final class Jul implements Plugin, PostAssertPersist {
                private static final Logger LOG = Logger.getLogger("com.example.jul.Jul");
                @Override public void postAssertPersist(PluginContext c, FactEvent e) {
                    LOG.log(Level.WARNING, "persisted {0}\\n[main] ERROR dev.stigmem.node.StigmemNode - forged through JUL", e.fact().object());
                    LOG.fine("below the JVM's JUL level");
                }
            }
            """;

    @TempDir
    static Path jars;
    static Path logs;
    static Path jul;

    @TempDir
    Path plugins;

    @BeforeAll
    static void compile() {
        logs = PluginJars.compile(jars, "logging-plugin.jar", Map.of("com/example/logs/Logs.java", LOGS), "com.example.logs.Logs");
        jul = PluginJars.compile(jars, "jul-plugin.jar", Map.of("com/example/jul/Jul.java", JUL), "com.example.jul.Jul");
    }

    /** Runs {@code action} with System.err captured (slf4j-simple writes to the current System.err). */
    private static String stderrOf(ThrowingRunnable action) throws Exception {
        PrintStream original = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setErr(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            action.run();
            PluginLogging.flush(5_000);
        } finally {
            System.setErr(original);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    @Test
    void theNodesLoggerFinderIsTheJvmsOne() {
        assertThat(System.LoggerFinder.getLoggerFinder()).isInstanceOf(NodeLoggerFinder.class);
    }

    @Test
    void aPluginsSystemLoggerLinesGoToSlf4jUnderItsNameBoundedAndEscaped() throws Exception {
        Files.copy(logs, plugins.resolve("logging-plugin.jar"));
        List<PluginLogLine> seen = new CopyOnWriteArrayList<>();
        String err = stderrOf(() -> {
            try (StigmemNode node = StigmemNode.builder().pluginDirectory(plugins).trustPolicy(DEVELOPMENT)
                    .observePluginLogs(seen::add).start()) {
                node.assertFact("alice", FactDraft.of("alice", "likes", "tea", "default"));
                node.assertFact("alice", FactDraft.of("alice", "runs", "thread", "default"));
                node.assertFact("alice", FactDraft.of("alice", "asks", "finder", "default"));
                assertThat(node.audit().byAction("jdk.denied", 10)).as("System.Logger is not refused by the guard").isEmpty();
                assertThat(node.audit().byAction("hook.handler_failed", 10)).isEmpty();
            }
        });
        assertThat(err).containsPattern("INFO plugin\\.logging-plugin - \\[[^\\]\\n]+\\] com\\.example\\.logs\\.Logs: started\n");
        assertThat(err).containsPattern("INFO plugin\\.logging-plugin - \\[[^\\]\\n]+\\] com\\.example\\.logs\\.Logs: "
                + "persisted tea\\\\u000d\\\\u000a\\[main\\] INFO forged\n");
        assertThat(err).contains("WARN plugin.logging-plugin - [evil\\u000a[main] ERROR dev.stigmem.node.StigmemNode - forged by a thread name]"
                + " com.example.logs.Logs: from my own thread");
        assertThat(err.lines()).as("no line forged by the plugin").noneMatch(l -> l.contains("forged") && !l.contains("plugin.logging-plugin"));
        assertThat(err.lines().filter(l -> l.contains("plugin.logging-plugin")))
                .as("written from the node's thread").allMatch(l -> l.startsWith("[stigmem-plugin-log] "));

        assertThat(seen).extracting(PluginLogLine::plugin).containsOnly("logging-plugin");
        assertThat(err).contains("ERROR plugin.logging-plugin - ").contains("dev.stigmem.node.StigmemNode: asked the finder\\u000a[main] ERROR");
        assertThat(seen).extracting(PluginLogLine::level).containsExactly(Level.INFO, Level.INFO, Level.WARNING, Level.ERROR);
        assertThat(seen.get(1).message()).isEqualTo("persisted tea\\u000d\\u000a[main] INFO forged");
    }

    @Test
    void aPluginsJulRecordsGoToSlf4jUnderItsNameEscapedAndTheHostsStayWhereTheyWere() throws Exception {
        Files.copy(jul, plugins.resolve("jul-plugin.jar"));
        List<PluginLogLine> seen = new CopyOnWriteArrayList<>();
        String err = stderrOf(() -> {
            try (StigmemNode node = StigmemNode.builder().pluginDirectory(plugins).trustPolicy(DEVELOPMENT)
                    .observePluginLogs(seen::add).start()) {
                node.assertFact("alice", FactDraft.of("alice", "likes", "tea", "default"));
                assertThat(node.audit().byAction("jdk.denied", 10)).as("JUL logging is not refused by the guard").isEmpty();
                assertThat(node.audit().byAction("hook.handler_failed", 10)).isEmpty();
                // The host's own JUL records go to the root handlers that were there before, not to a plugin.
                java.util.logging.Logger.getLogger("host.jul").warning("the host's own JUL line");
                assertThat(java.util.logging.Logger.getLogger("").getHandlers()).singleElement()
                        .extracting(h -> h.getClass().getSimpleName()).isEqualTo("PluginJulHandler");
            }
        });
        assertThat(seen).singleElement().satisfies(l -> {
            assertThat(l.plugin()).isEqualTo("jul-plugin");
            assertThat(l.level()).isEqualTo(Level.WARNING);
            assertThat(l.message()).isEqualTo("persisted tea\\u000a[main] ERROR dev.stigmem.node.StigmemNode - forged through JUL");
        });
        assertThat(err).contains("WARN plugin.jul-plugin - ").contains("com.example.jul.Jul: persisted tea\\u000a[main] ERROR");
        assertThat(err.lines()).as("no line forged by the plugin").noneMatch(l -> l.contains("forged") && !l.contains("plugin.jul-plugin"));
    }

    @Test
    void theHostsAndTheJdksSystemLoggerLinesGoToSlf4jUnderTheirOwnNames() throws Exception {
        String err = stderrOf(() -> System.getLogger("host.component").log(Level.WARNING, "host says {0}", "hello"));
        assertThat(err).contains("WARN host.component - host says hello");
    }

    /** Logs through its own bundled slf4j-api, as most libraries do. */
    private static final String SLF = """
            package com.example.slf;
            import dev.stigmem.api.*;
            import dev.stigmem.api.hook.*;
            import org.slf4j.Logger;
            import org.slf4j.LoggerFactory;
            @StigmemPlugin(name = "slf4j-plugin", version = "1.0.0", requires = ">=0.9.0")
            public final class Slf implements Plugin, PostAssertPersist {
                private static final Logger LOG = LoggerFactory.getLogger(Slf.class);
                @Override public void start(PluginContext c) {
                    LOG.info("started with {}", LoggerFactory.getILoggerFactory().getClass().getName());
                }
                @Override public void postAssertPersist(PluginContext c, FactEvent e) {
                    String o = e.fact().object();
                    if (o.equals("deputy")) {
                        // slf4j's own helper reads any property; run on the plugin's behalf, it is the plugin's read
                        LOG.warn("home={}", org.slf4j.helpers.Util.safeGetSystemProperty("user.home"));
                    } else if (o.equals("trace")) {
                        LOG.trace("below the level");
                    } else {
                        LOG.warn("persisted {}\\n[main] ERROR dev.stigmem.node.StigmemNode - forged through slf4j", o,
                                new IllegalStateException("peer\\nunreachable"));
                    }
                }
            }
            """;

    private static Path zipOf(Path zip, Path... jars) throws java.io.IOException {
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
            for (Path jar : jars) {
                out.putNextEntry(new ZipEntry(jar.getFileName().toString()));
                Files.copy(jar, out);
                out.closeEntry();
            }
        }
        return zip;
    }

    private static Path nodesSlf4j() {
        return Path.of(ModuleLayer.boot().findModule("org.slf4j").orElseThrow().getLayer().configuration()
                .findModule("org.slf4j").orElseThrow().reference().location().orElseThrow());
    }

    private static final Path OLD_SLF4J = Path.of(System.getProperty("stigmem.examples", "target/examples"), "slf4j-api-1.7.36.jar");

    @Test
    void aPluginThatBundlesSlf4jLogsThroughTheNodesCopyUnderItsName() throws Exception {
        Path jar = PluginJars.compile(jars, "slf4j-plugin.jar", Map.of("com/example/slf/Slf.java", SLF), "com.example.slf.Slf",
                List.of(nodesSlf4j()));
        zipOf(plugins.resolve("slf4j-plugin.zip"), jar, nodesSlf4j());
        List<PluginLogLine> seen = new CopyOnWriteArrayList<>();
        String err = stderrOf(() -> {
            try (StigmemNode node = StigmemNode.builder().pluginDirectory(plugins).trustPolicy(DEVELOPMENT)
                    .observePluginLogs(seen::add).start()) {
                node.assertFact("alice", FactDraft.of("alice", "likes", "tea", "default"));
                node.assertFact("alice", FactDraft.of("alice", "likes", "trace", "default"));
                assertThat(node.audit().byAction("jdk.denied", 10)).as("the node's copy started before any plugin code").isEmpty();
                node.assertFact("alice", FactDraft.of("alice", "likes", "deputy", "default"));
                assertThat(node.audit().byAction("jdk.denied", 10)).as("the copy acts as the plugin").singleElement()
                        .satisfies(ev -> assertThat(ev.attributes()).containsEntry("member", "java.lang.System#getProperty")
                                .containsEntry("rule", "system.properties"));
                assertThat(node.audit().byAction("hook.handler_failed", 10)).isEmpty();
                assertThat(node.audit().byAction("plugin.scanned", 10)).singleElement()
                        .satisfies(ev -> assertThat(ev.attributes()).containsEntry("verdict", "accept"));
            }
        });
        assertThat(seen).extracting(PluginLogLine::plugin).containsOnly("slf4j-plugin");
        assertThat(seen).extracting(PluginLogLine::logger).containsOnly("com.example.slf.Slf");
        assertThat(seen.get(0).message()).as("bound to the node's provider, in the plugin's own copy")
                .isEqualTo("started with dev.stigmem.node.internal.slf4j.PluginSlf4jProvider$Factory");
        assertThat(seen.get(1).level()).isEqualTo(Level.WARNING);
        assertThat(seen.get(1).message()).isEqualTo("persisted tea\\u000a[main] ERROR dev.stigmem.node.StigmemNode - forged through slf4j");
        assertThat(seen.get(1).thrown()).contains("java.lang.IllegalStateException: peer\\u000aunreachable");
        assertThat(seen.get(2).level()).as("the observer sees every level").isEqualTo(Level.TRACE);
        assertThat(err).as("below the node's SLF4J level").doesNotContain("below the level");
        assertThat(seen.get(3).message()).as("slf4j's Util swallowed the guard's refusal").isEqualTo("home=null");
        assertThat(seen).hasSize(4);
        assertThat(err).contains("WARN plugin.slf4j-plugin - ").contains("com.example.slf.Slf: persisted tea\\u000a[main] ERROR");
        assertThat(err.lines()).as("no line forged by the plugin").noneMatch(l -> l.contains("forged") && !l.contains("plugin.slf4j-plugin"));
    }

    @Test
    void aPluginCompiledAgainstSlf4j17RunsOnTheNodesCopyBesideAnotherEachUnderItsOwnName() throws Exception {
        String other = SLF.replace("com.example.slf", "com.example.old").replace("slf4j-plugin", "old-slf4j-plugin");
        Path jar = PluginJars.compile(jars, "slf4j-plugin.jar", Map.of("com/example/slf/Slf.java", SLF), "com.example.slf.Slf",
                List.of(nodesSlf4j()));
        Path old = PluginJars.compile(jars, "old-slf4j-plugin.jar", Map.of("com/example/old/Slf.java", other),
                "com.example.old.Slf", List.of(OLD_SLF4J));
        zipOf(plugins.resolve("slf4j-plugin.zip"), jar, nodesSlf4j());
        zipOf(plugins.resolve("old-slf4j-plugin.zip"), old, OLD_SLF4J);
        List<PluginLogLine> seen = new CopyOnWriteArrayList<>();
        stderrOf(() -> {
            try (StigmemNode node = StigmemNode.builder().pluginDirectory(plugins).trustPolicy(DEVELOPMENT)
                    .observePluginLogs(seen::add).start()) {
                node.assertFact("alice", FactDraft.of("alice", "likes", "tea", "default"));
                assertThat(node.audit().byAction("jdk.denied", 10)).isEmpty();
                assertThat(node.audit().byAction("hook.handler_failed", 10)).isEmpty();
            }
        });
        assertThat(seen).filteredOn(l -> l.message().startsWith("persisted tea"))
                .extracting(PluginLogLine::plugin, PluginLogLine::logger)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("slf4j-plugin", "com.example.slf.Slf"),
                        org.assertj.core.groups.Tuple.tuple("old-slf4j-plugin", "com.example.old.Slf"));
    }

    @Test
    void theScanReportsABundledSlf4jForTheRecordAndAPluginNamedLikeItIsRefused() throws Exception {
        Path jar = PluginJars.compile(jars, "slf4j-plugin.jar", Map.of("com/example/slf/Slf.java", SLF), "com.example.slf.Slf",
                List.of(OLD_SLF4J));
        Path zip = zipOf(plugins.resolve("slf4j-plugin.zip"), jar, OLD_SLF4J);
        dev.stigmem.loader.scan.ScanReport report;
        try (dev.stigmem.loader.PluginLoader loader = dev.stigmem.loader.PluginLoader.builder().build()) {
            report = loader.inspect(zip, c -> dev.stigmem.loader.scan.ScanCheck.scan(c, dev.stigmem.loader.scan.ScanPolicy.shipped()));
        }
        assertThat(report.hasDeny()).as(report.toText()).isFalse();
        assertThat(report.findings()).filteredOn(f -> f.rule().equals("library.substituted")).singleElement()
                .satisfies(f -> {
                    assertThat(f.target()).isEqualTo("org.slf4j");
                    assertThat(f.jar()).isEqualTo("slf4j-api-1.7.36.jar");
                });
        assertThat(report.findings()).filteredOn(f -> f.jar().equals("slf4j-api-1.7.36.jar") && f.rule().equals("class.define"))
                .as("what the bundled copy would have done, for the record").isNotEmpty()
                .allSatisfy(f -> assertThat(f.reason()).contains("this jar is never loaded"));

        // A plugin module that takes the substituted name itself is not replaced: it is refused.
        Files.delete(zip);
        Path impostor = PluginJars.compile(jars, "impostor.jar", Map.of("com/example/imp/Imp.java", """
                package com.example.imp;
                @dev.stigmem.api.StigmemPlugin(name = "impostor", version = "1.0.0", requires = ">=0.9.0")
                public final class Imp implements dev.stigmem.api.Plugin {}
                """), "com.example.imp.Imp");
        try (var in = new java.util.zip.ZipFile(impostor.toFile());
             ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(plugins.resolve("impostor.jar")))) {
            out.putNextEntry(new ZipEntry("META-INF/MANIFEST.MF"));
            out.write("Manifest-Version: 1.0\r\nAutomatic-Module-Name: org.slf4j\r\n\r\n".getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
            for (ZipEntry e : java.util.Collections.list(in.entries())) {
                out.putNextEntry(new ZipEntry(e.getName()));
                in.getInputStream(e).transferTo(out);
                out.closeEntry();
            }
        }
        assertThatThrownBy(() -> StigmemNode.builder().pluginDirectory(plugins).trustPolicy(DEVELOPMENT).start())
                .isInstanceOf(NodeStartException.class)
                .hasMessageContaining("takes the name of a library module the host supplies");
    }
}
