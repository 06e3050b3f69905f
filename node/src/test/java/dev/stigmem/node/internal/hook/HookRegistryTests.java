package dev.stigmem.node.internal.hook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stigmem.api.Capability;
import dev.stigmem.api.CapabilityError;
import dev.stigmem.api.Plugin;
import dev.stigmem.api.PluginContext;
import dev.stigmem.api.PluginExecutionError;
import dev.stigmem.api.PluginManifest;
import dev.stigmem.api.core.AuditEvent;
import dev.stigmem.api.core.FactDraft;
import dev.stigmem.api.core.RecallQuery;
import dev.stigmem.api.hook.AssertRequest;
import dev.stigmem.api.hook.AuditEmit;
import dev.stigmem.api.hook.Hook;
import dev.stigmem.api.hook.PostAssertPersist;
import dev.stigmem.api.hook.PreAssertAuthorize;
import dev.stigmem.api.hook.PreAssertTransform;
import dev.stigmem.api.hook.RecallRank;
import dev.stigmem.api.hook.RecallRequest;
import dev.stigmem.api.hook.RecallResults;
import dev.stigmem.api.hook.Vote;
import dev.stigmem.node.CoreApis;
import dev.stigmem.node.internal.context.GatedPluginContext;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

class HookRegistryTests {

    /** Audit events recorded, as "actor action {attributes}". */
    private final List<String> audit = Collections.synchronizedList(new ArrayList<>());
    private final HookRegistry.Builder builder = HookRegistry.builder((actor, action, attrs) -> audit.add(actor + " " + action + " " + new java.util.TreeMap<>(attrs)));
    private final List<String> calls = Collections.synchronizedList(new ArrayList<>());

    private static final AssertRequest ASSERT = new AssertRequest("alice", FactDraft.of("s", "p", "o", "t1"));
    private static final RecallResults RESULTS = new RecallResults(new RecallRequest("alice", new RecallQuery("t1", "x", 10)), List.of());

    private static PluginContext context(String name, Capability... caps) {
        return new GatedPluginContext(PluginManifest.of(name, "1.0.0", ">=0.9.0",
                java.util.Arrays.stream(caps).map(Capability::id).toList(), List.of()), CoreApis.none());
    }

    /** A plugin entry voting on pre_assert_authorize with a fixed function. */
    record Voter(String name, List<String> calls, BiFunction<PluginContext, AssertRequest, Vote> vote)
            implements Plugin, PreAssertAuthorize {
        @Override
        public Vote preAssertAuthorize(PluginContext context, AssertRequest payload) {
            calls.add(name);
            return vote.apply(context, payload);
        }
    }

    private void plugin(String name, Object entry, Capability... caps) {
        builder.plugin(name, context(name, caps), entry);
    }

    @Test
    void votingRunsCoreFirstThenPluginsByNameAndFirstDenyWins() {
        plugin("zeta-plugin", new Voter("zeta-plugin", calls, (c, p) -> Vote.allow()));
        plugin("beta-plugin", new Voter("beta-plugin", calls, (c, p) -> Vote.deny("beta says no")));
        plugin("alpha-plugin", new Voter("alpha-plugin", calls, (c, p) -> Vote.allow()));
        builder.core(Hook.PRE_ASSERT_AUTHORIZE, "core-acl", context("core-node"),
                (PreAssertAuthorize) (c, p) -> {
                    calls.add("core-acl");
                    return Vote.allow();
                });
        HookRegistry registry = builder.freeze();

        assertThat(registry.handlers(Hook.PRE_ASSERT_AUTHORIZE)).extracting(dev.stigmem.node.HandlerInfo::handlerName)
                .containsExactly("core-acl", "alpha-plugin", "beta-plugin", "zeta-plugin");
        assertThat(registry.vote(Hook.PRE_ASSERT_AUTHORIZE, ASSERT)).isEqualTo(Vote.deny("beta says no"));
        assertThat(calls).containsExactly("core-acl", "alpha-plugin", "beta-plugin");
        assertThat(audit).contains("plugin:beta-plugin hook.denied {handler=beta-plugin, hook=pre_assert_authorize, reason=beta says no}");
    }

