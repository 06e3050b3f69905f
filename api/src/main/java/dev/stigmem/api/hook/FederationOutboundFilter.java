package dev.stigmem.api.hook;

import dev.stigmem.api.PluginContext;

/**
 * Hook {@code federation_outbound_filter} (filter chain, ordering {@code plugins_first}): the handler transforms a batch about to be sent to a peer: receives the current value and returns the value the next handler sees. {@code null} is an error.
 *
 * @see Hook#FEDERATION_OUTBOUND_FILTER
 */
@FunctionalInterface
public non-sealed interface FederationOutboundFilter extends HookHandler {
    FederationBatch federationOutboundFilter(PluginContext context, FederationBatch payload);
}
