package dev.stigmem.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.stigmem.api.Health;
import dev.stigmem.api.PluginExecutionError;
import dev.stigmem.api.core.AuditEvent;
import dev.stigmem.api.core.FactDraft;
import dev.stigmem.api.core.RecallQuery;
import dev.stigmem.api.hook.Hook;
import dev.stigmem.loader.trust.TrustPolicy;
import dev.stigmem.node.internal.cli.PluginJars;
import dev.stigmem.node.internal.cli.StigmemCommand;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Plugins that try to end or freeze the node, compiled with javac and loaded through a real node:
 * the JVM's errors thrown from handlers, {@code health()}, {@code stop()}, static initializers and
 * constructors; construction, {@code start}, {@code stop} and {@code health} that never return;
 * handler threads all stuck; handlers slower than the queue; plugins that keep failing
 * (quarantine); a {@code recall_filter} returning two million hits for limit 10; texts over the
 * bound; and the JVM's error in the node's own code.
 *
 * <p>A node call that should not hang is run under {@link #within} (the time limit and a margin for a
 * busy machine): a hang fails the test instead of hanging the build.
 */
class PluginFaultTests {

    private static final Duration HANDLER_LIMIT = Duration.ofMillis(300);
    private static final Duration LIFECYCLE_LIMIT = Duration.ofMillis(500);
    /** Time for a call that must not hang; generous, for the JDK guard's first install and a busy machine. */
    private static final Duration DEADLINE = Duration.ofSeconds(30);

    private static final TrustPolicy DEVELOPMENT = TrustPolicy.builder()
            .unsignedDevelopmentMode(TrustPolicy.UNSIGNED_DEVELOPMENT_ACKNOWLEDGEMENT).build();

    @TempDir
    static Path jars;

    @TempDir
    Path plugins;

    @TempDir
    Path data;

    // ---------------------------------------------------------------- the plugins

    private static final String BLOCK = """
            package %s;
            final class Block {
                private Block() {
                }
                /** Never returns: waits on a monitor nobody notifies and ignores interruption, as hostile code would. */
                static <T> T forever() {
                    Object lock = new Object();
                    synchronized (lock) {
                        while (true) {
                            try {
                                lock.wait();
                            } catch (InterruptedException ignored) {
                                // keep waiting
                            }
                        }
                    }
                }
                @SuppressWarnings("unchecked")
                static <T extends Throwable> void sneaky(Throwable t) throws T {
                    throw (T) t;
                }
            }
            """;

    /** Votes, observes, starts, stops and answers health checks, recording each in the trail. */
    private static final String BENIGN = """
            package com.example.benign;
            import dev.stigmem.api.*;
            import dev.stigmem.api.core.*;
            import dev.stigmem.api.hook.*;
            import java.util.*;
            @StigmemPlugin(name = "benign-plugin", version = "1.0.0", requires = ">=0.9.0", capabilities = {"audit.emit"})
            public final class Benign implements Plugin, PreAssertAuthorize, PostAssertPersist {
                private AuditEmitter audit;
                @Override public void start(PluginContext c) {
                    audit = c.getAuditEmitter().orElseThrow();
                    audit.emit("benign.started", Map.of());
                }
                @Override public void stop() {
                    audit.emit("benign.stopped", Map.of());
                }
                @Override public Health health() {
                    return Health.healthy();
                }
                @Override public Vote preAssertAuthorize(PluginContext c, AssertRequest r) {
                    return r.draft().subject().equals("blocked") ? Vote.deny("blocked subjects are refused") : Vote.allow();
                }
                @Override public void postAssertPersist(PluginContext c, FactEvent e) {
                    c.getAuditEmitter().orElseThrow().emit("benign.persisted", Map.of("fact", e.fact().id()));
                }
            }
            """;

    /** pre_assert_authorize: throws what the subject names, the JVM's own errors included. */
    private static final String ERROR_THROWER = """
            package com.example.errors;
            import dev.stigmem.api.*;
            import dev.stigmem.api.hook.*;
            @StigmemPlugin(name = "error-thrower", version = "1.0.0", requires = ">=0.9.0")
            public final class ErrorThrower implements Plugin, PreAssertAuthorize {
                @Override public Vote preAssertAuthorize(PluginContext c, AssertRequest r) {
                    switch (r.draft().subject()) {
                        case "oom": throw new OutOfMemoryError("thrown by error-thrower");
                        case "internal": throw new InternalError("thrown by error-thrower");
                        case "overflow": return deeper(0);
                        case "throwable": Block.sneaky(new Odd("a Throwable that is no Exception nor Error")); return null;
                        default: return Vote.allow();
                    }
                }
                private static Vote deeper(long n) {
                    return n < 0 ? Vote.allow() : deeper(n + 1);
                }
            }
            final class Odd extends Throwable {
                Odd(String message) {
                    super(message);
                }
            }
            """;

