package dev.stigmem.api.hook;

import dev.stigmem.api.PluginContext;

/**
 * Hook {@code tenant_resolve} (filter chain, ordering {@code core_first}): the handler transforms the tenant resolved for a principal: receives the current value and returns the value the next handler sees. {@code null} is an error.
 *
 * @see Hook#TENANT_RESOLVE
 */
@FunctionalInterface
public non-sealed interface TenantResolve extends HookHandler {
    TenantResolution tenantResolve(PluginContext context, TenantResolution payload);
}
