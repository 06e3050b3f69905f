package dev.stigmem.testkit;

import dev.stigmem.api.Capability;
import dev.stigmem.api.PluginExecutionError;
import dev.stigmem.api.core.AuditEvent;
import dev.stigmem.api.core.Fact;
import dev.stigmem.api.core.FactDraft;
import dev.stigmem.api.core.Identity;
import dev.stigmem.api.core.RecallHit;
import dev.stigmem.api.core.RecallQuery;
import dev.stigmem.api.hook.Hook;
import dev.stigmem.api.hook.Vote;
import dev.stigmem.loader.scan.ScanPolicy;
import dev.stigmem.loader.trust.TrustPolicy;
import dev.stigmem.node.CoreApis;
import dev.stigmem.node.PluginInfo;
import dev.stigmem.node.StigmemNode;
import dev.stigmem.testkit.internal.JvmSetup;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * A real Stigmem node running the plugin under test: the archive goes through the node's own
 * startup (trust, declaration, pre-scan, its own module layer, the capability vote, registration,
 * start), and the plugin gets a gated context over the embedded in-memory core. The node records
 * every core API call the plugin makes ({@link #calls()}), keeps its audit trail in memory
 * ({@link #audit()}), records what plugins log through {@link System.Logger} ({@link #logs()}) and
 * serves {@code network.outbound} from an in-memory {@link TestNetwork}.
 *
 * <p>Trust: unsigned development builds are accepted by default (audited as
 * {@code development_unsigned_override}, as a real node in development mode would); pass a
 * {@link TrustPolicy} to test signed jars. Close it after the test (the extension does).
 */
public final class TestNode implements AutoCloseable {

    private final StigmemNode node;
    private final PluginArchive archive;
    private final RecordedCalls calls;
    private final TestNetwork network;
    private final AuditTrail audit;
    private final PluginLog logs;
    private final Path workRoot;

    private TestNode(StigmemNode node, PluginArchive archive, RecordedCalls calls, TestNetwork network, PluginLog logs,
                     Path workRoot) {
        this.node = node;
        this.archive = archive;
        this.calls = calls;
        this.network = network;
        this.logs = logs;
        this.audit = new AuditTrail(node.audit());
        this.workRoot = workRoot;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The plugin under test, as the node registered it (name, version, capabilities, hooks, health now). */
    public PluginInfo plugin() {
        Path p = archive.path().getFileName();
        return node.plugins().stream().filter(i -> i.archive().getFileName().equals(p)).findFirst()
                .orElseThrow(() -> new IllegalStateException("the plugin under test is not registered: " + node.plugins()));
    }

    /** Every registered plugin, the plugin under test and those loaded alongside it, in registration order. */
    public List<PluginInfo> plugins() {
        return node.plugins();
    }

    /** The node itself, for what the testkit does not wrap. */
    public StigmemNode node() {
        return node;
    }

    /**
     * Asserts a fact as {@code principal} through every assert hook site (core and plugin handlers).
     *
     * @throws dev.stigmem.node.OperationDeniedException if a vote denies
     * @throws PluginExecutionError                    if a plugin handler fails where its hook surfaces failures
     */
    public Fact assertFact(String principal, FactDraft draft) {
        return node.assertFact(principal, draft);
    }

    /** Recalls as {@code principal} through every recall hook site. */
    public List<RecallHit> recall(String principal, RecallQuery query) {
        return node.recall(principal, query);
    }

    /** Runs a voting hook as the node dispatches it (core handlers and plugins, in the hook's order). */
    public HookOutcome<Vote> vote(Hook hook, Object payload) {
        return dispatch(hook, () -> node.hooks().vote(hook, payload));
    }

    /** Runs a filter chain as the node dispatches it. */
    public <T> HookOutcome<T> filter(Hook hook, T value) {
        return dispatch(hook, () -> node.hooks().filter(hook, value));
    }

    /** Runs a score-delta hook as the node dispatches it. */
    public HookOutcome<Map<String, Double>> scores(Hook hook, Object payload) {
        return dispatch(hook, () -> node.hooks().scores(hook, payload));
    }

    /**
     * Runs a fire-and-forget hook as the node dispatches it. A non-strict hook swallows handler
     * failures, as the node does; the outcome still shows them (from the audit trail).
     */
    public HookOutcome<Void> fire(Hook hook, Object payload) {
        return dispatch(hook, () -> {
            node.hooks().fire(hook, payload);
            return null;
        });
    }

    private <T> HookOutcome<T> dispatch(Hook hook, Supplier<T> call) {
        long before = audit.lastSequence();
        T value;
        try {
            value = call.get();
        } catch (PluginExecutionError e) {
            return new HookOutcome<>(hook, Optional.empty(), Optional.of(e), audit.since(before));
        }
        return new HookOutcome<>(hook, Optional.ofNullable(value), Optional.empty(), audit.since(before));
    }

    /**
     * The node's own core APIs, ungated, acting as {@code host}: seed facts, tenants and peers
     * before firing hooks (identities: {@link #putIdentity}). Calls made here are not recorded as the plugin's.
     */
    public CoreApis host() {
        return node.hostApis();
    }

    /**
     * Puts an identity into the node's directory, as the host's authentication would; plugins
     * holding {@code identity.read} see it. (The core APIs have no identity writer: identities are
     * the host's.)
     */
    public TestNode putIdentity(Identity identity) {
        node.putIdentity(identity);
        return this;
    }

    /** Puts an identity with these attributes and no roles; its display name is the principal. */
    public TestNode putIdentity(String principal, Map<String, String> attributes) {
        return putIdentity(new Identity(principal, principal, Set.of(), attributes));
    }

    /** The core API calls plugins made, in order. */
    public RecordedCalls calls() {
        return calls;
    }

    /** The node's audit trail (in memory). */
    public AuditTrail audit() {
        return audit;
    }

    /**
     * What plugins logged through {@link System.Logger}, every level (the node also writes it to
     * SLF4J under {@code plugin.NAME}, where the binding's level applies).
     */
    public PluginLog logs() {
        return logs;
    }

    /** The in-memory network behind {@code network.outbound}. */
    public TestNetwork network() {
        return network;
    }

    /** Stops the plugins, releases their layers and deletes the node's temporary files. */
    @Override
    public void close() {
        try {
            node.close();
        } finally {
            deleteTree(workRoot);
        }
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + root, e);
        }
    }

    /** Configures a test node. */
    public static final class Builder {
        private PluginArchive plugin;
        private final List<PluginArchive> alongside = new ArrayList<>();
        private final Map<String, String> config = new TreeMap<>();
        private final Set<Capability> withheld = EnumSet.noneOf(Capability.class);
        private final Set<Capability> revoked = EnumSet.noneOf(Capability.class);
        private TrustPolicy trust = TrustPolicy.builder()
                .unsignedDevelopmentMode(TrustPolicy.UNSIGNED_DEVELOPMENT_ACKNOWLEDGEMENT).build();
        private ScanPolicy scan = ScanPolicy.shipped();
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        /** The plugin under test. */
        public Builder plugin(PluginArchive archive) {
            this.plugin = Objects.requireNonNull(archive, "archive");
            return this;
        }

        /** Another plugin loaded with it (a dependency, or a plugin it interacts with). */
        public Builder alongside(PluginArchive archive) {
            alongside.add(Objects.requireNonNull(archive, "archive"));
            return this;
        }

        /** Node configuration that {@code config.read} serves (secrets redacted, as the node does). */
        public Builder config(Map<String, String> values) {
            config.putAll(values);
            return this;
        }

        /** Core APIs this node does not provide: the plugin's accessor returns {@code Optional.empty()}. */
        public Builder withhold(Capability... capabilities) {
            withheld.addAll(List.of(capabilities));
            return this;
        }

        /**
         * Capabilities the plugin declared but the runtime gate refuses: its accessor throws
         * {@link dev.stigmem.api.CapabilityError}, as it would for an undeclared one the pre-scan
         * missed. Shows what the gate does and how the plugin behaves when a handler is refused
         * ({@link HookOutcome#assertCapabilityDenied}).
         */
        public Builder revoke(Capability... capabilities) {
            revoked.addAll(List.of(capabilities));
            return this;
        }

        /** Who may publish plugins (default: development mode, unsigned accepted and audited). */
        public Builder trustPolicy(TrustPolicy policy) {
            this.trust = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /** The pre-scan's policy (default: the shipped one). */
        public Builder scanPolicy(ScanPolicy policy) {
            this.scan = Objects.requireNonNull(policy, "policy");
            return this;
        }

        ScanPolicy scanPolicy() {
            return scan;
        }

        List<PluginArchive> alongside() {
            return List.copyOf(alongside);
        }

        /** The clock of facts and audit events. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Starts the node.
         *
         * @throws IllegalStateException            if this JVM cannot host plugin layers (the message says what to change)
         * @throws dev.stigmem.node.NodeStartException if the node refuses a plugin, with every reason (scan reports included)
         */
        public TestNode start() {
            if (plugin == null) {
                throw new IllegalStateException("no plugin under test: call plugin(PluginArchive.fromBuildOutput(...)) first");
            }
            JvmSetup.problem().ifPresent(p -> {
                throw new IllegalStateException(p);
            });
            Path root = PluginArchive.tempDirectory("stigmem-testkit-");
            try {
                Path plugins = Files.createDirectory(root.resolve("plugins"));
                Path work = Files.createDirectory(root.resolve("work"), PrivateDirectories.attributes());
                List<PluginArchive> all = new ArrayList<>(alongside);
                all.add(plugin);
                for (PluginArchive a : all) {
                    Path target = plugins.resolve(a.path().getFileName());
                    if (Files.exists(target)) {
                        throw new IllegalArgumentException("two archives named " + target.getFileName() + " were given");
                    }
                    copy(a.path(), target);
                }
                RecordedCalls calls = new RecordedCalls();
                TestNetwork network = new TestNetwork();
                PluginLog logs = new PluginLog();
                StigmemNode.Builder b = StigmemNode.builder()
                        .pluginDirectory(plugins)
                        .workDirectory(work)
                        .trustPolicy(trust)
                        .scanPolicy(scan)
                        .config(config)
                        .withhold(withheld)
                        .revoke(revoked)
                        .networkOutbound(network)
                        .observeCoreCalls(calls::add)
                        .observePluginLogs(logs::add)
                        .clock(clock);
                // Surefire's module path may hold the plugin under test (and its libraries): the node
                // loads its own copies in the plugin's layer, as it would any module the host also has.
                return new TestNode(b.start(), plugin, calls, network, logs, root);
            } catch (IOException e) {
                deleteTree(root);
                throw new UncheckedIOException("cannot prepare the test node's directories: " + e.getMessage(), e);
            } catch (RuntimeException | Error e) {
                deleteTree(root);
                throw e;
            }
        }

        private static void copy(Path from, Path to) throws IOException {
            if (!Files.isDirectory(from)) {
                Files.copy(from, to);
                return;
            }
            try (Stream<Path> s = Files.walk(from)) {
                for (Path p : (Iterable<Path>) s.sorted()::iterator) {
                    Path t = to.resolve(from.relativize(p).toString());
                    if (Files.isDirectory(p)) {
                        Files.createDirectories(t);
                    } else {
                        Files.copy(p, t);
                    }
                }
            }
        }
    }

    /** Owner-only permissions for the loader's work directory, where the file system has them. */
    private static final class PrivateDirectories {
        static java.nio.file.attribute.FileAttribute<?>[] attributes() {
            if (!java.nio.file.FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                return new java.nio.file.attribute.FileAttribute<?>[0];
            }
            return new java.nio.file.attribute.FileAttribute<?>[] {java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"))};
        }
    }
}