    /** health() throws the JVM's InternalError, stop() its OutOfMemoryError. */
    private static final String FAILING_LIFECYCLE = """
            package com.example.failinglifecycle;
            import dev.stigmem.api.*;
            @StigmemPlugin(name = "failing-lifecycle", version = "1.0.0", requires = ">=0.9.0")
            public final class FailingLifecycle implements Plugin {
                @Override public Health health() {
                    throw new InternalError("health broke");
                }
                @Override public void stop() {
                    throw new OutOfMemoryError("stop broke");
                }
            }
            """;

    /** Its static initializer throws. */
    private static final String STATIC_ERROR = """
            package com.example.staticerror;
            import dev.stigmem.api.*;
            @StigmemPlugin(name = "init-error", version = "1.0.0", requires = ">=0.9.0")
            public final class StaticError implements Plugin {
                static {
                    if (StaticError.class.getName().length() > 0) {
                        throw new IllegalStateException("static initializer broke");
                    }
                }
            }
            """;

    /** Its constructor throws an Error whose message never returns. */
    private static final String CTOR_MESSAGE_HANG = """
            package com.example.ctormessage;
            import dev.stigmem.api.*;
            @StigmemPlugin(name = "ctor-message-hang", version = "1.0.0", requires = ">=0.9.0")
            public final class CtorMessageHang implements Plugin {
                public CtorMessageHang() {
                    throw new HangingError();
                }
            }
            final class HangingError extends Error {
                @Override public String getMessage() {
                    return Block.forever();
                }
                @Override public String getLocalizedMessage() {
                    return Block.forever();
                }
                @Override public String toString() {
                    return Block.forever();
                }
            }
            """;

    /** Its constructor never returns. */
    private static final String CTOR_HANG = """
            package com.example.ctorhang;
            import dev.stigmem.api.*;
            @StigmemPlugin(name = "ctor-hang", version = "1.0.0", requires = ">=0.9.0")
            public final class CtorHang implements Plugin {
                public CtorHang() {
                    Block.<Object>forever();
                }
            }
            """;

    /** start() never returns; its voter refuses everything (so a node that still calls it shows). */
    private static final String START_HANG = """
            package com.example.starthang;
            import dev.stigmem.api.*;
            import dev.stigmem.api.hook.*;
            @StigmemPlugin(name = "start-hang", version = "1.0.0", requires = ">=0.9.0")
            public final class StartHang implements Plugin, PreAssertAuthorize {
                @Override public void start(PluginContext c) {
                    Block.<Object>forever();
                }
                @Override public Vote preAssertAuthorize(PluginContext c, AssertRequest r) {
                    return Vote.deny("start-hang never started");
                }
            }
            """;

    private static final String HEALTH_HANG = """
            package com.example.healthhang;
            import dev.stigmem.api.*;
            @StigmemPlugin(name = "health-hang", version = "1.0.0", requires = ">=0.9.0")
            public final class HealthHang implements Plugin {
                @Override public Health health() {
                    return Block.forever();
                }
            }
            """;

    private static final String STOP_HANG = """
            package com.example.stophang;
            import dev.stigmem.api.*;
            @StigmemPlugin(name = "stop-hang", version = "1.0.0", requires = ">=0.9.0")
            public final class StopHang implements Plugin {
                @Override public void stop() {
                    Block.<Object>forever();
                }
            }
            """;

    /** pre_assert_authorize: records each call, then hangs on subject "hang", takes 1.2 s on "slow", allows. */
    private static final String STUCK_VOTER = """
            package com.example.stuck;
            import dev.stigmem.api.*;
            import dev.stigmem.api.hook.*;
            import java.util.*;
            @StigmemPlugin(name = "stuck-voter", version = "1.0.0", requires = ">=0.9.0", capabilities = {"audit.emit"})
            public final class StuckVoter implements Plugin, PreAssertAuthorize {
                @Override public Vote preAssertAuthorize(PluginContext c, AssertRequest r) {
                    c.getAuditEmitter().orElseThrow().emit("stuck-voter.called", Map.of("subject", r.draft().subject()));
                    if (r.draft().subject().equals("hang")) {
                        return Block.forever();
                    }
                    if (r.draft().subject().equals("slow")) {
                        try {
                            Thread.sleep(1200);
                        } catch (InterruptedException e) {
                            return Vote.deny("interrupted");
                        }
                    }
                    return Vote.allow();
                }
            }
            """;

