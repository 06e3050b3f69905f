package dev.stigmem.api;

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
import java.util.Optional;
import java.util.Set;

/**
 * What the node hands to every handler of one plugin: who the plugin is, and the core API handles
 * its manifest entitles it to.
 *
 * <p>Each accessor is {@link Gated} by one capability. Calling an accessor whose capability the
 * plugin did not declare throws {@link CapabilityError}, however the call is reached (directly,
 * through a method reference, or by reflection). A declared accessor returns the handle, or
 * {@link Optional#empty()} when the node does not provide that core API to plugins: declaring a
 * capability permits access, it does not guarantee it.
 *
 * <p>The loader's pre-scan rejects a plugin whose bytecode calls an undeclared accessor before any
 * of its code runs; the runtime gate is defense in depth. Implementations are supplied by the node
 * and are thread-safe.
 */
public interface PluginContext {

    /** The plugin's manifest name. */
    String pluginName();

    /** The plugin's manifest version. */
    SemanticVersion pluginVersion();

    /** The capabilities the plugin declared (unmodifiable). */
    Set<Capability> declaredCapabilities();

    @Gated(Capability.FACTS_READ)
    Optional<FactsReader> getFactsReader();

    @Gated(Capability.FACTS_WRITE)
    Optional<FactsWriter> getFactsWriter();

    @Gated(Capability.RECALL_READ)
    Optional<RecallReader> getRecallReader();

    @Gated(Capability.RECALL_WRITE)
    Optional<RecallWriter> getRecallWriter();

    @Gated(Capability.AUDIT_EMIT)
    Optional<AuditEmitter> getAuditEmitter();

    @Gated(Capability.AUDIT_READ)
    Optional<AuditReader> getAuditReader();

    @Gated(Capability.FEDERATION_READ)
    Optional<FederationReader> getFederationReader();

    @Gated(Capability.FEDERATION_WRITE)
    Optional<FederationWriter> getFederationWriter();

    @Gated(Capability.IDENTITY_READ)
    Optional<IdentityReader> getIdentityReader();

    @Gated(Capability.TENANT_READ)
    Optional<TenantReader> getTenantReader();

    @Gated(Capability.TENANT_WRITE)
    Optional<TenantWriter> getTenantWriter();

    @Gated(Capability.CONFIG_READ)
    Optional<ConfigReader> getConfigReader();

    @Gated(Capability.NETWORK_OUTBOUND)
    Optional<NetworkOutbound> getNetworkOutbound();
}
