package dev.stigmem.node.internal.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stigmem.api.Capability;
import dev.stigmem.api.Plugin;
import dev.stigmem.api.PluginContext;
import dev.stigmem.api.PluginExecutionError;
import dev.stigmem.api.PluginManifest;
import dev.stigmem.api.core.AuditEvent;
import dev.stigmem.api.core.Fact;
import dev.stigmem.api.core.FactDraft;
import dev.stigmem.api.core.FactQuery;
import dev.stigmem.api.core.RecallHit;
import dev.stigmem.api.core.RecallQuery;
import dev.stigmem.api.core.Tenant;
import dev.stigmem.api.hook.AssertRequest;
import dev.stigmem.api.hook.FactEvent;
import dev.stigmem.api.hook.Hook;
import dev.stigmem.api.hook.PostAssertPersist;
import dev.stigmem.api.hook.PreAssertAuthorize;
import dev.stigmem.api.hook.PreAssertTransform;
import dev.stigmem.api.hook.RecallFilter;
import dev.stigmem.api.hook.RecallRank;
import dev.stigmem.api.hook.RecallResults;
import dev.stigmem.api.hook.Vote;
import dev.stigmem.node.OperationDeniedException;
import dev.stigmem.node.internal.audit.AuditLog;
import dev.stigmem.node.internal.context.GatedPluginContext;
import dev.stigmem.node.internal.hook.HookRegistry;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class EmbeddedCoreTests {

    private final Clock clock = Clock.fixed(Instant.parse("2026-11-24T12:00:00Z"), ZoneOffset.UTC);
    private final AuditLog audit = AuditLog.inMemory(clock);
    private final EmbeddedCore core = new EmbeddedCore(new FactStore(clock), new DirectoryState(), audit,
            new RedactingConfig(Map.of("region", "eu", "webhook.token", "s3cr3t")), Optional.empty());
    private final HookRegistry.Builder hooks = HookRegistry.builder(audit);

    private PluginContext context(String name, Capability... caps) {
        return new GatedPluginContext(PluginManifest.of(name, "1.0.0", ">=0.9.0",
                java.util.Arrays.stream(caps).map(Capability::id).toList(), List.of()), core.apisFor(name));
    }

    private void start(Consumer<HookRegistry.Builder> plugins) {
        CoreHandlers.register(hooks, context("stigmem-core", Capability.values()), core);
        plugins.accept(hooks);
        core.start(hooks.freeze());
    }

    /** Tags facts, drops facts about "secret", boosts facts about "alpha", records persisted ids. */
    static final class Tagger implements Plugin, PreAssertTransform, RecallFilter, RecallRank, PostAssertPersist {
        final List<String> persisted = new java.util.ArrayList<>();

        @Override
        public AssertRequest preAssertTransform(PluginContext context, AssertRequest payload) {
            return payload.withDraft(payload.draft().withAttribute("tagged-by", context.pluginName()));
        }

        @Override
        public RecallResults recallFilter(PluginContext context, RecallResults payload) {
            return payload.withHits(payload.hits().stream().filter(h -> !h.fact().subject().equals("secret")).toList());
        }

        @Override
        public Map<String, Double> recallRank(PluginContext context, RecallResults payload) {
            return payload.hits().stream().filter(h -> h.fact().subject().equals("alpha"))
                    .collect(java.util.stream.Collectors.toMap(h -> h.fact().id(), h -> 10.0));
        }

        @Override
        public void postAssertPersist(PluginContext context, FactEvent payload) {
            persisted.add(payload.fact().id());
        }
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(Capability.class)
    void noHandleCanBeCastToTheHandleOfAnotherCapability(Capability held) {
        // The gate hands out one handle per capability; a handle that also implemented another
        // capability's interface would let a cast step around it.
        dev.stigmem.node.CoreApis apis = core.apisFor("alpha-plugin");
        apis.handle(held).ifPresent(handle -> {
            for (Capability other : Capability.values()) {
                if (other != held) {
                    assertThat(other.handleType().isInstance(handle))
                            .as("%s handle is also a %s", held.id(), other.handleType().getSimpleName()).isFalse();
                }
            }
        });
    }

    @Test
    void tenantAndFederationWritesAreAuditedWithTheWriter() {
        dev.stigmem.node.CoreApis apis = core.apisFor("alpha-plugin");
        apis.handle(dev.stigmem.api.core.TenantWriter.class).orElseThrow()
                .upsert(new dev.stigmem.api.core.Tenant("acme", "Acme", Map.of()));
        apis.handle(dev.stigmem.api.core.TenantWriter.class).orElseThrow().remove("acme");
        apis.handle(dev.stigmem.api.core.FederationWriter.class).orElseThrow().upsertPeer(
                new dev.stigmem.api.core.Peer("peer-1", java.net.URI.create("https://peer.example.com:443"), "ab".repeat(32), true));
        apis.handle(dev.stigmem.api.core.FederationWriter.class).orElseThrow().removePeer("peer-1");
        assertThat(audit.reader().recent(10)).extracting(e -> e.actor() + " " + e.action() + " " + new java.util.TreeMap<>(e.attributes()))
                .containsExactly(
                        "plugin:alpha-plugin tenant.upserted {tenant=acme}",
                        "plugin:alpha-plugin tenant.removed {tenant=acme}",
                        "plugin:alpha-plugin federation.peer_upserted {endpoint=https://peer.example.com:443, peer=peer-1, trusted=true}",
                        "plugin:alpha-plugin federation.peer_removed {peer=peer-1}");
    }

    @Test
    void assertAndRecallFlowThroughEveryHookSite() {
        Tagger tagger = new Tagger();
        start(h -> h.plugin("tagger", context("tagger"), tagger));

        Fact beta = core.assertFact("alice", FactDraft.of("beta", "likes", "tea", "t1"));
        Fact alpha = core.assertFact("alice", FactDraft.of("alpha", "likes", "tea", "t1"));
        core.assertFact("alice", FactDraft.of("secret", "likes", "tea", "t1"));

        assertThat(beta.attributes()).containsEntry("tagged-by", "tagger");
        assertThat(beta.source()).isEqualTo("alice");
        assertThat(tagger.persisted).hasSize(3);
        List<RecallHit> hits = core.recall("bob", new RecallQuery("t1", "who likes tea", 10));
        assertThat(hits).extracting(h -> h.fact().id()).containsExactly(alpha.id(), beta.id());
        assertThat(hits.get(0).score()).isEqualTo(12.0);
        assertThat(audit.reader().byAction("fact.asserted", 10)).hasSize(3);
        assertThat(audit.reader().byAction("recall.performed", 10)).singleElement()
                .satisfies(e -> assertThat(e.attributes()).containsEntry("hits", "2").containsEntry("tenant", "t1"));
    }

    record Gatekeeper() implements Plugin, PreAssertAuthorize {
        @Override
        public Vote preAssertAuthorize(PluginContext context, AssertRequest payload) {
            return payload.principal().equals("mallory") ? Vote.deny("mallory may not assert") : Vote.allow();
        }
    }

    @Test
    void aDenyStopsTheAssertBeforeAnythingIsPersisted() {
        start(h -> h.plugin("gatekeeper", context("gatekeeper"), new Gatekeeper()));
        assertThatThrownBy(() -> core.assertFact("mallory", FactDraft.of("s", "p", "o", "t1")))
                .isInstanceOfSatisfying(OperationDeniedException.class, e -> {
                    assertThat(e.hook()).isEqualTo(Hook.PRE_ASSERT_AUTHORIZE);
                    assertThat(e.reason()).isEqualTo("mallory may not assert");
                });
        assertThat(core.facts().size()).isZero();
        assertThat(audit.reader().byAction("hook.denied", 10)).hasSize(1);
    }

    @Test
    void coreValidationRefusesUnknownTenantsOnceTenantsExist() {
        start(h -> { });
        core.directory().upsert(new Tenant("t1", "Tenant one", Map.of()));
        assertThat(core.assertFact("alice", FactDraft.of("s", "p", "o", "t1")).tenant()).isEqualTo("t1");
        assertThatThrownBy(() -> core.assertFact("alice", FactDraft.of("s", "p", "o", "t2")))
                .isInstanceOf(OperationDeniedException.class).hasMessage("denied at pre_assert_validate: unknown tenant 't2'");
    }

    /** Writes facts through its handle whenever a fact is persisted: unbounded recursion if the core allowed it. */
    static final class Echo implements Plugin, PostAssertPersist {
        @Override
        public void postAssertPersist(PluginContext context, FactEvent payload) {
            context.getFactsWriter().orElseThrow().assertFact(FactDraft.of("echo", "of", payload.fact().id(), "t1"));
        }
    }

    @Test
    void pluginWritesCarryThePluginAsSourceAndNestingIsBounded() {
        start(h -> h.plugin("echo-plugin", context("echo-plugin", Capability.FACTS_WRITE), new Echo()));
        core.assertFact("alice", FactDraft.of("s", "p", "o", "t1"));
        // alice's fact plus echoes until the nesting bound; the failure at the bound is the
        // non-strict post_assert_persist hook's, so it is audited and the site goes on.
        List<Fact> all = core.facts().find(new FactQuery("t1", Optional.empty(), Optional.empty(), 100));
        assertThat(all).hasSize(EmbeddedCore.MAX_NESTING);
        assertThat(all.subList(1, all.size())).allSatisfy(f -> assertThat(f.source()).isEqualTo("plugin:echo-plugin"));
        assertThat(audit.reader().byAction("hook.handler_failed", 10)).isNotEmpty()
                .allSatisfy(e -> assertThat(e.attributes().get("error")).contains("nest deeper than " + EmbeddedCore.MAX_NESTING));
    }

    @Test
    void pluginAuditEventsCarryThePluginAndFireTheStrictAuditHook() {
        start(h -> { });
        PluginContext ctx = context("auditor", Capability.AUDIT_EMIT);
        AuditEvent e = ctx.getAuditEmitter().orElseThrow().emit("auditor.checked", Map.of("n", "1"));
        assertThat(e.actor()).isEqualTo("plugin:auditor");
        assertThat(audit.reader().recent(1)).containsExactly(e);
    }

    @Test
    void configSecretsAreRedactedForPlugins() {
        start(h -> { });
        var config = context("reader", Capability.CONFIG_READ).getConfigReader().orElseThrow();
        assertThat(config.get("region")).contains("eu");
        assertThat(config.get("webhook.token")).contains(RedactingConfig.REDACTED);
        assertThat(config.keys()).containsExactly("region", "webhook.token");
    }

    @Test
    void networkIsNotProvidedWithoutAnAllowlist() {
        start(h -> { });
        assertThat(context("net", Capability.NETWORK_OUTBOUND).getNetworkOutbound()).isEmpty();
    }

    @Test
    void nothingRunsBeforeTheRegistryIsFrozen() {
        assertThatThrownBy(() -> core.assertFact("alice", FactDraft.of("s", "p", "o", "t1")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("has not started");
    }

    @Test
    void strictAuditFailureSurfacesToTheAsserter() {
        start(h -> h.plugin("bad-auditor", context("bad-auditor"), (dev.stigmem.api.hook.PostAssertAudit & Plugin) (c, e) -> {
            throw new IllegalStateException("audit sink down");
        }));
        assertThatThrownBy(() -> core.assertFact("alice", FactDraft.of("s", "p", "o", "t1")))
                .isInstanceOf(PluginExecutionError.class).hasMessageContaining("post_assert_audit");
    }

    /** A trail whose disk fills after {@code budget} more bytes (see AuditTrailFaultTests.FullDisk). */
    private static final class FullAfter implements dev.stigmem.node.internal.audit.TrailFile.Opener {
        final java.util.concurrent.atomic.AtomicLong budget = new java.util.concurrent.atomic.AtomicLong(Long.MAX_VALUE);

        @Override
        public dev.stigmem.node.internal.audit.TrailFile open(java.nio.file.Path file) throws java.io.IOException {
            var real = dev.stigmem.node.internal.audit.TrailFile.open(file);
            return new dev.stigmem.node.internal.audit.TrailFile() {
                @Override
                public long size() throws java.io.IOException {
                    return real.size();
                }

                @Override
                public void write(long position, byte[] bytes) throws java.io.IOException {
                    long left = budget.get();
                    if (left < bytes.length) {
                        budget.set(0);
                        real.write(position, java.util.Arrays.copyOf(bytes, (int) left));
                        throw new java.io.IOException("No space left on device");
                    }
                    budget.addAndGet(-bytes.length);
                    real.write(position, bytes);
                }

                @Override
                public void force() throws java.io.IOException {
                    real.force();
                }

                @Override
                public void truncate(long size) throws java.io.IOException {
                    real.truncate(size);
                }

                @Override
                public void close() throws java.io.IOException {
                    real.close();
                }
            };
        }
    }

    @Test
    void anEffectWhoseEventCannotBeWrittenDoesNotHappen(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path file = dir.resolve("audit.jsonl");
        FullAfter disk = new FullAfter();
        AuditLog trail = AuditLog.open(file, clock, false, disk);
        FactStore store = new FactStore(clock);
        DirectoryState directory = new DirectoryState();
        EmbeddedCore c = new EmbeddedCore(store, directory, trail, new RedactingConfig(Map.of()), Optional.empty());
        HookRegistry.Builder hb = HookRegistry.builder(trail);
        CoreHandlers.register(hb, new GatedPluginContext(PluginManifest.of("stigmem-core", "1.0.0", ">=0.9.0",
                Capability.knownIds(), List.of()), c.apisFor("stigmem-core")), c);
        c.start(hb.freeze());
        Fact kept = c.assertFact("alice", FactDraft.of("alice", "likes", "tea", "default"));
        var tenants = c.hostApis().handle(dev.stigmem.api.core.TenantWriter.class).orElseThrow();

        disk.budget.set(0); // the disk is full
        assertThatThrownBy(() -> c.assertFact("alice", FactDraft.of("alice", "likes", "coffee", "default")))
                .isInstanceOf(dev.stigmem.node.AuditFailedException.class)
                .hasMessageContaining("'fact.asserted'").hasMessageContaining("No space left on device");
        assertThatThrownBy(() -> c.retract("alice", kept.id(), "changed her mind"))
                .isInstanceOf(dev.stigmem.node.AuditFailedException.class).hasMessageContaining("'fact.retracted'");
        assertThatThrownBy(() -> tenants.upsert(new Tenant("acme", "Acme", Map.of())))
                .isInstanceOf(dev.stigmem.node.AuditFailedException.class).hasMessageContaining("'tenant.upserted'");
        // A recall hands the caller nothing it cannot put on the record either.
        assertThatThrownBy(() -> c.recall("alice", new RecallQuery("default", "tea", 10)))
                .isInstanceOf(dev.stigmem.node.AuditFailedException.class).hasMessageContaining("'recall.performed'");
        // Nothing happened unaudited: one fact (the first), still there, no tenant.
        assertThat(store.size()).isEqualTo(1);
        assertThat(store.get(kept.id())).isPresent();
        assertThat(store.find(new FactQuery("default", Optional.of("alice"), Optional.empty(), 10))).containsExactly(kept);
        assertThat(directory.tenants()).isEmpty();

        disk.budget.set(Long.MAX_VALUE); // space again: the node goes on
        Fact next = c.assertFact("alice", FactDraft.of("alice", "likes", "coffee", "default"));
        assertThat(store.size()).isEqualTo(2);
        trail.close();
        try (AuditLog again = AuditLog.open(file, clock)) {
            assertThat(again.reader().byAction("fact.asserted", 10)).extracting(e -> e.attributes().get("fact"))
                    .containsExactly(kept.id(), next.id());
            assertThat(again.reader().byAction("fact.retracted", 10)).isEmpty();
        }
    }

    @Test
    void aFactIsVisibleOnlyOnceItsEventIsOnTheTrail() {
        List<String> seen = new java.util.ArrayList<>();
        start(h -> h.plugin("watcher", context("watcher", Capability.AUDIT_READ, Capability.FACTS_READ),
                (PostAssertPersist & Plugin) (ctx, e) -> {
                    // By the time anyone sees the fact, its event is on the record.
                    seen.add(ctx.getAuditReader().orElseThrow().byAction("fact.asserted", 1).get(0).attributes().get("fact"));
                }));
        Fact f = core.assertFact("alice", FactDraft.of("s", "p", "o", "t1"));
        assertThat(seen).containsExactly(f.id());
        assertThat(audit.reader().byAction("fact.asserted", 10)).singleElement()
                .satisfies(e -> assertThat(e.attributes()).containsEntry("fact", f.id()).containsEntry("tenant", "t1"));
    }
}
