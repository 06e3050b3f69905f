package dev.stigmem.node.internal.core;

import dev.stigmem.api.core.AuditEmitter;
import dev.stigmem.api.core.AuditEvent;
import dev.stigmem.api.core.AuditReader;
import dev.stigmem.api.core.ConfigReader;
import dev.stigmem.api.core.Fact;
import dev.stigmem.api.core.FactDraft;
import dev.stigmem.api.core.FactQuery;
import dev.stigmem.api.core.FactsReader;
import dev.stigmem.api.core.FactsWriter;
import dev.stigmem.api.core.FederationReader;
import dev.stigmem.api.core.FederationWriter;
import dev.stigmem.api.core.IdentityReader;
import dev.stigmem.api.core.NetworkOutbound;
import dev.stigmem.api.core.RecallHit;
import dev.stigmem.api.core.RecallQuery;
import dev.stigmem.api.core.RecallReader;
import dev.stigmem.api.core.RecallWriter;
import dev.stigmem.api.core.TenantReader;
import dev.stigmem.api.core.TenantWriter;
import dev.stigmem.api.hook.AssertRequest;
import dev.stigmem.api.hook.FactEvent;
import dev.stigmem.api.hook.Hook;
import dev.stigmem.api.hook.RecallRequest;
import dev.stigmem.api.hook.RecallResults;
import dev.stigmem.api.hook.Vote;
import dev.stigmem.node.CoreApis;
import dev.stigmem.node.OperationDeniedException;
import dev.stigmem.node.internal.audit.AuditLog;
import dev.stigmem.node.internal.hook.HookRegistry;
import dev.stigmem.node.internal.untrusted.PluginText;
import dev.stigmem.node.internal.untrusted.PluginValues;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The embedded default core: facts and recall flowing through their hook sites, the audit trail,
 * directory state, redacted configuration and allowlisted outbound HTTP, handed to each plugin as
 * {@link CoreApis} in which writes and audit events carry that plugin as their source.
 *
 * <p>Every effect is on the record before it is visible: a fact is stored only once its
 * {@code fact.asserted} event is durable, a retraction, tenant or peer write happens only once its
 * event is; when the trail cannot take an event ({@link dev.stigmem.node.AuditFailedException}) the
 * effect does not happen and the caller gets that exception.
 *
 * <p>Assert: {@code pre_assert_authorize}, {@code pre_assert_validate} (votes),
 * {@code pre_assert_transform} (filter), audit and persist, {@code post_assert_persist},
 * {@code post_assert_propagate}, {@code post_assert_audit} (strict). Recall:
 * {@code pre_recall_authorize}, {@code pre_recall_rewrite}, search, {@code recall_filter},
 * {@code recall_rank} (deltas applied, re-sorted), {@code post_recall_audit} (strict).
 *
 * <p>Plugins can assert from inside hook handlers; nesting is bounded by {@link #MAX_NESTING} so a
 * plugin that asserts from {@code post_assert_persist} cannot recurse without end.
 */
public final class EmbeddedCore {

    /** How deep asserts and recalls may nest inside hook handlers. */
    public static final int MAX_NESTING = 4;

    private final FactStore facts;
    private final DirectoryState directory;
    private final AuditLog audit;
    private final ConfigReader config;
    private final Optional<NetworkOutbound> outbound;
    private final ThreadLocal<int[]> depth = ThreadLocal.withInitial(() -> new int[1]);
    private volatile HookRegistry hooks;
    private volatile java.util.function.Consumer<VirtualMachineError> onFatal = e -> { };

    public EmbeddedCore(FactStore facts, DirectoryState directory, AuditLog audit, ConfigReader config,
                        Optional<NetworkOutbound> outbound) {
        this.facts = Objects.requireNonNull(facts, "facts");
        this.directory = Objects.requireNonNull(directory, "directory");
        this.audit = Objects.requireNonNull(audit, "audit");
        this.config = Objects.requireNonNull(config, "config");
        this.outbound = Objects.requireNonNull(outbound, "outbound");
    }

    /** Connects the frozen registry; until then assert and recall are refused. */
    public void start(HookRegistry registry) {
        if (hooks != null) {
            throw new IllegalStateException("the core is already started");
        }
        hooks = Objects.requireNonNull(registry, "registry");
    }

    /**
     * Who learns of the JVM's error ({@code OutOfMemoryError} and the like) in the core's own code,
     * before it propagates: an assert, recall or write may be half done, so the node stops. Plugins'
     * errors never come here: their calls contain them.
     */
    public void onFatal(java.util.function.Consumer<VirtualMachineError> listener) {
        this.onFatal = Objects.requireNonNull(listener, "listener");
    }

    private <T> T guarded(java.util.function.Supplier<T> operation) {
        try {
            return operation.get();
        } catch (VirtualMachineError e) {
            onFatal.accept(e);
            throw e;
        }
    }

    private void guardedRun(Runnable operation) {
        guarded(() -> {
            operation.run();
            return null;
        });
    }

    public AuditLog audit() {
        return audit;
    }

    public DirectoryState directory() {
        return directory;
    }

    public FactStore facts() {
        return facts;
    }

    /** The core APIs as a plugin sees them: its writes and audit events carry {@code plugin:NAME}. */
    public CoreApis apisFor(String pluginName) {
        return apis("plugin:" + pluginName, audit.emitterFor(pluginName));
    }

    /** The core APIs as the host itself uses them: writes and audit events carry {@code host}. */
    public CoreApis hostApis() {
        return apis("host", audit.emitterAs("host"));
    }

    private CoreApis apis(String source, AuditEmitter emitter) {
        CoreApis.Builder b = CoreApis.builder()
                .provide(FactsReader.class, factsReader())
                .provide(FactsWriter.class, factsWriter(source))
                .provide(RecallReader.class, query -> recall(source, query))
                .provide(RecallWriter.class, recallWriter())
                .provide(AuditEmitter.class, auditEmitter(emitter))
                .provide(AuditReader.class, audit.reader())
                // One object per handle, each implementing only its own interface: a plugin holding
                // identity.read must not be able to cast its handle to a TenantWriter.
                .provide(IdentityReader.class, directory::lookup)
                .provide(TenantReader.class, tenantReader())
                .provide(TenantWriter.class, tenantWriter(source))
                .provide(FederationReader.class, federationReader())
                .provide(FederationWriter.class, federationWriter(source))
                .provide(ConfigReader.class, config);
        // The node's own client copies the request itself; a host's client gets the node's copy.
        outbound.ifPresent(o -> b.provide(NetworkOutbound.class, o instanceof AllowlistedHttpOutbound ? o
                : request -> o.send(PluginValues.outboundRequest(Objects.requireNonNull(request, "request")))));
        return b.build();
    }

    private TenantReader tenantReader() {
        return new TenantReader() {
            @Override
            public Optional<dev.stigmem.api.core.Tenant> tenant(String id) {
                return directory.tenant(id);
            }

            @Override
            public List<dev.stigmem.api.core.Tenant> tenants() {
                return directory.tenants();
            }
        };
    }

    // Tenant and federation writes are high impact: each is on the record, before it takes effect.
    private TenantWriter tenantWriter(String source) {
        return new TenantWriter() {
            @Override
            public void upsert(dev.stigmem.api.core.Tenant tenant) {
                dev.stigmem.api.core.Tenant copy = PluginValues.tenant(Objects.requireNonNull(tenant, "tenant"));
                guardedRun(() -> {
                    audit.record(source, "tenant.upserted", Map.of("tenant", PluginText.bounded(copy.id())));
                    directory.upsert(copy);
                });
            }

            @Override
            public boolean remove(String tenantId) {
                Objects.requireNonNull(tenantId, "tenantId");
                return guarded(() -> {
                    audit.record(source, "tenant.removed", Map.of("tenant", PluginText.bounded(tenantId)));
                    return directory.remove(tenantId);
                });
            }
        };
    }

    private FederationReader federationReader() {
        return new FederationReader() {
            @Override
            public List<dev.stigmem.api.core.Peer> peers() {
                return directory.peers();
            }

            @Override
            public Optional<dev.stigmem.api.core.Peer> peer(String id) {
                return directory.peer(id);
            }
        };
    }

    private FederationWriter federationWriter(String source) {
        return new FederationWriter() {
            @Override
            public void upsertPeer(dev.stigmem.api.core.Peer peer) {
                Objects.requireNonNull(peer, "peer"); // a record of final types: strings, a URI, a boolean
                guardedRun(() -> {
                    audit.record(source, "federation.peer_upserted", Map.of("peer", PluginText.bounded(peer.id()),
                            "endpoint", PluginText.bounded(peer.endpoint().toString()), "trusted", Boolean.toString(peer.trusted())));
                    directory.upsertPeer(peer);
                });
            }

            @Override
            public boolean removePeer(String peerId) {
                Objects.requireNonNull(peerId, "peerId");
                return guarded(() -> {
                    audit.record(source, "federation.peer_removed", Map.of("peer", PluginText.bounded(peerId)));
                    return directory.removePeer(peerId);
                });
            }
        };
    }

    private FactsReader factsReader() {
        return new FactsReader() {
            @Override
            public Optional<Fact> get(String id) {
                return facts.get(id);
            }

            @Override
            public List<Fact> find(FactQuery query) {
                return facts.find(PluginValues.factQuery(Objects.requireNonNull(query, "query")));
            }
        };
    }

    private FactsWriter factsWriter(String source) {
        return new FactsWriter() {
            @Override
            public Fact assertFact(FactDraft draft) {
                return EmbeddedCore.this.assertFact(source, PluginValues.draft(Objects.requireNonNull(draft, "draft")));
            }

            @Override
            public boolean retract(String factId, String reason) {
                return EmbeddedCore.this.retract(source, factId, reason);
            }
        };
    }

    private RecallWriter recallWriter() {
        return new RecallWriter() {
            @Override
            public void setWeight(String factId, double weight) {
                facts.setWeight(factId, weight);
            }

            @Override
            public boolean clearWeight(String factId) {
                return facts.clearWeight(factId);
            }
        };
    }

    // The raw emitter (AuditLog's) copies the attributes once, checks and writes that copy.
    private AuditEmitter auditEmitter(AuditEmitter raw) {
        return (action, attributes) -> {
            AuditEvent e = raw.emit(action, attributes);
            registry().fire(Hook.AUDIT_EMIT, e);
            return e;
        };
    }

    /**
     * Asserts a fact through the assert hook sites.
     *
     * @throws OperationDeniedException if a voting hook denies
     * @throws dev.stigmem.api.PluginExecutionError if a plugin handler fails where its hook surfaces failures
     */
    public Fact assertFact(String principal, FactDraft draft) {
        return guarded(() -> doAssert(principal, draft));
    }

    private Fact doAssert(String principal, FactDraft draft) {
        HookRegistry r = registry();
        enter();
        try {
            AssertRequest request = new AssertRequest(principal, draft);
            deny(Hook.PRE_ASSERT_AUTHORIZE, r.vote(Hook.PRE_ASSERT_AUTHORIZE, request));
            deny(Hook.PRE_ASSERT_VALIDATE, r.vote(Hook.PRE_ASSERT_VALIDATE, request));
            AssertRequest transformed = r.filter(Hook.PRE_ASSERT_TRANSFORM, request);
            // Attribution is the caller's, whatever a transform did to the request. The fact's event is
            // durable before the fact is visible: when the trail cannot take it, nothing is stored and
            // the caller gets the trail's AuditFailedException. (Tenant and predicate are what the
            // asserter chose: bounded and escaped on the record.)
            Fact fact = facts.persist(transformed.draft(), principal, f -> audit.record(principal, "fact.asserted",
                    Map.of("fact", f.id(), "tenant", PluginText.bounded(f.tenant()), "predicate", PluginText.bounded(f.predicate()))));
            FactEvent event = new FactEvent(fact, principal);
            r.fire(Hook.POST_ASSERT_PERSIST, event);
            r.fire(Hook.POST_ASSERT_PROPAGATE, event);
            r.fire(Hook.POST_ASSERT_AUDIT, event);
            return fact;
        } finally {
            leave();
        }
    }

    /** Retracts a fact and audits who did it and why. */
    public boolean retract(String principal, String factId, String reason) {
        Objects.requireNonNull(factId, "factId");
        Objects.requireNonNull(reason, "reason");
        // On the record before it takes effect. The id is one the node made; the reason is the
        // caller's (a plugin's), so bounded and escaped.
        return guarded(() -> facts.retract(factId, f -> audit.record(principal, "fact.retracted",
                Map.of("fact", f.id(), "reason", PluginText.bounded(reason)))));
    }

    /**
     * Recalls through the recall hook sites.
     *
     * @throws OperationDeniedException if {@code pre_recall_authorize} denies
     */
    public List<RecallHit> recall(String principal, RecallQuery query) {
        return guarded(() -> doRecall(principal, query));
    }

    private List<RecallHit> doRecall(String principal, RecallQuery query) {
        HookRegistry r = registry();
        enter();
        try {
            RecallRequest request = new RecallRequest(principal, query);
            deny(Hook.PRE_RECALL_AUTHORIZE, r.vote(Hook.PRE_RECALL_AUTHORIZE, request));
            RecallRequest rewritten = r.filter(Hook.PRE_RECALL_REWRITE, request);
            RecallResults results = new RecallResults(rewritten, facts.search(rewritten.query()));
            RecallResults filtered = r.filter(Hook.RECALL_FILTER, results);
            Map<String, Double> deltas = r.scores(Hook.RECALL_RANK, filtered);
            List<RecallHit> ranked = new ArrayList<>();
            for (RecallHit h : filtered.hits()) {
                ranked.add(h.plus(deltas.getOrDefault(h.fact().id(), 0.0)));
            }
            ranked.sort(FactStore.RANKING);
            RecallResults done = filtered.withHits(ranked);
            r.fire(Hook.POST_RECALL_AUDIT, done);
            return done.hits();
        } finally {
            leave();
        }
    }

    private static void deny(Hook hook, Vote vote) {
        if (vote instanceof Vote.Deny d) {
            throw new OperationDeniedException(hook, d.reason());
        }
    }

    private HookRegistry registry() {
        HookRegistry r = hooks;
        if (r == null) {
            throw new IllegalStateException("the node has not started: plugins are still being registered");
        }
        return r;
    }

    private void enter() {
        int[] d = depth.get();
        if (d[0] >= MAX_NESTING) {
            throw new IllegalStateException("asserts and recalls nest deeper than " + MAX_NESTING + " inside hook handlers");
        }
        d[0]++;
    }

    private void leave() {
        depth.get()[0]--;
    }
}