    @Test
    void allAllowIsAllow() {
        plugin("alpha-plugin", new Voter("alpha-plugin", calls, (c, p) -> Vote.allow()));
        assertThat(builder.freeze().vote(Hook.PRE_ASSERT_AUTHORIZE, ASSERT)).isEqualTo(Vote.allow());
    }

    @Test
    void nullVoteIsAnExecutionError() {
        plugin("alpha-plugin", new Voter("alpha-plugin", calls, (c, p) -> null));
        HookRegistry registry = builder.freeze();
        assertThatThrownBy(() -> registry.vote(Hook.PRE_ASSERT_AUTHORIZE, ASSERT))
                .isInstanceOfSatisfying(PluginExecutionError.class, e -> {
                    assertThat(e.pluginName()).isEqualTo("alpha-plugin");
                    assertThat(e.hook()).isEqualTo("pre_assert_authorize");
                    assertThat(e).hasMessage("plugin 'alpha-plugin' handler alpha-plugin failed on hook pre_assert_authorize: returned null instead of a Vote");
                });
        assertThat(audit).anyMatch(a -> a.startsWith("plugin:alpha-plugin hook.handler_failed"));
    }

    @Test
    void capabilityErrorInAHandlerIsAnExecutionErrorAndAudited() {
        plugin("alpha-plugin", new Voter("alpha-plugin", calls, (c, p) -> c.getFactsReader().isPresent() ? Vote.allow() : Vote.deny("x")),
                Capability.AUDIT_EMIT);
        HookRegistry registry = builder.freeze();
        assertThatThrownBy(() -> registry.vote(Hook.PRE_ASSERT_AUTHORIZE, ASSERT))
                .isInstanceOf(PluginExecutionError.class)
                .hasMessageEndingWith("plugin 'alpha-plugin' cannot call getFactsReader: capability 'facts.read' not declared")
                .hasCauseInstanceOf(CapabilityError.class);
        assertThat(audit).anyMatch(a -> a.startsWith("plugin:alpha-plugin hook.handler_failed {capability=facts.read"));
    }

    @Test
    void exceptionInAVoterSurfacesAsTextWithoutThePluginsException() {
        plugin("alpha-plugin", new Voter("alpha-plugin", calls, (c, p) -> {
            throw new IllegalStateException("boom");
        }));
        HookRegistry registry = builder.freeze();
        assertThatThrownBy(() -> registry.vote(Hook.PRE_ASSERT_AUTHORIZE, ASSERT))
                .isInstanceOf(PluginExecutionError.class)
                .hasMessageContaining("threw java.lang.IllegalStateException: boom")
                .hasNoCause();
    }

    @Test
    void aGateRefusalIsKeptAsTheNodesOwnCopyWithoutWhatThePluginAttachedToIt() {
        plugin("alpha-plugin", new Voter("alpha-plugin", calls, (c, p) -> {
            try {
                c.getFactsReader();
                return Vote.allow();
            } catch (CapabilityError refused) {
                refused.initCause(new IllegalStateException("the plugin's own cause"));
                refused.addSuppressed(new IllegalStateException("the plugin's own suppressed"));
                throw refused;
            }
        }));
        HookRegistry registry = builder.freeze();
        assertThatThrownBy(() -> registry.vote(Hook.PRE_ASSERT_AUTHORIZE, ASSERT))
                .isInstanceOf(PluginExecutionError.class)
                .cause().isExactlyInstanceOf(CapabilityError.class)
                .hasMessage("plugin 'alpha-plugin' cannot call getFactsReader: capability 'facts.read' not declared")
                .hasNoCause()
                .satisfies(c -> assertThat(c.getSuppressed()).isEmpty());
    }

    /** A plugin's own subclass of the gate's error: not a refusal of the gate's. */
    static final class ForgedCapabilityError extends CapabilityError {
        ForgedCapabilityError() {
            super("other-plugin", Capability.TENANT_WRITE);
        }

        @Override
        public String getMessage() {
            return "forged\nline";
        }
    }

