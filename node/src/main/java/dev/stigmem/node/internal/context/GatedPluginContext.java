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

/**
 * The runtime capability gate: the {@link PluginContext} of one plugin.
 *
 * <p>Each accessor names only its handle type; the capability that gates it comes from the api's
 * {@link dev.stigmem.api.Gated} annotations through {@link Capability#forHandleType}, so this class
 * cannot disagree with the scanner about which capability an accessor needs. The compiler ties
 * each accessor's handle type to its return type.
 *
 * <p>The check is a bit test on a {@code long}; the handles are resolved once at construction
 * into an array of ready {@code Optional}s, so a call allocates nothing. Immutable and
 * thread-safe. Plugins cannot reach the fields: this package is not exported or opened to them.
 */
public final class GatedPluginContext implements PluginContext {

    // Handle type -> capability, derived from the api once per type and cached by the JVM.
    private static final ClassValue<Capability> CAPABILITY_OF_HANDLE = new ClassValue<>() {
        @Override
        protected Capability computeValue(Class<?> type) {
            return Capability.forHandleType(type).orElseThrow(
                    () -> new IllegalStateException(type.getName() + " is not a gated handle type"));
        }
    };

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

    /**
     * @param manifest the plugin's validated manifest; its capabilities are the grant
     * @param coreApis the handles the node provides
     */
    public GatedPluginContext(PluginManifest manifest, CoreApis coreApis) {
        Objects.requireNonNull(manifest, "manifest");
        Objects.requireNonNull(coreApis, "coreApis");
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

    @SuppressWarnings("unchecked") // handles[c] holds an Optional of c's handle type, checked by CoreApis
    private <H> Optional<H> gate(Class<H> handleType) {
        Capability c = CAPABILITY_OF_HANDLE.get(handleType);
        if ((declaredMask & (1L << c.ordinal())) == 0) {
            throw new CapabilityError(pluginName, c);
        }
        return (Optional<H>) handles[c.ordinal()];
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
        return gate(FactsReader.class);
    }

    @Override
    public Optional<FactsWriter> getFactsWriter() {
        return gate(FactsWriter.class);
    }

    @Override
    public Optional<RecallReader> getRecallReader() {
        return gate(RecallReader.class);
    }

    @Override
    public Optional<RecallWriter> getRecallWriter() {
        return gate(RecallWriter.class);
    }

    @Override
    public Optional<AuditEmitter> getAuditEmitter() {
        return gate(AuditEmitter.class);
    }

    @Override
    public Optional<AuditReader> getAuditReader() {
        return gate(AuditReader.class);
    }

    @Override
    public Optional<FederationReader> getFederationReader() {
        return gate(FederationReader.class);
    }

    @Override
    public Optional<FederationWriter> getFederationWriter() {
        return gate(FederationWriter.class);
    }

    @Override
    public Optional<IdentityReader> getIdentityReader() {
        return gate(IdentityReader.class);
    }

    @Override
    public Optional<TenantReader> getTenantReader() {
        return gate(TenantReader.class);
    }

    @Override
    public Optional<TenantWriter> getTenantWriter() {
        return gate(TenantWriter.class);
    }

    @Override
    public Optional<ConfigReader> getConfigReader() {
        return gate(ConfigReader.class);
    }

    @Override
    public Optional<NetworkOutbound> getNetworkOutbound() {
        return gate(NetworkOutbound.class);
    }

    @Override
    public String toString() {
        return "PluginContext[" + pluginName + " " + pluginVersion + ", " + declared + "]";
    }
}