    /** pre_assert_authorize: records each call and fails on subjects starting with "fail". */
    private static final String FAILING_VOTER = """
            package com.example.failingvoter;
            import dev.stigmem.api.*;
            import dev.stigmem.api.hook.*;
            import java.util.*;
            @StigmemPlugin(name = "failing-voter", version = "1.0.0", requires = ">=0.9.0", capabilities = {"audit.emit"})
            public final class FailingVoter implements Plugin, PreAssertAuthorize {
                @Override public Vote preAssertAuthorize(PluginContext c, AssertRequest r) {
                    c.getAuditEmitter().orElseThrow().emit("failing-voter.called", Map.of());
                    if (r.draft().subject().startsWith("fail")) {
                        throw new IllegalStateException("always fails");
                    }
                    return Vote.allow();
                }
            }
            """;

    /** recall_rank and post_assert_persist: always throw. */
    private static final String FAILING_OBSERVER = """
            package com.example.failingobserver;
            import dev.stigmem.api.*;
            import dev.stigmem.api.hook.*;
            import java.util.*;
            @StigmemPlugin(name = "failing-observer", version = "1.0.0", requires = ">=0.9.0")
            public final class FailingObserver implements Plugin, RecallRank, PostAssertPersist {
                @Override public Map<String, Double> recallRank(PluginContext c, RecallResults r) {
                    throw new IllegalStateException("ranking broke");
                }
                @Override public void postAssertPersist(PluginContext c, FactEvent e) {
                    throw new IllegalStateException("observing broke");
                }
            }
            """;

    /**
     * recall_filter: on text "flood" two million copies of the first hit, on "onemore" the limit
     * and one more, on anything else its hits under a request of its own making (other principal,
     * tenant and limit).
     */
    private static final String FLOOD_FILTER = """
            package com.example.flood;
            import dev.stigmem.api.*;
            import dev.stigmem.api.core.*;
            import dev.stigmem.api.hook.*;
            import java.util.*;
            @StigmemPlugin(name = "flood-filter", version = "1.0.0", requires = ">=0.9.0")
            public final class FloodFilter implements Plugin, RecallFilter {
                @Override public RecallResults recallFilter(PluginContext c, RecallResults r) {
                    if (r.hits().isEmpty()) {
                        return r;
                    }
                    RecallHit first = r.hits().get(0);
                    switch (r.request().query().text()) {
                        case "flood": return r.withHits(Collections.nCopies(2_000_000, first));
                        case "onemore": return r.withHits(Collections.nCopies(r.request().query().limit() + 1, first));
                        default: return new RecallResults(new RecallRequest("mallory", new RecallQuery("elsewhere", "anything", 1000)), r.hits());
                    }
                }
            }
            """;

    /** pre_assert_transform: replaces the object by two million characters. */
    private static final String HUGE_TEXT = """
            package com.example.hugetext;
            import dev.stigmem.api.*;
            import dev.stigmem.api.core.*;
            import dev.stigmem.api.hook.*;
            @StigmemPlugin(name = "huge-text", version = "1.0.0", requires = ">=0.9.0")
            public final class HugeText implements Plugin, PreAssertTransform {
                @Override public AssertRequest preAssertTransform(PluginContext c, AssertRequest r) {
                    FactDraft d = r.draft();
                    return r.withDraft(new FactDraft(d.subject(), d.predicate(), "x".repeat(2 * 1024 * 1024), d.tenant(), d.attributes()));
                }
            }
            """;

    private static final Map<String, Path> JARS = new TreeMap<>();

