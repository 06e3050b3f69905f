package dev.stigmem.api.hook;

import dev.stigmem.api.PluginContext;

/**
 * Hook {@code federation_outbound_sign} (filter chain, ordering {@code plugins_first}): the handler transforms a batch about to be sent to a peer, adding signature headers: receives the current value and returns the value the next handler sees. {@code null} is an error.
 *
 * @see Hook#FEDERATION_OUTBOUND_SIGN
 */
@FunctionalInterface
public non-sealed interface FederationOutboundSign extends HookHandler {
    FederationBatch federationOutboundSign(PluginContext context, FederationBatch payload);
}