    @Test
    void aPluginsSubclassOfTheGatesErrorIsAnOrdinaryFailureRenderedAsText() {
        plugin("alpha-plugin", new Voter("alpha-plugin", calls, (c, p) -> {
            throw new ForgedCapabilityError();
        }));
        HookRegistry registry = builder.freeze();
        assertThatThrownBy(() -> registry.vote(Hook.PRE_ASSERT_AUTHORIZE, ASSERT))
                .isInstanceOf(PluginExecutionError.class)
                .hasMessageEndingWith("threw " + ForgedCapabilityError.class.getName() + ": forged\\u000aline")
                .hasNoCause();
        assertThat(audit).noneMatch(a -> a.contains("capability="));
    }

    @Test
    void theJvmsOwnErrorsFromAHandlerAreThatHandlersFailureAndTheSiteGoesOn() {
        plugin("alpha-plugin", new Voter("alpha-plugin", calls, (c, p) -> {
            throw new OutOfMemoryError("Java heap space");
        }));
        HookRegistry registry = builder.freeze();
        assertThatThrownBy(() -> registry.vote(Hook.PRE_ASSERT_AUTHORIZE, ASSERT))
                .isInstanceOf(PluginExecutionError.class)
                .hasMessage("plugin 'alpha-plugin' handler alpha-plugin failed on hook pre_assert_authorize: threw java.lang.OutOfMemoryError: Java heap space")
                .hasNoCause();
        HookRegistry.Builder other = HookRegistry.builder((a, b, c) -> { });
        other.plugin("beta-plugin", context("beta-plugin"), new Voter("beta-plugin", calls, (c, p) -> {
            throw new InternalError("not the JVM's") { };
        }));
        assertThatThrownBy(() -> other.freeze().vote(Hook.PRE_ASSERT_AUTHORIZE, ASSERT))
                .isInstanceOf(PluginExecutionError.class).hasMessageContaining(": not the JVM's").hasNoCause();
        assertThat(audit).anyMatch(a -> a.startsWith("plugin:alpha-plugin hook.handler_failed") && a.contains("OutOfMemoryError"));
    }

    record Transformer(String suffix) implements Plugin, PreAssertTransform {
        @Override
        public AssertRequest preAssertTransform(PluginContext context, AssertRequest payload) {
            return suffix == null ? null : payload.withDraft(payload.draft().withAttribute("trail",
                    payload.draft().attributes().getOrDefault("trail", "") + suffix));
        }
    }

    @Test
    void filterChainRunsPluginsFirstByNameThenCore() {
        plugin("bbb", new Transformer("b"));
        plugin("aaa", new Transformer("a"));
        builder.core(Hook.PRE_ASSERT_TRANSFORM, "core", context("core-node"),
                (PreAssertTransform) (c, p) -> p.withDraft(p.draft().withAttribute("trail", p.draft().attributes().get("trail") + "C")));
        assertThat(builder.freeze().filter(Hook.PRE_ASSERT_TRANSFORM, ASSERT).draft().attributes())
                .containsEntry("trail", "abC");
    }

    @Test
    void nullFilterValueIsAnExecutionError() {
        plugin("aaa", new Transformer(null));
        HookRegistry registry = builder.freeze();
        assertThatThrownBy(() -> registry.filter(Hook.PRE_ASSERT_TRANSFORM, ASSERT))
                .isInstanceOf(PluginExecutionError.class).hasMessageEndingWith("returned null instead of a value");
    }

    record Ranker(Map<String, Double> deltas) implements Plugin, RecallRank {
        @Override
        public Map<String, Double> recallRank(PluginContext context, RecallResults payload) {
            return deltas;
        }
    }

    @Test
    void scoreDeltasAreSummedAcrossHandlers() {
        plugin("aaa", new Ranker(Map.of("f1", 1.5, "f2", -1.0)));
        plugin("bbb", new Ranker(Map.of("f1", 0.5)));
        assertThat(builder.freeze().scores(Hook.RECALL_RANK, RESULTS)).containsOnly(Map.entry("f1", 2.0), Map.entry("f2", -1.0));
    }

