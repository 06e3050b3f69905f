package dev.stigmem.node.internal.context;

import dev.stigmem.api.Capability;
import dev.stigmem.api.CapabilityError;
import dev.stigmem.api.PluginContext;
import dev.stigmem.api.PluginManifest;
import dev.stigmem.api.SemanticVersion;
import dev.stigmem.api.core.AuditEmitter;
import dev.stigmem.api.core.AuditReader;
import dev.stigmem.api.core.ConfigReader;
import dev.stigmem.api.core.FactsReader;
import dev.stigmem.api.core.FactsWriter;
import dev.stigmem.api.core.FederationReader;
import dev.stigmem.api.core.FederationWriter;
import dev.stigmem.api.core.IdentityReader;
import dev.stigmem.api.core.NetworkOutbound;
import dev.stigmem.api.core.RecallReader;
import dev.stigmem.api.core.RecallWriter;
import dev.stigmem.api.core.TenantReader;
import dev.stigmem.api.core.TenantWriter;
import dev.stigmem.node.CoreApis;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The runtime capability gate: the {@link PluginContext} of one plugin.
 *
 * <p>Each accessor's capability is looked up by its handle type in the api's map, which is derived
 * from the {@link dev.stigmem.api.Gated} annotations ({@link Capability#forHandleType}); so this
 * class cannot disagree with the scanner about which capability an accessor needs. The tests
 * check every accessor against that map, reached directly, by method reference and by reflection.
 *
 * <p>The check is a bit test on a {@code long}; the handles are resolved once at construction
 * into an array of ready {@code Optional}s, so a call allocates nothing. Immutable and
 * thread-safe. Plugins cannot reach the fields: this package is not exported or opened to them.
 */
public final class GatedPluginContext implements PluginContext {

    // The capability of each accessor, looked up once by handle type in the api's derived map.
    // Static finals, so the JIT folds each accessor's check to a constant bit test.
    private static final Capability FACTS_READER = gatedBy(FactsReader.class);
    private static final Capability FACTS_WRITER = gatedBy(FactsWriter.class);
    private static final Capability RECALL_READER = gatedBy(RecallReader.class);
    private static final Capability RECALL_WRITER = gatedBy(RecallWriter.class);
    private static final Capability AUDIT_EMITTER = gatedBy(AuditEmitter.class);
    private static final Capability AUDIT_READER = gatedBy(AuditReader.class);
    private static final Capability FEDERATION_READER = gatedBy(FederationReader.class);
    private static final Capability FEDERATION_WRITER = gatedBy(FederationWriter.class);
    private static final Capability IDENTITY_READER = gatedBy(IdentityReader.class);
    private static final Capability TENANT_READER = gatedBy(TenantReader.class);
    private static final Capability TENANT_WRITER = gatedBy(TenantWriter.class);
    private static final Capability CONFIG_READER = gatedBy(ConfigReader.class);
    private static final Capability NETWORK_OUTBOUND = gatedBy(NetworkOutbound.class);

    static {
        if (Capability.values().length > Long.SIZE) {
            throw new ExceptionInInitializerError("the capability mask holds at most 64 capabilities");
        }
    }

    private final String pluginName;
    private final SemanticVersion pluginVersion;
    private final Set<Capability> declared;
    private final long declaredMask;
    private final Optional<?>[] handles;
    private final Consumer<CapabilityError> onDenied;

    /**
     * A gate whose denials are only thrown.
     *
     * @param manifest the plugin's validated manifest; its capabilities are the grant
     * @param coreApis the handles the node provides
     */
    public GatedPluginContext(PluginManifest manifest, CoreApis coreApis) {
        this(manifest, coreApis, denied -> { });
    }

    /**
     * @param manifest the plugin's validated manifest; its capabilities are the grant
     * @param coreApis the handles the node provides
     * @param onDenied told of every denial before it is thrown, so that a plugin that catches its
     *                 {@link CapabilityError} is still audited; must not throw
     */
    public GatedPluginContext(PluginManifest manifest, CoreApis coreApis, Consumer<CapabilityError> onDenied) {
        Objects.requireNonNull(manifest, "manifest");
        Objects.requireNonNull(coreApis, "coreApis");
        this.onDenied = Objects.requireNonNull(onDenied, "onDenied");
        this.pluginName = manifest.name();
        this.pluginVersion = manifest.version();
        this.declared = manifest.capabilities();
        long mask = 0;
        Capability[] all = Capability.values();
        this.handles = new Optional<?>[all.length];
        for (Capability c : all) {
            handles[c.ordinal()] = coreApis.handle(c);
            if (declared.contains(c)) {
                mask |= 1L << c.ordinal();
            }
        }
        this.declaredMask = mask;
    }

    private static Capability gatedBy(Class<?> handleType) {
        return Capability.forHandleType(handleType).orElseThrow(
                () -> new IllegalStateException(handleType.getName() + " is not a gated handle type"));
    }

    @SuppressWarnings("unchecked") // handles[c] holds an Optional of c's handle type, checked by CoreApis
    private <H> Optional<H> gate(Capability c) {
        if ((declaredMask & (1L << c.ordinal())) == 0) {
            throw denied(c);
        }
        return (Optional<H>) handles[c.ordinal()];
    }

    // Off the hot path: a denial is rare, the check above stays a bit test.
    private CapabilityError denied(Capability c) {
        CapabilityError e = new CapabilityError(pluginName, c);
        onDenied.accept(e);
        return e;
    }

    @Override
    public String pluginName() {
        return pluginName;
    }

    @Override
    public SemanticVersion pluginVersion() {
        return pluginVersion;
    }

    @Override
    public Set<Capability> declaredCapabilities() {
        return declared;
    }

    @Override
    public Optional<FactsReader> getFactsReader() {
        return gate(FACTS_READER);
    }

    @Override
    public Optional<FactsWriter> getFactsWriter() {
        return gate(FACTS_WRITER);
    }

    @Override
    public Optional<RecallReader> getRecallReader() {
        return gate(RECALL_READER);
    }

    @Override
    public Optional<RecallWriter> getRecallWriter() {
        return gate(RECALL_WRITER);
    }

    @Override
    public Optional<AuditEmitter> getAuditEmitter() {
        return gate(AUDIT_EMITTER);
    }

    @Override
    public Optional<AuditReader> getAuditReader() {
        return gate(AUDIT_READER);
    }

    @Override
    public Optional<FederationReader> getFederationReader() {
        return gate(FEDERATION_READER);
    }

    @Override
    public Optional<FederationWriter> getFederationWriter() {
        return gate(FEDERATION_WRITER);
    }

    @Override
    public Optional<IdentityReader> getIdentityReader() {
        return gate(IDENTITY_READER);
    }

    @Override
    public Optional<TenantReader> getTenantReader() {
        return gate(TENANT_READER);
    }

    @Override
    public Optional<TenantWriter> getTenantWriter() {
        return gate(TENANT_WRITER);
    }

    @Override
    public Optional<ConfigReader> getConfigReader() {
        return gate(CONFIG_READER);
    }

    @Override
    public Optional<NetworkOutbound> getNetworkOutbound() {
        return gate(NETWORK_OUTBOUND);
    }

    @Override
    public String toString() {
        return "PluginContext[" + pluginName + " " + pluginVersion + ", " + declared + "]";
    }
}
