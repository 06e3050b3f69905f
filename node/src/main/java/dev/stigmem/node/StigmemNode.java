package dev.stigmem.node;

import dev.stigmem.api.Capability;
import dev.stigmem.api.Health;
import dev.stigmem.api.PluginContext;
import dev.stigmem.api.PluginManifest;
import dev.stigmem.api.SemanticVersion;
import dev.stigmem.api.core.AuditReader;
import dev.stigmem.api.core.Fact;
import dev.stigmem.api.core.FactDraft;
import dev.stigmem.api.core.RecallHit;
import dev.stigmem.api.core.RecallQuery;
import dev.stigmem.api.hook.CapabilityGrant;
import dev.stigmem.api.hook.Hook;
import dev.stigmem.api.hook.Vote;
import dev.stigmem.loader.ArchiveCheck;
import dev.stigmem.loader.LoadedPlugin;
import dev.stigmem.loader.PluginLoadException;
import dev.stigmem.guard.GuardUnavailableException;
import dev.stigmem.guard.JdkGuard;
import dev.stigmem.guard.PluginDomain;
import dev.stigmem.loader.PluginLoader;
import dev.stigmem.loader.PluginSet;
import dev.stigmem.loader.PluginSetException;
import dev.stigmem.loader.scan.ScanPolicy;
import dev.stigmem.loader.scan.Severity;
import dev.stigmem.loader.trust.TrustCheck;
import dev.stigmem.loader.trust.TrustDecision;
import dev.stigmem.loader.trust.TrustPolicy;
import dev.stigmem.node.internal.audit.AuditLog;
import dev.stigmem.node.internal.context.GatedPluginContext;
import dev.stigmem.node.internal.core.AllowlistedHttpOutbound;
import dev.stigmem.node.internal.core.CoreHandlers;
import dev.stigmem.node.internal.core.DirectoryState;
import dev.stigmem.node.internal.core.EmbeddedCore;
import dev.stigmem.node.internal.core.FactStore;
import dev.stigmem.node.internal.core.ObservedCoreApis;
import dev.stigmem.node.internal.core.RedactingConfig;
import dev.stigmem.node.internal.hook.HookRegistry;
import dev.stigmem.node.internal.logging.PluginLogging;
import dev.stigmem.node.internal.logging.PluginSlf4j;
import dev.stigmem.node.internal.hook.PluginCalls;
import dev.stigmem.node.internal.untrusted.PluginText;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Stigmem node: plugins loaded from a directory, each in its own layer with its own gated
 * context, registered into a frozen hook registry, over the embedded core APIs.
 *
 * <p>Startup, all or nothing: every archive is read, checked (each {@link ArchiveCheck}: trust,
 * bytecode scan) and declared; plugins are ordered by {@code dependsOn}; each declared capability
 * is put to the {@code capability_check} vote of the core and the plugins registered before; the
 * registry is frozen and plugins are started. A failure at any step stops startup with a
 * {@link NodeStartException} and leaves nothing loaded. Every step is audited.
 *
 * <p>Example usage:
 * <pre>{@code
 * try (StigmemNode node = StigmemNode.builder()
 *         .pluginDirectory(Path.of("plugins"))
 *         .dataDirectory(Path.of("data"))
 *         .trustPolicy(TrustPolicy.read(Path.of("trust.policy")))   // trust and the pre-scan always run
 *         .start()) {
 *     node.assertFact("alice", FactDraft.of("alice", "likes", "tea", "default"));
 * }
 * }</pre>
 *
 * <p>Thread-safe after {@link Builder#start()}.
 */
public final class StigmemNode implements AutoCloseable {

    /** The plugin API level this node implements; plugin {@code requires} ranges are checked against it. */
    public static final SemanticVersion API_VERSION = SemanticVersion.parse("0.9.0");

    private static final Logger LOG = LoggerFactory.getLogger(StigmemNode.class);
    private static final String CORE_NAME = "stigmem-core";
    // Each plugin's first gate refusals are audited one by one, then every this-many-th (with the count).
    private static final long DENIALS_AUDITED_IN_FULL = 100;
    /** How long a stopped plugin's threads get to end after their interrupt. */
    private static final Duration THREAD_GRACE = Duration.ofSeconds(2);
    /** How long closing waits for the plugins' last log lines to be written. */
    private static final long LOG_FLUSH_MILLIS = 500;
    /** Heap kept back for stopping cleanly when the node's own code meets the JVM's error. */
    private static final int RESERVE_BYTES = 1 << 20;

    private final PluginSet plugins;
    // Owns the work directory of the plugins' private copies: removed at close.
    private final PluginLoader loader;
    // Each plugin's layer as the runtime JDK guard knows it: its threads are ended when it stops.
    private final Map<String, PluginDomain> domains;
    // The loaded plugins that passed the capability vote, in registration order.
    private final List<LoadedPlugin> registered;
    private final HookRegistry hooks;
    private final EmbeddedCore core;
    private final Map<String, PluginInfo> infos;
    private final List<Rejection> rejected;
    private final CoreApis hostApis;
    // A view, so that host code cannot close the registry through the object it is handed.
    private final HookDispatch dispatch;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
    // Each registered plugin's calls: lifecycle and handler threads, time limits, quarantine.
    private final Map<String, PluginCalls> calls;
    // Room for a clean stop after the JVM's error in the node's own code: let go of first.
    private volatile byte[] reserve = new byte[RESERVE_BYTES];

    /**
     * A plugin archive the node skipped because the operator asked to run without rejected plugins.
     *
     * @param archive the archive
     * @param reason  why it was rejected (for a scan rejection, the scan report)
     */
    public record Rejection(Path archive, String reason) {
        public Rejection {
            Objects.requireNonNull(archive, "archive");
            Objects.requireNonNull(reason, "reason");
        }
    }

    private StigmemNode(PluginSet plugins, Map<String, PluginDomain> domains, List<LoadedPlugin> registered, HookRegistry hooks, EmbeddedCore core,
                        Map<String, PluginInfo> infos, List<Rejection> rejected, Map<String, PluginCalls> calls, PluginLoader loader) {
        this.loader = loader;
        this.plugins = plugins;
        this.calls = Map.copyOf(calls);
        this.domains = Map.copyOf(domains);
        this.registered = List.copyOf(registered);
        this.hooks = hooks;
        this.core = core;
        this.infos = infos;
        this.rejected = List.copyOf(rejected);
        this.hostApis = core.hostApis();
        this.dispatch = new HookDispatch() {
            @Override
            public Vote vote(Hook hook, Object payload) {
                return guarded(() -> hooks.vote(hook, payload));
            }

            @Override
            public <T> T filter(Hook hook, T value) {
                return guarded(() -> hooks.filter(hook, value));
            }

            @Override
            public Map<String, Double> scores(Hook hook, Object payload) {
                return guarded(() -> hooks.scores(hook, payload));
            }

            @Override
            public void fire(Hook hook, Object payload) {
                guarded(() -> {
                    hooks.fire(hook, payload);
                    return null;
                });
            }

            @Override
            public List<HandlerInfo> handlers(Hook hook) {
                return hooks.handlers(hook);
            }
        };
        core.onFatal(this::fatal);
    }

    /** The archives skipped at startup ({@link Builder#skipRejected}); empty otherwise. */
    public List<Rejection> rejected() {
        return rejected;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Asserts a fact as {@code principal} through the assert hook sites. */
    public Fact assertFact(String principal, FactDraft draft) {
        return core.assertFact(principal, draft);
    }

    /** Recalls as {@code principal} through the recall hook sites. */
    public List<RecallHit> recall(String principal, RecallQuery query) {
        return core.recall(principal, query);
    }

    /**
     * Registers or replaces an identity in the node's directory. Authenticating principals is the
     * host's business; plugins holding {@code identity.read} see what the host puts here. Audited.
     */
    public void putIdentity(dev.stigmem.api.core.Identity identity) {
        Objects.requireNonNull(identity, "identity");
        if (closed.get()) {
            throw new IllegalStateException("the node has stopped");
        }
        guarded(() -> {
            // On the record first: an identity the trail cannot hold does not take effect.
            // Roles decide what authorization hooks allow: the trail says which ones the identity was given.
            Map<String, String> attrs = new java.util.TreeMap<>(Map.of("principal", identity.principal()));
            if (!identity.roles().isEmpty()) {
                attrs.put("roles", String.join(",", new java.util.TreeSet<>(identity.roles())));
            }
            core.audit().record("host", "identity.put", attrs);
            core.directory().putIdentity(identity);
            return null;
        });
    }

    /** The audit trail. */
    public AuditReader audit() {
        return core.audit().reader();
    }

    /** Where the audit trail is written, when it is durable. */
    public Optional<Path> auditFile() {
        return core.audit().file();
    }

    /**
     * The registered plugins in registration order, each with its current health: polled now on the
     * plugin's lifecycle thread under the lifecycle time limit, or, without asking the plugin,
     * {@code unhealthy} with the node's reason when it is quarantined or all its handler threads
     * are stuck.
     */
    public List<PluginInfo> plugins() {
        List<PluginInfo> out = new ArrayList<>();
        for (LoadedPlugin p : registered) {
            PluginInfo i = infos.get(p.name());
            PluginCalls c = calls.get(p.name());
            out.add(new PluginInfo(i.name(), i.version(), i.archive(), i.module(), i.entryClass(), i.trust(),
                    i.capabilities(), i.hooks(), i.dependsOn(), health(p, c), c.quarantined()));
        }
        return List.copyOf(out);
    }

    /** Health is informational: a failing check is reported as unhealthy, never thrown. */
    private Health health(LoadedPlugin p, PluginCalls c) {
        if (closed.get()) {
            return Health.unknown();
        }
        return c.health(p.plugin());
    }

    /** The handlers of a hook in dispatch order. */
    public List<HandlerInfo> handlers(Hook hook) {
        return hooks.handlers(hook);
    }

    /**
     * The hook sites, for host code that fires hooks the embedded core does not (federation,
     * identity, tenant, migration, configuration). Assert and recall fire their own.
     */
    public HookDispatch hooks() {
        return dispatch;
    }

    /**
     * The core APIs as the host itself uses them, ungated: facts it writes and audit events it
     * emits carry the actor {@code host}. For seeding state (tenants, peers, facts; identities: {@link #putIdentity}) and for
     * host-side flows; never hand these to a plugin.
     */
    public CoreApis hostApis() {
        return hostApis;
    }

    /**
     * Stops every plugin (reverse registration order), records {@code node.stopped} as the trail's
     * last event (the trail is sealed: nothing is recorded after it), releases the plugins' layers,
     * removes the loader's work directory and closes the audit trail. When {@code node.stopped}
     * cannot be written everything else is still done, then its {@link AuditFailedException} is
     * thrown. Idempotent; afterwards every hook site, assert and recall throws {@link IllegalStateException}.
     * Each {@code stop} runs on the plugin's lifecycle thread under the lifecycle time limit; one
     * that throws or does not return is audited ({@code plugin.stop_failed}) and the others are
     * still stopped.
     */
    @Override
    public void close() {
        shutdown(null);
    }

    private void shutdown(String cause) {
        if (!closed.compareAndSet(false, true)) {
            return; // closing twice must not stop the plugins twice
        }
        List<LoadedPlugin> reverse = new ArrayList<>(registered);
        java.util.Collections.reverse(reverse);
        for (LoadedPlugin p : reverse) {
            PluginCalls c = calls.get(p.name());
            try {
                c.stop(p.plugin()).ifPresent(error -> {
                    LOG.warn("plugin '{}' failed to stop: {}", p.name(), error);
                    core.audit().record("plugin:" + p.name(), "plugin.stop_failed", Map.of("error", error));
                });
                endThreads(domains.get(p.name()), core.audit());
            } catch (RuntimeException | Error e) {
                if (cause == null) {
                    throw e;
                }
                LOG.warn("while stopping after {}: plugin '{}': {}", cause, p.name(), e.toString());
            } finally {
                c.close();
            }
        }
        hooks.close();
        PluginLogging.flush(LOG_FLUSH_MILLIS);
        // The trail's last event: sealed, so nothing (a plugin thread outliving its stop) is recorded after it.
        RuntimeException unrecorded = null;
        try {
            core.audit().seal("node", "node.stopped", cause == null ? Map.of() : Map.of("cause", cause));
        } catch (RuntimeException e) {
            unrecorded = e; // stopping goes on; the trail still ends with a complete event
        }
        plugins.close();
        loader.close();
        try {
            core.audit().close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close the audit trail", e);
        }
        if (unrecorded != null) {
            throw unrecorded;
        }
    }

    /**
     * Runs a node operation; the JVM's error in the node's own code (plugins' errors never reach
     * here: their calls contain them) stops the node before it reaches the caller.
     */
    private <T> T guarded(java.util.function.Supplier<T> operation) {
        try {
            return operation.get();
        } catch (VirtualMachineError e) {
            fatal(e);
            throw e;
        }
    }

    /**
     * The JVM's error ({@link OutOfMemoryError}, {@link StackOverflowError}, {@link InternalError})
     * met the node's own code: what it was doing may be half done, so the node does no more work.
     * It lets go of its reserve (room to stop in), stops cleanly on a thread of its own (plugins
     * stopped in reverse order under their time limits, {@code node.stopped} with the cause, trail
     * closed) and waits for that; the error then goes on to the caller. Every later call is refused.
     */
    private void fatal(VirtualMachineError e) {
        if (closed.get()) {
            return;
        }
        reserve = null;
        String message = e.getClass().getClassLoader() == null ? e.getMessage() : null; // the JDK's own text only
        String cause = PluginText.bounded(e.getClass().getName() + (message == null ? "" : ": " + message));
        LOG.error("the node stops: {} in its own code", cause);
        Thread stopper = new Thread(() -> {
            try {
                shutdown(cause);
            } catch (RuntimeException | Error failed) {
                LOG.error("the node could not stop cleanly after {}: {}", cause, failed.toString());
            }
        }, "stigmem-node-fatal-stop");
        stopper.setDaemon(true);
        stopper.start();
        boolean interrupted = false;
        while (stopper.isAlive()) {
            try {
                stopper.join();
            } catch (InterruptedException again) {
                interrupted = true; // the stop must end first; the interrupt stays set
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Interrupts a stopped plugin's threads and reports those that outlive the grace period. */
    private static void endThreads(PluginDomain domain, AuditLog audit) {
        if (domain == null) {
            return;
        }
        List<String> left = domain.stop(THREAD_GRACE);
        if (!left.isEmpty()) {
            LOG.warn("plugin '{}' left {} thread(s) running after stop: {}", domain.pluginName(), left.size(), left);
            audit.record("plugin:" + domain.pluginName(), "plugin.threads_left", Map.of("threads", String.join(",", left),
                    "count", Integer.toString(left.size())));
        }
    }

    /** Configures and starts a node. Each setter validates at once. */
    public static final class Builder {
        private Path pluginDirectory;
        private Optional<Path> dataDirectory = Optional.empty();
        private final List<ArchiveCheck> checks = new ArrayList<>();
        private final Map<String, String> config = new TreeMap<>();
        private Set<String> outboundOrigins = Set.of();
        private PluginCalls.Limits limits = PluginCalls.Limits.defaults();
        private Clock clock = Clock.systemUTC();
        private Optional<Path> workDirectory = Optional.empty();
        private boolean repairAuditTrail;
        private TrustPolicy trustPolicy = TrustPolicy.signingRequired();
        private ScanPolicy scanPolicy = ScanPolicy.shipped();
        private boolean skipRejected;
        private Optional<dev.stigmem.api.core.NetworkOutbound> networkOutbound = Optional.empty();
        private Optional<Consumer<CoreCall>> coreCallObserver = Optional.empty();
        private Optional<Consumer<PluginLogLine>> pluginLogObserver = Optional.empty();
        private final Set<Capability> withheld = java.util.EnumSet.noneOf(Capability.class);
        private final Set<Capability> revoked = java.util.EnumSet.noneOf(Capability.class);

        private Builder() {
        }

        /**
         * Who may publish plugins to this node. Default: {@link TrustPolicy#signingRequired()}, which
         * trusts nobody until publishers are added; every decision is audited.
         */
        public Builder trustPolicy(TrustPolicy policy) {
            this.trustPolicy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /** The directory whose archives ({@code *.jar}, {@code *.zip}, sub-directories) are the plugins. */
        public Builder pluginDirectory(Path directory) {
            this.pluginDirectory = Objects.requireNonNull(directory, "directory");
            return this;
        }

        /** Where the node keeps durable state (the audit trail); without it the trail is in memory only. */
        public Builder dataDirectory(Path directory) {
            this.dataDirectory = Optional.of(directory);
            return this;
        }

        /**
         * Start on a damaged audit trail by moving the damage aside: from its first bad line to the
         * end, to a dated file next to the trail, audited as {@code node.audit_repaired}. The
         * operator's explicit decision ({@code --repair-audit}); without it a damaged trail stops
         * startup. A torn tail (an append a crash cut short) is moved aside in any case.
         */
        public Builder repairAuditTrail(boolean repair) {
            this.repairAuditTrail = repair;
            return this;
        }

        /** Where the loader keeps its private copies of archives (default: the system temp directory). */
        public Builder workDirectory(Path directory) {
            this.workDirectory = Optional.of(directory);
            return this;
        }

        /** The bytecode pre-scan's policy (default: the shipped policy; operators extend it, never relax it). */
        public Builder scanPolicy(ScanPolicy policy) {
            this.scanPolicy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * Start without the plugins that fail a step (and the plugins that depend on them) instead
         * of refusing to start. Off by default; when on, the choice and every skipped archive are
         * audited. A plugin whose {@code start} fails (throws or runs past the lifecycle time limit)
         * is withdrawn from the registry before the node serves, with the plugins that depend on it.
         */
        public Builder skipRejected(boolean skip) {
            this.skipRejected = skip;
            return this;
        }

        /** Adds a check every archive must pass before it is loaded (trust, scan), in order. */
        public Builder check(ArchiveCheck check) {
            checks.add(Objects.requireNonNull(check, "check"));
            return this;
        }

        /** Node configuration; plugins with {@code config.read} see it with secrets redacted. */
        public Builder config(Map<String, String> values) {
            config.putAll(values);
            return this;
        }

        /**
         * Origins ({@code scheme://host:port}) that plugins holding {@code network.outbound} may reach.
         * Without any, the node does not provide the outbound handle.
         */
        public Builder outboundAllowlist(Set<String> origins) {
            for (String o : origins) {
                if (!o.matches("https?://[^/:@\\s]+:\\d{1,5}")) {
                    throw new IllegalArgumentException("outbound origin '" + o + "' is not scheme://host:port");
                }
            }
            if (!origins.isEmpty() && networkOutbound.isPresent()) {
                throw new IllegalStateException("a network outbound implementation was already given; choose it or an outbound allowlist");
            }
            this.outboundOrigins = Set.copyOf(origins);
            return this;
        }

        /**
         * The outbound implementation plugins holding {@code network.outbound} get, instead of the
         * node's allowlisted HTTP client. For hosts with their own egress (a proxy, a test network).
         * Cannot be combined with {@link #outboundAllowlist}.
         */
        public Builder networkOutbound(dev.stigmem.api.core.NetworkOutbound outbound) {
            if (!outboundOrigins.isEmpty()) {
                throw new IllegalStateException("an outbound allowlist was already given; choose it or a network outbound implementation");
            }
            this.networkOutbound = Optional.of(Objects.requireNonNull(outbound, "outbound"));
            return this;
        }

        /**
         * Core APIs this node does not provide: a plugin that declared one of these capabilities
         * gets {@link Optional#empty()} from its accessor ("declaring is not a guarantee").
         */
        public Builder withhold(Set<Capability> capabilities) {
            withheld.addAll(capabilities);
            return this;
        }

        /**
         * Capabilities the node refuses at run time even to plugins that declared them: the plugin
         * loads and registers on its declaration, and the runtime gate throws {@link dev.stigmem.api.CapabilityError}
         * (audited as {@code capability.denied}, sampled after a plugin's first 100 refusals) when it reaches for one. For rehearsing a
         * revocation and for testing a plugin under the gate (the testkit); to refuse a capability
         * outright, deny it in a {@code capability_check} vote, which rejects the plugin. Audited.
         */
        public Builder revoke(Set<Capability> capabilities) {
            revoked.addAll(capabilities);
            return this;
        }

        /**
         * Tells {@code observer} of every call a plugin makes on a core API handle, after the call,
         * on the calling thread (the testkit records them; a host could count them). Costs a proxy
         * per handle; the observer must be quick and must not throw.
         */
        public Builder observeCoreCalls(Consumer<CoreCall> observer) {
            this.coreCallObserver = Optional.of(Objects.requireNonNull(observer, "observer"));
            return this;
        }

        /**
         * Tells {@code observer} of every line a plugin logs through {@link System.Logger} (any level,
         * bounded and escaped text), on the plugin's thread, besides the node writing it to SLF4J
         * under {@code plugin.NAME}; the testkit records them. Must be quick and must not throw.
         */
        public Builder observePluginLogs(Consumer<PluginLogLine> observer) {
            this.pluginLogObserver = Optional.of(Objects.requireNonNull(observer, "observer"));
            return this;
        }

        /**
         * A time limit for every plugin handler call (at most 30 s). Default: none, handlers run on
         * the caller's thread for as long as they take. With one, each plugin's handlers run on
         * {@value PluginCalls#HANDLER_THREADS} threads of its own; the limit counts from when a
         * handler starts.
         */
        public Builder handlerTimeout(Duration limit) {
            this.limits = limits.withHandlerTimeout(limit);
            return this;
        }

        /**
         * The time limit of each plugin's construction (static initializer and constructor),
         * {@code start}, {@code stop} and {@code health}, which always run on a thread of the
         * plugin's (at most 5 min). Default: {@link PluginCalls#DEFAULT_LIFECYCLE_TIMEOUT} (10 s).
         */
        public Builder lifecycleTimeout(Duration limit) {
            this.limits = limits.withLifecycleTimeout(limit);
            return this;
        }

        /**
         * After how many consecutive handler failures (throws, unusable results, time-outs) a
         * plugin is quarantined for the rest of the node's life (1 to 1000). Default:
         * {@link PluginCalls#DEFAULT_QUARANTINE_AFTER} (5).
         */
        public Builder quarantineAfter(int failures) {
            this.limits = limits.withQuarantineAfter(failures);
            return this;
        }

        /** The clock of audit events and facts (tests fix it). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Loads, checks, registers and starts every plugin.
         *
         * @throws NodeStartException if any plugin fails any step; nothing is left loaded
         * @throws UncheckedIOException if the audit trail cannot be opened
         */
        public StigmemNode start() {
            if (pluginDirectory == null) {
                throw new IllegalStateException("no plugin directory: call pluginDirectory(...) before start()");
            }
            AuditLog audit;
            // Facts are kept in memory, their ids on the persisted trail: the next id follows the trail's highest.
            dev.stigmem.node.internal.core.FactNumbering numbering = new dev.stigmem.node.internal.core.FactNumbering();
            try {
                audit = dataDirectory.isPresent()
                        ? AuditLog.open(dataDirectory.get().resolve("audit.jsonl"), clock, repairAuditTrail,
                        dev.stigmem.node.internal.audit.TrailFile::open, numbering)
                        : AuditLog.inMemory(clock);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot open the audit trail: " + e.getMessage(), e);
            }
            try {
                return start(audit, numbering.next());
            } catch (RuntimeException | Error e) {
                try {
                    audit.close();
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw e;
            }
        }

        private StigmemNode start(AuditLog audit, long firstFactNumber) {
            audit.record("node", "node.starting", Map.of("plugins", pluginDirectory.toString(),
                    "api", API_VERSION.toString()));
            if (networkOutbound.isPresent() && !outboundOrigins.isEmpty()) {
                throw new IllegalStateException("both an outbound allowlist and a network outbound implementation were given; choose one");
            }
            Optional<dev.stigmem.api.core.NetworkOutbound> outbound = networkOutbound.isPresent() ? networkOutbound
                    : outboundOrigins.isEmpty()
                    ? Optional.empty()
                    : Optional.of(new AllowlistedHttpOutbound(outboundOrigins, dev.stigmem.api.core.OutboundRequest.MAX_TIMEOUT));
            EmbeddedCore core = new EmbeddedCore(new FactStore(clock, firstFactNumber), new DirectoryState(), audit,
                    new RedactingConfig(config), outbound);

            // The second line for JDK access: no plugin is loaded in a JVM the guard cannot instrument.
            try {
                JdkGuard.install(scanPolicy);
            } catch (GuardUnavailableException e) {
                audit.record("node", "node.start_failed", Map.of("failures", "1", "reason", e.getMessage()));
                throw new NodeStartException(e.getMessage(), List.of(e.getMessage()), e);
            }
            PluginLoader.Builder lb = PluginLoader.builder().hostVersion(API_VERSION);
            workDirectory.ifPresent(lb::workDirectory);
            // Each layer is enclosed before any of its classes is initialised; refusals are audited like
            // the gate's, in full for the first 100 per plugin and then every 100th.
            Map<String, PluginDomain> domains = new java.util.concurrent.ConcurrentHashMap<>();
            // Each plugin's calls, from its construction on: its lifecycle thread and time limits.
            Map<String, PluginCalls> calls = new java.util.concurrent.ConcurrentHashMap<>();
            lb.instantiateWith((archive, manifest, entryClass, construction) -> {
                PluginCalls c = new PluginCalls(manifest.name(), limits, audit);
                PluginCalls previous = calls.put(manifest.name(), c);
                if (previous != null) {
                    previous.close();
                }
                PluginCalls.Constructed made = c.construct(construction);
                return made.plugin().orElseThrow(() -> new dev.stigmem.loader.PluginInstantiationException(archive,
                        Optional.of(entryClass), "the entry class cannot be instantiated: " + made.failure()));
            });
            // Plugin System.Logger lines go to SLF4J under the plugin's name (NodeLoggerFinder).
            PluginLogging.prepare();
            // A plugin that bundles slf4j-api reads the node's copy, bound to the plugin's name (scan policy
            // line substitute-module org.slf4j), in a layer of its own below the plugin's.
            if (scanPolicy.substitutedModules().contains(PluginSlf4j.MODULE)) {
                lb.substitute(PluginSlf4j.substitute());
            }
            ModuleLayer apiLayer = dev.stigmem.api.Plugin.class.getModule().getLayer();
            lb.onLayer((manifest, layer) -> {
                // The plugin's own layer and any the loader defined for it alone (a substituted library's).
                List<ModuleLayer> own = new ArrayList<>(List.of(layer));
                layer.parents().stream().filter(l -> l != apiLayer).forEach(own::add);
                own.forEach(l -> PluginLogging.register(l, manifest.name(), pluginLogObserver));
                String actor = "plugin:" + manifest.name();
                java.util.concurrent.atomic.AtomicLong refusals = new java.util.concurrent.atomic.AtomicLong();
                domains.put(manifest.name(), JdkGuard.enclose(own, manifest.name(), JdkGuard.DEFAULT_THREAD_LIMIT, refusal -> {
                    long n = refusals.incrementAndGet();
                    if (n <= DENIALS_AUDITED_IN_FULL || n % DENIALS_AUDITED_IN_FULL == 0) {
                        audit.record(actor, "jdk.denied", Map.of("member", refusal.member(), "rule", refusal.ruleId(),
                                "refusals", Long.toString(n)));
                    }
                }));
            });
            // Trust is the first check: no plugin code is defined or run before its signatures are
            // verified. (The archive's zip structure, module descriptors and manifest annotation are
            // parsed before, within the archive limits: verifying needs them, and none of it runs.)
            Map<String, String> trust = new java.util.concurrent.ConcurrentHashMap<>();
            lb.check(new TrustCheck(trustPolicy, clock, (candidate, decision) -> {
                trust.put(candidate.manifest().name(), TrustCheck.describe(decision));
                Map<String, String> attrs = new TreeMap<>();
                attrs.put("archive", candidate.archive().toString());
                attrs.put("plugin", candidate.manifest().name());
                attrs.put("trust_decision", decision.auditValue());
                attrs.put("signers", String.join(";", decision.signers().stream().map(sg -> sg.fingerprint()).toList()));
                if (decision instanceof TrustDecision.Rejected r) {
                    attrs.put("reason", r.message());
                }
                audit.record("node", "plugin.trust_decision", attrs);
            }));
            // The loader's own pre-scan runs after these checks, before any class is defined.
            lb.scanPolicy(scanPolicy).onScan((candidate, report) -> audit.record("node", "plugin.scanned", Map.of(
                    "archive", candidate.archive().toString(),
                    "plugin", candidate.manifest().name(),
                    "verdict", report.verdict().name().toLowerCase(java.util.Locale.ROOT),
                    "deny", Integer.toString(report.count(Severity.DENY)),
                    "warn", Integer.toString(report.count(Severity.WARN)))));
            checks.forEach(lb::check);
            PluginLoader loader = lb.build();
            PluginSet loaded;
            try {
                if (skipRejected) {
                    audit.record("node", "node.skip_rejected_enabled", Map.of("plugins", pluginDirectory.toString()));
                    LOG.warn("starting without rejected plugins, as asked: each skipped archive is audited");
                    loaded = loader.loadAvailable(pluginDirectory);
                    for (PluginLoadException f : loaded.rejected()) {
                        audit.record("node", "plugin.rejected", Map.of("archive", f.archive().toString(), "reason", f.getMessage(),
                                "skipped", "true"));
                    }
                } else {
                    loaded = loader.loadAll(pluginDirectory);
                }
            } catch (PluginSetException e) {
                // Constructors that ran may have started threads; constructors that hang hold one.
                domains.values().forEach(d -> endThreads(d, audit));
                calls.values().forEach(PluginCalls::close);
                loader.close(); // nothing loaded: the work directory goes
                List<String> failures = e.failures().stream().map(PluginLoadException::getMessage).toList();
                for (PluginLoadException f : e.failures()) {
                    audit.record("node", "plugin.rejected", Map.of("archive", f.archive().toString(), "reason", f.getMessage()));
                }
                audit.record("node", "node.start_failed", Map.of("failures", Integer.toString(failures.size())));
                throw new NodeStartException(e.getMessage(), failures, e);
            }

            // Plugins whose construction failed (skipped): their threads end, their lifecycle thread too.
            java.util.Set<String> loadedNames = new java.util.HashSet<>();
            loaded.inOrder().forEach(p -> loadedNames.add(p.name()));
            for (String name : List.copyOf(domains.keySet())) {
                if (!loadedNames.contains(name)) {
                    endThreads(domains.remove(name), audit);
                }
            }
            for (String name : List.copyOf(calls.keySet())) {
                if (!loadedNames.contains(name)) {
                    calls.remove(name).close();
                }
            }
            try {
                return register(loaded, core, audit, trust, domains, calls, loader);
            } catch (RuntimeException | Error e) {
                domains.values().forEach(d -> endThreads(d, audit));
                calls.values().forEach(PluginCalls::close);
                loaded.close();
                loader.close();
                throw e;
            }
        }

        private StigmemNode register(PluginSet loaded, EmbeddedCore core, AuditLog audit, Map<String, String> trust,
                                     Map<String, PluginDomain> domains, Map<String, PluginCalls> calls, PluginLoader loader) {
            HookRegistry.Builder hb = HookRegistry.builder(audit).limits(limits);
            PluginManifest coreManifest = PluginManifest.of(CORE_NAME, API_VERSION.toString(), ">=" + API_VERSION,
                    Capability.knownIds(), List.of());
            CoreHandlers.register(hb, new GatedPluginContext(coreManifest, core.apisFor(CORE_NAME)), core);

            Map<String, PluginInfo> infos = new TreeMap<>();
            Map<String, PluginContext> contexts = new TreeMap<>();
            List<String> failures = new ArrayList<>();
            List<Rejection> rejections = new ArrayList<>();
            loaded.rejected().forEach(f -> rejections.add(new Rejection(f.archive(), f.getMessage())));
            List<LoadedPlugin> registered = new ArrayList<>();
            for (LoadedPlugin p : loaded.inOrder()) {
                PluginManifest m = p.manifest();
                Optional<String> skippedDependency = m.dependsOn().stream().filter(d -> !infos.containsKey(d)).findFirst();
                if (skippedDependency.isPresent()) {
                    // Only reachable when skipping: its dependency was refused its capabilities.
                    String reason = "plugin '" + m.name() + "' depends on '" + skippedDependency.get() + "', which was not registered";
                    audit.record("node", "plugin.rejected", Map.of("plugin", m.name(), "reason", reason, "skipped", "true"));
                    rejections.add(new Rejection(p.archive(), reason));
                    continue;
                }
                // The core and the plugins registered before vote on each capability this one declared.
                HookRegistry votes = hb.snapshot();
                List<String> denied = new ArrayList<>();
                for (Capability c : m.capabilities()) {
                    Vote v = votes.vote(Hook.CAPABILITY_CHECK, new CapabilityGrant(m.name(), c));
                    if (v instanceof Vote.Deny d) {
                        denied.add(c.id() + " (" + d.reason() + ")");
                    }
                }
                if (!denied.isEmpty()) {
                    String reason = "plugin '" + m.name() + "' denied capabilities: " + String.join(", ", denied);
                    audit.record("node", "plugin.rejected", Map.of("plugin", m.name(), "reason", reason));
                    failures.add(reason);
                    rejections.add(new Rejection(p.archive(), reason));
                    continue;
                }
                registered.add(p);
                CoreApis apis = core.apisFor(m.name()).without(withheld);
                if (coreCallObserver.isPresent()) {
                    apis = ObservedCoreApis.wrap(m.name(), apis, coreCallObserver.get());
                }
                String actor = "plugin:" + m.name();
                PluginManifest grant = m;
                if (m.capabilities().stream().anyMatch(revoked::contains)) {
                    Set<Capability> kept = java.util.EnumSet.noneOf(Capability.class);
                    m.capabilities().stream().filter(c -> !revoked.contains(c)).forEach(kept::add);
                    grant = new PluginManifest(m.name(), m.version(), m.requires(), kept, m.dependsOn());
                    audit.record("node", "plugin.capabilities_revoked", Map.of("plugin", m.name(), "revoked",
                            m.capabilities().stream().filter(revoked::contains).map(Capability::id).collect(Collectors.joining(","))));
                }
                // Audited at the gate, so a plugin that catches its CapabilityError is still on record;
                // bounded, so a plugin looping on a refused accessor cannot flood the (fsynced) trail.
                java.util.concurrent.atomic.AtomicLong refusals = new java.util.concurrent.atomic.AtomicLong();
                PluginContext ctx = new GatedPluginContext(grant, apis, refusal -> {
                    long n = refusals.incrementAndGet();
                    if (n <= DENIALS_AUDITED_IN_FULL || n % DENIALS_AUDITED_IN_FULL == 0) {
                        audit.record(actor, "capability.denied", Map.of("accessor", refusal.accessorName(),
                                "capability", refusal.capabilityId(), "refusals", Long.toString(n)));
                    }
                });
                contexts.put(m.name(), ctx);
                List<Hook> handled = hb.plugin(m.name(), ctx, p.plugin(), calls.get(m.name()));
                infos.put(m.name(), new PluginInfo(m.name(), m.version().toString(), p.archive(), p.moduleName(), p.entryClass(),
                        trust.getOrDefault(m.name(), ""), m.capabilities(), handled, m.dependsOn(), Health.unknown()));
            }
            if (!failures.isEmpty() && !skipRejected) {
                audit.record("node", "node.start_failed", Map.of("failures", Integer.toString(failures.size())));
                throw new NodeStartException(failures.stream().collect(Collectors.joining("\n  - ",
                        "plugin directory '" + pluginDirectory + "' not started, nothing was registered:\n  - ", "")), failures, null);
            }
            HookRegistry hooks = hb.freeze();
            core.start(hooks);
            List<LoadedPlugin> started = new ArrayList<>();
            java.util.Set<String> withdrawn = new java.util.TreeSet<>();
            for (LoadedPlugin p : registered) {
                PluginCalls c = calls.get(p.name());
                Optional<String> notStarted;
                Optional<String> missing = p.manifest().dependsOn().stream().filter(withdrawn::contains).findFirst();
                if (missing.isPresent()) {
                    notStarted = Optional.of("depends on '" + missing.get() + "', which did not start");
                } else {
                    notStarted = c.start(p.plugin(), contexts.get(p.name()));
                    notStarted.ifPresent(error -> audit.record("plugin:" + p.name(), "plugin.start_failed", Map.of("error", error)));
                }
                if (notStarted.isEmpty()) {
                    started.add(p);
                    continue;
                }
                String reason = "plugin '" + p.name() + "' failed to start: " + notStarted.get();
                if (skipRejected) {
                    // Withdrawn before the node serves: as if it had been rejected while loading.
                    LOG.warn("{} (skipped, as asked)", reason);
                    hooks.withdraw(p.name());
                    withdrawn.add(p.name());
                    infos.remove(p.name());
                    endThreads(domains.remove(p.name()), audit);
                    audit.record("node", "plugin.rejected", Map.of("plugin", p.name(), "reason", reason, "skipped", "true"));
                    rejections.add(new Rejection(p.archive(), reason));
                    continue;
                }
                for (int i = started.size() - 1; i >= 0; i--) {
                    // Already failing startup; the first failure is the one reported (each stop is time-limited).
                    calls.get(started.get(i).name()).stop(started.get(i).plugin());
                }
                hooks.close();
                throw new NodeStartException(reason, List.of(reason), null); // the text, not the plugin's exception
            }
            hooks.serving();
            Map<String, PluginCalls> serving = new TreeMap<>();
            started.forEach(p -> serving.put(p.name(), calls.get(p.name())));
            audit.record("node", "node.started", Map.of("plugins", String.join(",", infos.keySet())));
            LOG.info("node started with {} plugins: {}", infos.size(), infos.keySet());
            return new StigmemNode(loaded, domains, started, hooks, core, infos, rejections, serving, loader);
        }
    }
}