    @Test
    void nonFiniteOrNullScoreDeltasAreExecutionErrors() {
        Map<String, Double> withNull = new HashMap<>();
        withNull.put("f1", null);
        plugin("aaa", new Ranker(withNull));
        HookRegistry registry = builder.freeze();
        assertThatThrownBy(() -> registry.scores(Hook.RECALL_RANK, RESULTS)).isInstanceOf(PluginExecutionError.class)
                .hasMessageContaining("not a finite number");
        HookRegistry.Builder other = HookRegistry.builder((a, b, c) -> { });
        other.plugin("aaa", context("aaa"), new Ranker(Map.of("f1", Double.NaN)));
        assertThatThrownBy(() -> other.freeze().scores(Hook.RECALL_RANK, RESULTS)).isInstanceOf(PluginExecutionError.class);
    }

    record Persister(String name, List<String> calls, boolean fail) implements Plugin, PostAssertPersist, AuditEmit {
        @Override
        public void postAssertPersist(PluginContext context, dev.stigmem.api.hook.FactEvent payload) {
            calls.add(name);
            if (fail) {
                throw new IllegalStateException(name + " failed");
            }
        }

        @Override
        public void auditEmit(PluginContext context, AuditEvent payload) {
            postAssertPersist(context, null);
        }
    }

    private static final dev.stigmem.api.hook.FactEvent FACT_EVENT = new dev.stigmem.api.hook.FactEvent(
            new dev.stigmem.api.core.Fact("f1", "s", "p", "o", "t1", "alice", Instant.EPOCH, Map.of()), "alice");

    @Test
    void aHandlerOnTheCallersThreadHasThePluginsLoaderAsContextLoaderAndTheCallerGetsItsOwnBack() throws Exception {
        // Without a handler time limit the call runs on the caller's thread: its context loader (the
        // node's) would let JDK code acting for the plugin (ServiceLoader.load, java.beans lookups) find host classes.
        List<ClassLoader> seen = Collections.synchronizedList(new ArrayList<>());
        record Looker(List<ClassLoader> seen) implements Plugin, PostAssertPersist {
            @Override
            public void postAssertPersist(PluginContext context, dev.stigmem.api.hook.FactEvent payload) {
                seen.add(Thread.currentThread().getContextClassLoader());
            }
        }
        plugin("aaa", new Looker(seen));
        HookRegistry registry = builder.freeze();
        try (java.net.URLClassLoader callers = new java.net.URLClassLoader(new java.net.URL[0], null)) {
            Thread thread = Thread.currentThread();
            ClassLoader before = thread.getContextClassLoader();
            thread.setContextClassLoader(callers);
            try {
                registry.fire(Hook.POST_ASSERT_PERSIST, FACT_EVENT);
                assertThat(thread.getContextClassLoader()).isSameAs(callers);
            } finally {
                thread.setContextClassLoader(before);
            }
        }
        assertThat(seen).containsExactly(Looker.class.getClassLoader());
    }

    @Test
    void fireAndForgetFailureIsAuditedAndTheSiteGoesOn() {
        plugin("aaa", new Persister("aaa", calls, true));
        plugin("bbb", new Persister("bbb", calls, false));
        builder.freeze().fire(Hook.POST_ASSERT_PERSIST, FACT_EVENT);
        assertThat(calls).containsExactly("aaa", "bbb");
        assertThat(audit).anyMatch(a -> a.startsWith("plugin:aaa hook.handler_failed {error=threw java.lang.IllegalStateException: aaa failed"));
    }

    @Test
    void strictAuditHookRunsEveryHandlerThenSurfacesTheFailure() {
        plugin("aaa", new Persister("aaa", calls, true));
        plugin("bbb", new Persister("bbb", calls, true));
        plugin("ccc", new Persister("ccc", calls, false));
        HookRegistry registry = builder.freeze();
        AuditEvent event = new AuditEvent(1, Instant.EPOCH, "node", "x", Map.of());
        assertThatThrownBy(() -> registry.fire(Hook.AUDIT_EMIT, event))
                .isInstanceOf(PluginExecutionError.class)
                .hasMessageContaining("plugin 'aaa'")
                .satisfies(e -> assertThat(e.getSuppressed()).hasSize(1));
        assertThat(calls).containsExactly("aaa", "bbb", "ccc");
    }

