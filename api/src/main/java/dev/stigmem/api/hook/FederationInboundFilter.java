package dev.stigmem.api.hook;

import dev.stigmem.api.PluginContext;

/**
 * Hook {@code federation_inbound_filter} (filter chain, ordering {@code plugins_first}): the handler transforms a batch received from a peer: receives the current value and returns the value the next handler sees. {@code null} is an error.
 *
 * @see Hook#FEDERATION_INBOUND_FILTER
 */
@FunctionalInterface
public non-sealed interface FederationInboundFilter extends HookHandler {
    FederationBatch federationInboundFilter(PluginContext context, FederationBatch payload);
}