    @BeforeAll
    static void compilePlugins() {
        compile("benign-plugin", "com.example.benign", "Benign", BENIGN);
        compile("error-thrower", "com.example.errors", "ErrorThrower", ERROR_THROWER);
        compile("failing-lifecycle", "com.example.failinglifecycle", "FailingLifecycle", FAILING_LIFECYCLE);
        compile("init-error", "com.example.staticerror", "StaticError", STATIC_ERROR);
        compile("ctor-message-hang", "com.example.ctormessage", "CtorMessageHang", CTOR_MESSAGE_HANG);
        compile("ctor-hang", "com.example.ctorhang", "CtorHang", CTOR_HANG);
        compile("start-hang", "com.example.starthang", "StartHang", START_HANG);
        compile("health-hang", "com.example.healthhang", "HealthHang", HEALTH_HANG);
        compile("stop-hang", "com.example.stophang", "StopHang", STOP_HANG);
        compile("stuck-voter", "com.example.stuck", "StuckVoter", STUCK_VOTER);
        compile("failing-voter", "com.example.failingvoter", "FailingVoter", FAILING_VOTER);
        compile("failing-observer", "com.example.failingobserver", "FailingObserver", FAILING_OBSERVER);
        compile("flood-filter", "com.example.flood", "FloodFilter", FLOOD_FILTER);
        compile("huge-text", "com.example.hugetext", "HugeText", HUGE_TEXT);
    }

    private static void compile(String name, String pkg, String entry, String source) {
        String dir = pkg.replace('.', '/') + "/";
        JARS.put(name, PluginJars.compile(jars, name + ".jar", Map.of(dir + entry + ".java", source,
                dir + "Block.java", BLOCK.formatted(pkg)), pkg + "." + entry));
    }

    // ---------------------------------------------------------------- the node