    @Test
    void pluginOnlyHookRefusesCoreHandlers() {
        assertThatThrownBy(() -> builder.core(Hook.POST_ASSERT_PERSIST, "core", context("core-node"), (PostAssertPersist) (c, p) -> { }))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("plugin_only");
    }

    @Test
    void coreOnlyDefaultRunsTheCoreBaselineFirst() {
        plugin("aaa", new Persister("aaa", calls, false));
        builder.core(Hook.AUDIT_EMIT, "zzz-core", context("core-node"), (AuditEmit) (c, p) -> calls.add("core"));
        builder.freeze().fire(Hook.AUDIT_EMIT, new AuditEvent(1, Instant.EPOCH, "node", "x", Map.of()));
        assertThat(calls).containsExactly("core", "aaa");
    }

    @Test
    void registryIsFrozenAfterStartup() {
        builder.freeze();
        assertThatThrownBy(() -> plugin("late-plugin", new Voter("late", calls, (c, p) -> Vote.allow())))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("the hook registry is frozen: handlers register only at startup");
        assertThatThrownBy(builder::freeze).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void hookMapIsWhatTheEntryImplements() {
        assertThat(builder.plugin("aaa", context("aaa"), new Persister("aaa", calls, false)))
                .containsExactly(Hook.POST_ASSERT_PERSIST, Hook.AUDIT_EMIT);
        assertThat(audit).containsExactly("plugin:aaa plugin.registered {capabilities=, hooks=post_assert_persist,audit_emit}");
    }

    @Test
    void wrongSemanticOrPayloadIsTheCallersError() {
        HookRegistry registry = builder.freeze();
        assertThatThrownBy(() -> registry.filter(Hook.PRE_ASSERT_AUTHORIZE, ASSERT))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is VOTING, not FILTER_CHAIN");
        assertThatThrownBy(() -> registry.vote(Hook.PRE_ASSERT_AUTHORIZE, "text"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("takes a AssertRequest, not java.lang.String");
    }

    @Test
    void handlerOverItsTimeLimitFailsAndAHungPluginOnlyExhaustsItsOwnPool() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        builder.handlerTimeout(Duration.ofMillis(50));
        plugin("hung-plugin", new Voter("hung", calls, (c, p) -> {
            try {
                // Ignores interruption, as hostile code would: only the latch ends it.
                while (!release.await(10, java.util.concurrent.TimeUnit.SECONDS)) {
                    Thread.onSpinWait();
                }
            } catch (InterruptedException e) {
                try {
                    release.await();
                } catch (InterruptedException again) {
                    Thread.currentThread().interrupt();
                }
            }
            return Vote.allow();
        }));
        try (HookRegistry registry = builder.freeze()) {
            for (int i = 0; i < PluginCalls.HANDLER_THREADS; i++) {
                assertThatThrownBy(() -> registry.vote(Hook.PRE_ASSERT_AUTHORIZE, ASSERT))
                        .isInstanceOf(PluginExecutionError.class).hasMessageEndingWith("did not return within 50 ms");
            }
            // Every thread of the plugin is now stuck: a further call is not run, and says why.
            int ran = calls.size();
            assertThatThrownBy(() -> registry.vote(Hook.PRE_ASSERT_AUTHORIZE, ASSERT))
                    .isInstanceOf(PluginExecutionError.class)
                    .hasMessageEndingWith("not run: all 4 handler threads of the plugin are stuck in calls that ran past the 50 ms time limit");
            assertThat(calls).hasSize(ran);
            assertThat(registry.calls("hung-plugin").orElseThrow().handlerThreadsStuck()).isTrue();
        } finally {
            release.countDown();
        }
    }

    @Test
    void timeoutOutsideItsBoundsIsRefused() {
        assertThatThrownBy(() -> builder.handlerTimeout(Duration.ofSeconds(31))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder.handlerTimeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }
}
