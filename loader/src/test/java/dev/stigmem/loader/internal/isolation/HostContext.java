package dev.stigmem.loader.internal.isolation;

import dev.stigmem.api.Capability;
import dev.stigmem.api.PluginContext;
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

import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Stands in for the node's internal context class in isolation tests: it lives in a package the
 * host does not export or open, holds a private field, and hands the probe plugin an object of
 * another plugin (through {@link Supplier}) to reach for.
 */
public final class HostContext implements PluginContext, Supplier<Object> {
    private final String hostSecret = "host-internal";
    private final Object otherPlugin;

    public HostContext(Object otherPlugin) {
        this.otherPlugin = otherPlugin;
    }

    @Override
    public Object get() {
        return otherPlugin;
    }

    @Override
    public String toString() {
        return "HostContext[" + hostSecret.length() + "]";
    }

    @Override
    public String pluginName() {
        return "probe";
    }

    @Override
    public SemanticVersion pluginVersion() {
        return SemanticVersion.parse("1.0.0");
    }

    @Override
    public Set<Capability> declaredCapabilities() {
        return Set.of();
    }

    @Override
    public Optional<FactsReader> getFactsReader() {
        return Optional.empty();
    }

    @Override
    public Optional<FactsWriter> getFactsWriter() {
        return Optional.empty();
    }

    @Override
    public Optional<RecallReader> getRecallReader() {
        return Optional.empty();
    }

    @Override
    public Optional<RecallWriter> getRecallWriter() {
        return Optional.empty();
    }

    @Override
    public Optional<AuditEmitter> getAuditEmitter() {
        return Optional.empty();
    }

    @Override
    public Optional<AuditReader> getAuditReader() {
        return Optional.empty();
    }

    @Override
    public Optional<FederationReader> getFederationReader() {
        return Optional.empty();
    }

    @Override
    public Optional<FederationWriter> getFederationWriter() {
        return Optional.empty();
    }

    @Override
    public Optional<IdentityReader> getIdentityReader() {
        return Optional.empty();
    }

    @Override
    public Optional<TenantReader> getTenantReader() {
        return Optional.empty();
    }

    @Override
    public Optional<TenantWriter> getTenantWriter() {
        return Optional.empty();
    }

    @Override
    public Optional<ConfigReader> getConfigReader() {
        return Optional.empty();
    }

    @Override
    public Optional<NetworkOutbound> getNetworkOutbound() {
        return Optional.empty();
    }
}