    private void install(String... names) {
        try {
            for (String name : names) {
                Path target = plugins.resolve(name + ".jar");
                if (!Files.exists(target)) {
                    Files.copy(JARS.get(name), target);
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A node over the benign plugin and {@code others}, with a durable trail. */
    private StigmemNode start(Consumer<StigmemNode.Builder> options, String... others) {
        install("benign-plugin");
        install(others);
        StigmemNode.Builder b = StigmemNode.builder().pluginDirectory(plugins).dataDirectory(data).trustPolicy(DEVELOPMENT);
        options.accept(b);
        return within(b::start);
    }

    /** Runs a node call, failing (not hanging) if it takes longer than the deadline. */
    private static <T> T within(Supplier<T> call) {
        return assertTimeoutPreemptively(DEADLINE, call::get, "the node did not return in time");
    }

    private static void withinDo(Runnable call) {
        within(() -> {
            call.run();
            return null;
        });
    }

    private static FactDraft about(String subject) {
        return FactDraft.of(subject, "likes", "tea", "default");
    }

    /** The benign plugin still votes: the node goes on serving. */
    private static void assertNodeServes(StigmemNode node) {
        assertThatThrownBy(() -> within(() -> node.assertFact("alice", about("blocked"))))
                .isInstanceOfSatisfying(OperationDeniedException.class, e -> assertThat(e.reason()).isEqualTo("blocked subjects are refused"));
        assertThat(within(() -> node.assertFact("alice", about("alice"))).id()).isNotBlank();
    }

    private static List<AuditEvent> events(StigmemNode node, String action) {
        return node.audit().byAction(action, 1000);
    }

    private PluginInfo info(StigmemNode node, String plugin) {
        return within(node::plugins).stream().filter(p -> p.name().equals(plugin)).findFirst().orElseThrow();
    }

    /** The trail's lines as written, actions in order. */
    private List<String> trailActions() throws IOException {
        List<String> actions = new ArrayList<>();
        for (String line : Files.readAllLines(data.resolve("audit.jsonl"), StandardCharsets.UTF_8)) {
            int at = line.indexOf("\"action\":\"") + 10;
            actions.add(line.substring(at, line.indexOf('"', at)));
        }
        return actions;
    }

    private String lastTrailLine() throws IOException {
        List<String> lines = Files.readAllLines(data.resolve("audit.jsonl"), StandardCharsets.UTF_8);
        return lines.get(lines.size() - 1);
    }

    // ---------------------------------------------------------------- the JVM's errors from plugin code

    @ParameterizedTest(name = "handler time limit: {0}")
    @ValueSource(booleans = {false, true})
    void theJvmsErrorsThrownByAHandlerAreThatPluginsFailureAndTheNodeGoesOn(boolean timed) {
        try (StigmemNode node = start(b -> {
            if (timed) {
                b.handlerTimeout(Duration.ofSeconds(5));
            }
        }, "error-thrower")) {
            Map<String, String> thrown = Map.of(
                    "oom", "threw java.lang.OutOfMemoryError: thrown by error-thrower",
                    "internal", "threw java.lang.InternalError: thrown by error-thrower",
                    "overflow", "threw java.lang.StackOverflowError",
                    "throwable", "threw com.example.errors.Odd: a Throwable that is no Exception nor Error");
            for (var t : thrown.entrySet()) {
                assertThatThrownBy(() -> within(() -> node.assertFact("alice", about(t.getKey()))))
                        .as(t.getKey())
                        .isInstanceOfSatisfying(PluginExecutionError.class, e -> {
                            assertThat(e.pluginName()).isEqualTo("error-thrower");
                            assertThat(e).hasMessageEndingWith(t.getValue()).hasNoCause();
                        });
                assertNodeServes(node);
            }
            assertThat(events(node, "hook.handler_failed")).hasSize(4);
            assertThat(events(node, "plugin.quarantined")).isEmpty(); // each failure was followed by a success
        }
    }

    @Test
    void healthAndStopThrowingTheJvmsErrorsAreReportedAndEveryOtherPluginStillStops() throws IOException {
        StigmemNode node = start(b -> { }, "failing-lifecycle");
        PluginInfo failing = info(node, "failing-lifecycle");
        assertThat(failing.health()).isEqualTo(Health.unhealthy("health check threw java.lang.InternalError: health broke"));
        assertThat(info(node, "benign-plugin").health()).isEqualTo(Health.healthy());
        withinDo(node::close);
        assertThat(events(node, "plugin.stop_failed")).singleElement().satisfies(e -> {
            assertThat(e.actor()).isEqualTo("plugin:failing-lifecycle");
            assertThat(e.attributes()).containsEntry("error", "threw java.lang.OutOfMemoryError: stop broke");
        });
        List<String> actions = trailActions();
        assertThat(actions).contains("benign.stopped");
        assertThat(actions.get(actions.size() - 1)).isEqualTo("node.stopped");
    }

    // ---------------------------------------------------------------- construction

    @Test
    void anEntryClassWhoseStaticInitializerThrowsIsRejectedWithWhatItThrew() {
        install("benign-plugin", "init-error");
        assertThatThrownBy(() -> within(() -> StigmemNode.builder().pluginDirectory(plugins).trustPolicy(DEVELOPMENT).start()))
                .isInstanceOf(NodeStartException.class)
                .hasMessageContaining("init-error.jar")
                .hasMessageContaining("the entry class cannot be instantiated: its static initializer threw "
                        + "java.lang.IllegalStateException: static initializer broke");
    }

    @Test
    void aConstructorThrowingAnErrorWhoseMessageNeverReturnsIsCutByTheLifecycleLimit() {
        install("benign-plugin", "ctor-message-hang");
        assertThatThrownBy(() -> within(() -> StigmemNode.builder().pluginDirectory(plugins).trustPolicy(DEVELOPMENT)
                .lifecycleTimeout(LIFECYCLE_LIMIT).start()))
                .isInstanceOf(NodeStartException.class)
                .hasMessageContaining("its static initializer and constructor did not return within 500 ms");
    }

    @Test
    void aConstructorThatNeverReturnsFailsThatPluginAndWithSkipRejectedTheNodeStartsWithoutIt() {
        install("benign-plugin", "ctor-hang");
        assertThatThrownBy(() -> within(() -> StigmemNode.builder().pluginDirectory(plugins).trustPolicy(DEVELOPMENT)
                .lifecycleTimeout(LIFECYCLE_LIMIT).start()))
                .isInstanceOf(NodeStartException.class)
                .hasMessageContaining("ctor-hang.jar")
                .hasMessageContaining("its static initializer and constructor did not return within 500 ms");
        try (StigmemNode node = within(() -> StigmemNode.builder().pluginDirectory(plugins).trustPolicy(DEVELOPMENT)
                .lifecycleTimeout(LIFECYCLE_LIMIT).skipRejected(true).start())) {
            assertThat(node.plugins()).extracting(PluginInfo::name).containsExactly("benign-plugin");
            assertThat(node.rejected()).singleElement().satisfies(r -> assertThat(r.reason()).contains("did not return within 500 ms"));
            assertNodeServes(node);
        }
    }

    // ---------------------------------------------------------------- start, health, stop that never return

    @Test
    void aStartThatNeverReturnsFailsStartupSayingSoAndWithSkipRejectedTheNodeGoesOnWithoutIt() throws IOException {
        assertThatThrownBy(() -> start(b -> b.lifecycleTimeout(LIFECYCLE_LIMIT), "start-hang"))
                .isInstanceOfSatisfying(NodeStartException.class, e -> assertThat(e.getMessage()).isEqualTo(
                        "plugin 'start-hang' failed to start: start() did not return within 500 ms (the lifecycle time limit; its thread was interrupted)"));
        List<String> actions = trailActions();
        assertThat(actions).contains("plugin.start_failed", "benign.started", "benign.stopped").doesNotContain("node.started");

        try (StigmemNode node = start(b -> b.lifecycleTimeout(LIFECYCLE_LIMIT).skipRejected(true), "start-hang")) {
            assertThat(node.plugins()).extracting(PluginInfo::name).containsExactly("benign-plugin");
            assertThat(node.rejected()).singleElement().satisfies(r -> {
                assertThat(r.archive().getFileName()).hasToString("start-hang.jar");
                assertThat(r.reason()).contains("start() did not return within 500 ms");
            });
            // Its handlers are withdrawn: its deny-all vote is not asked.
            assertThat(node.handlers(Hook.PRE_ASSERT_AUTHORIZE)).extracting(HandlerInfo::pluginName).containsExactly("benign-plugin");
            assertNodeServes(node);
            assertThat(events(node, "plugin.rejected")).singleElement()
                    .satisfies(e -> assertThat(e.attributes()).containsEntry("plugin", "start-hang").containsEntry("skipped", "true"));
        }
    }

    @Test
    void aHealthCheckThatNeverReturnsIsUnhealthyAndTheNextPollDoesNotWaitForIt() {
        try (StigmemNode node = start(b -> b.lifecycleTimeout(LIFECYCLE_LIMIT), "health-hang")) {
            assertThat(info(node, "health-hang").health()).isEqualTo(Health.unhealthy("health check did not return within 500 ms"));
            assertThat(info(node, "health-hang").health()).isEqualTo(Health.unhealthy(
                    "health check not run: the plugin's lifecycle thread is stuck in a call that ran past the 500 ms time limit"));
            assertThat(info(node, "benign-plugin").health()).isEqualTo(Health.healthy());
            assertNodeServes(node);
        }
    }

    @Test
    void aStopThatNeverReturnsDoesNotHoldUpTheOtherPluginsOrTheNodesStop() throws IOException {
        StigmemNode node = start(b -> b.lifecycleTimeout(LIFECYCLE_LIMIT), "stop-hang");
        withinDo(node::close);
        assertThat(events(node, "plugin.stop_failed")).singleElement().satisfies(e -> assertThat(e.attributes())
                .containsEntry("error", "stop() did not return within 500 ms (the lifecycle time limit; its thread was interrupted)"));
        List<String> actions = trailActions();
        assertThat(actions).contains("benign.stopped");
        assertThat(actions.get(actions.size() - 1)).isEqualTo("node.stopped");
    }

    // ---------------------------------------------------------------- stuck threads and queueing

    @Test
    void whenAllItsHandlerThreadsAreStuckAPluginIsUnhealthyAndItsCallsFailAtOnceSayingSo() {
        try (StigmemNode node = start(b -> b.handlerTimeout(HANDLER_LIMIT).quarantineAfter(1000), "stuck-voter")) {
            for (int i = 0; i < 4; i++) {
                assertThatThrownBy(() -> within(() -> node.assertFact("alice", about("hang"))))
                        .isInstanceOf(PluginExecutionError.class).hasMessageEndingWith("did not return within 300 ms");
            }
            assertThat(info(node, "stuck-voter").health()).isEqualTo(Health.unhealthy(
                    "all 4 handler threads of the plugin are stuck in calls that ran past the 300 ms time limit"));
            assertThatThrownBy(() -> within(() -> node.assertFact("alice", about("alice"))))
                    .isInstanceOf(PluginExecutionError.class)
                    .hasMessageEndingWith("not run: all 4 handler threads of the plugin are stuck in calls that ran past the 300 ms time limit");
            // Not handed to a thread at all: the plugin saw four calls.
            assertThat(events(node, "stuck-voter.called")).hasSize(4);
            assertThat(info(node, "benign-plugin").health()).isEqualTo(Health.healthy());
        }
    }

    @Test
    void theTimeLimitCountsTheHandlerNotItsWaitForAThread() throws Exception {
        // Eight calls of 1.2 s on four threads under a 2 s limit: the last four wait about 1.2 s for a
        // thread, then run 1.2 s; counted from the call, they would be over the limit.
        try (StigmemNode node = start(b -> b.handlerTimeout(Duration.ofSeconds(2)), "stuck-voter")) {
            ExecutorService callers = Executors.newFixedThreadPool(8);
            try {
                List<Future<String>> results = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    results.add(callers.submit(() -> node.assertFact("alice", about("slow")).id()));
                }
                for (Future<String> r : results) {
                    assertThat(r.get(30, java.util.concurrent.TimeUnit.SECONDS)).isNotBlank();
                }
            } finally {
                callers.shutdownNow();
            }
            assertThat(events(node, "hook.handler_failed")).isEmpty();
            assertThat(events(node, "stuck-voter.called")).hasSize(8);
        }
    }

    // ---------------------------------------------------------------- quarantine

    @Test
    void aPluginThatKeepsFailingIsQuarantinedItsVoteFailsClosedAndTheOperatorSeesIt() {
        try (StigmemNode node = start(b -> { }, "failing-voter")) {
            for (int i = 0; i < 2; i++) {
                assertThatThrownBy(() -> node.assertFact("alice", about("fail"))).isInstanceOf(PluginExecutionError.class);
            }
            node.assertFact("alice", about("alice")); // a success: the count starts again
            for (int i = 0; i < 5; i++) {
                assertThatThrownBy(() -> node.assertFact("alice", about("fail"))).isInstanceOf(PluginExecutionError.class)
                        .hasMessageEndingWith("threw java.lang.IllegalStateException: always fails");
            }
            String reason = "5 consecutive handler failures, the last on pre_assert_authorize: threw java.lang.IllegalStateException: always fails";
            assertThat(events(node, "plugin.quarantined")).singleElement().satisfies(e -> {
                assertThat(e.actor()).isEqualTo("plugin:failing-voter");
                assertThat(e.attributes()).containsEntry("failures", "5").containsEntry("hook", "pre_assert_authorize")
                        .containsEntry("error", "threw java.lang.IllegalStateException: always fails");
            });
            // Voting fails closed: the vote it cannot give refuses the assert, without asking it.
            assertThatThrownBy(() -> node.assertFact("alice", about("alice")))
                    .isInstanceOfSatisfying(PluginExecutionError.class, e -> {
                        assertThat(e.pluginName()).isEqualTo("failing-voter");
                        assertThat(e).hasMessageEndingWith("not run: the plugin is quarantined after " + reason);
                    });
            assertThat(events(node, "failing-voter.called")).hasSize(8);
            assertThat(events(node, "plugin.quarantined")).hasSize(1);
            PluginInfo info = info(node, "failing-voter");
            assertThat(info.quarantined()).isTrue();
            assertThat(info.healthLabel()).isEqualTo("quarantined");
            assertThat(info.health()).isEqualTo(Health.unhealthy("quarantined after " + reason));
            assertThat(info(node, "benign-plugin").quarantined()).isFalse();
        }
    }

    @Test
    void aQuarantinedRankerOrObserverIsSkippedAndRecallsAndAssertsGoOn() {
        try (StigmemNode node = start(b -> b.quarantineAfter(2), "failing-observer")) {
            // post_assert_persist: its failures are audited and the assert goes on; after two, it is skipped.
            for (int i = 0; i < 3; i++) {
                assertThat(node.assertFact("alice", FactDraft.of("alice", "likes", "tea " + i, "default")).id()).isNotBlank();
            }
            assertThat(events(node, "hook.handler_failed")).extracting(e -> e.attributes().get("hook"))
                    .containsExactly("post_assert_persist", "post_assert_persist");
            assertThat(events(node, "plugin.quarantined")).hasSize(1);
            // recall_rank: quarantined already, so skipped: recalls answer, ranked by the core alone.
            assertThat(node.recall("alice", new RecallQuery("default", "tea", 10))).hasSize(3);
            assertThat(events(node, "hook.handler_failed")).hasSize(2);
            assertThat(info(node, "failing-observer").healthLabel()).isEqualTo("quarantined");
        }
    }

    @Test
    void theNodesPluginTableAfterAWorkloadShowsAQuarantinedPlugin() throws IOException {
        install("benign-plugin", "failing-voter");
        Path workload = Files.writeString(data.resolve("workload.txt"), "assert alice | fail | likes | tea | default\n".repeat(5)
                + "assert alice | alice | likes | tea | default\n");
        Path policy = Files.writeString(data.resolve("development.policy"), "development-unsigned = i-accept-unsigned-plugins-from-anyone\n");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = StigmemCommand.execute(new PrintWriter(out, true), new PrintWriter(err, true), "node", "--plugins", plugins.toString(),
                "--trust-policy", policy.toString(), "--quarantine-after", "5", "--workload", workload.toString());
        assertThat(exit).as(err.toString()).isZero();
        String after = out.toString().substring(out.toString().indexOf("== plugins after the workload"));
        assertThat(after.lines().filter(l -> l.startsWith("failing-voter"))).singleElement().asString().contains(" quarantined ");
        assertThat(out.toString()).contains("not run: the plugin is quarantined after 5 consecutive handler failures")
                .contains("plugin.quarantined");
    }

    // ---------------------------------------------------------------- bounds

    @Test
    void aRecallFilterReturningMoreHitsThanTheLimitFailsAndTheRequestStaysTheNodes() {
        try (StigmemNode node = start(b -> { }, "flood-filter")) {
            node.assertFact("alice", FactDraft.of("alice", "likes", "flood", "default"));
            node.assertFact("alice", FactDraft.of("alice", "likes", "onemore", "default"));
            node.assertFact("alice", FactDraft.of("alice", "likes", "tea", "default"));
            assertThatThrownBy(() -> within(() -> node.recall("alice", new RecallQuery("default", "flood", 10))))
                    .isInstanceOf(PluginExecutionError.class).hasMessageEndingWith("returned more than 10 hits for a recall of limit 10");
            assertThatThrownBy(() -> within(() -> node.recall("alice", new RecallQuery("default", "onemore", 3))))
                    .isInstanceOf(PluginExecutionError.class).hasMessageEndingWith("returned more than 3 hits for a recall of limit 3");
            assertThat(node.recall("alice", new RecallQuery("default", "tea", 10))).hasSize(1);
            // The recall's request is the node's: its audit names alice's tenant, not the one the filter made up.
            assertThat(events(node, "recall.performed")).singleElement().satisfies(e -> {
                assertThat(e.actor()).isEqualTo("alice");
                assertThat(e.attributes()).containsEntry("tenant", "default");
            });
        }
    }

    @Test
    void aTextOverTheBoundFromAPluginIsRefusedAndNothingIsStored() {
        try (StigmemNode node = start(b -> { }, "huge-text")) {
            assertThatThrownBy(() -> within(() -> node.assertFact("alice", about("alice"))))
                    .isInstanceOf(PluginExecutionError.class)
                    .hasMessageEndingWith("returned a AssertRequest the node does not take: object: 2097152 chars, at most 1048576");
            assertThat(events(node, "fact.asserted")).isEmpty();
        }
    }

    // ---------------------------------------------------------------- the JVM's error in the node's own code

    /** A clock that, once armed, throws the JVM's error from the node's own code the next time it is read. */
    private static final class FailingClock extends Clock {
        final AtomicBoolean armed = new AtomicBoolean();

        @Override
        public ZoneId getZone() {
            return ZoneId.of("UTC");
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            if (armed.getAndSet(false)) {
                throw new OutOfMemoryError("injected into the node's clock");
            }
            return Instant.now();
        }
    }

    @Test
    void theJvmsErrorInTheNodesOwnCodeStopsTheNodeCleanlyWithTheCause() throws IOException {
        FailingClock clock = new FailingClock();
        StigmemNode node = start(b -> b.clock(clock), "failing-lifecycle");
        node.assertFact("alice", about("alice"));
        clock.armed.set(true);
        assertThatThrownBy(() -> within(() -> node.assertFact("alice", about("bob"))))
                .isExactlyInstanceOf(OutOfMemoryError.class).hasMessage("injected into the node's clock");
        // Stopped before the error reached the caller: every plugin's stop called, node.stopped last, with the cause.
        List<String> actions = trailActions();
        assertThat(actions).contains("benign.stopped", "plugin.stop_failed");
        assertThat(lastTrailLine()).contains("\"action\":\"node.stopped\"")
                .contains("\"cause\":\"java.lang.OutOfMemoryError: injected into the node's clock\"");
        assertThatThrownBy(() -> node.assertFact("alice", about("carol"))).isInstanceOf(IllegalStateException.class);
        withinDo(node::close); // already stopped: nothing more is written
        assertThat(trailActions()).hasSize(actions.size());
    }
}
